// Minimal JSON-over-HTTP/1.1 plumbing shared by the three processes: a router for
// node:http servers and a keep-alive client. No framework: the protocol is a handful of
// JSON routes and start-up cost matters for the CLI.

import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './http-error.ts';

export { HttpError };

export interface Request {
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: unknown;
  raw: IncomingMessage;
}

export type Handler = (req: Request) => Promise<unknown> | unknown;

interface Route {
  method: string;
  parts: string[];
  handler: Handler;
}

const MAX_BODY = 32 * 1024 * 1024;

export class Router {
  private readonly routes: Route[] = [];

  on(method: string, path: string, handler: Handler): this {
    this.routes.push({ method, parts: path.split('/').filter(Boolean), handler });
    return this;
  }

  private match(method: string, path: string): { route: Route; params: Record<string, string> } | null {
    const parts = path.split('/').filter(Boolean);
    for (const route of this.routes) {
      if (route.method !== method || route.parts.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const want = route.parts[i] ?? '';
        const got = decodeURIComponent(parts[i] ?? '');
        if (want.startsWith(':')) params[want.slice(1)] = got;
        else if (want !== got) {
          ok = false;
          break;
        }
      }
      if (ok) return { route, params };
    }
    return null;
  }

  /** The node:http request listener. Never throws: every failure becomes a JSON error. */
  listener(): (req: IncomingMessage, res: ServerResponse) => void {
    return (req, res) => {
      void this.handle(req, res);
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://x');
      const m = this.match(req.method ?? 'GET', url.pathname);
      if (m === null) throw new HttpError(404, { error: 'Unexpected message received' });
      const body = await readBody(req);
      const out = await m.route.handler({
        method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, params: m.params,
        headers: req.headers, body, raw: req,
      });
      if (out instanceof RawStream) {
        await stream(res, out);
        return;
      }
      send(res, 200, out ?? {});
    } catch (e) {
      if (e instanceof HttpError) send(res, e.status, e.body);
      else send(res, 500, { error: 'Unspecified error', detail: [String(e instanceof Error ? e.message : e)] });
    }
  }
}

/**
 * A handler result sent as it is produced (bulk answers): text chunks, newline-delimited
 * JSON. No length is known up front, so an HTTP/1.1 client gets it chunked and an HTTP/1.0
 * one (the CLI) gets it up to the connection's close.
 */
export class RawStream {
  readonly chunks: AsyncIterable<string>;

  constructor(chunks: AsyncIterable<string>) {
    this.chunks = chunks;
  }
}

/** Until the socket takes more, or is gone; the listener not used is removed again. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

async function stream(res: ServerResponse, body: RawStream): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  try {
    for await (const chunk of body.chunks) {
      if (!res.write(chunk)) await drained(res);
      if (res.destroyed) return;
    }
    res.end();
  } catch {
    // headers are gone: all a failure can do now is cut the answer short
    res.destroy();
  }
}

/** A handler result already serialised as JSON (bulk answers built from cached texts). */
export class RawJson {
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }
}

export function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = body instanceof RawJson ? body.text : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, { error: 'Unexpected message received', detail: ['request too large'] }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (size === 0) return resolve(null);
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new HttpError(400, { error: 'Unexpected message received', detail: ['malformed JSON'] }));
      }
    });
    req.on('error', reject);
  });
}

// ---- client -----------------------------------------------------------------------------

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 64 });

export interface CallOptions {
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Reuse connections (daemons); the CLI makes one call and exits. */
  keepAlive?: boolean;
}

/** POST (or GET when body is undefined) JSON; resolves with the parsed body of a 2xx, else throws HttpError. */
export function call<T>(host: string, port: number, path: string, body?: unknown, opts: CallOptions = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = { ...opts.headers };
    if (text !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(text);
    }
    const req = http.request({
      host, port, path, method: text === undefined ? 'GET' : 'POST', headers,
      agent: opts.keepAlive === false ? false : keepAlive,
      timeout: opts.timeoutMs ?? 10_000,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = null;
        try {
          parsed = raw === '' ? null : JSON.parse(raw);
        } catch {
          parsed = { error: 'Unexpected message received' };
        }
        if ((res.statusCode ?? 500) >= 300) reject(new HttpError(res.statusCode ?? 500, parsed));
        else resolve(parsed as T);
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    if (text !== undefined) req.write(text);
    req.end();
  });
}
