// A one-shot HTTP/1.1 JSON client on node:net, for the CLI. Importing node:http in Node 24
// pulls in undici and web streams (~110 internal modules, 40-50 ms here), which would
// dominate every sbatch/squeue call; a CLI needs one request with `Connection: close`.

import net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { HttpError } from './http-error.ts';

export interface LiteOptions {
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** POST (or GET when body is undefined) JSON; resolves with the parsed 2xx body, else throws HttpError. */
export function callLite<T>(host: string, port: number, path: string, body?: unknown, opts: LiteOptions = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    const head = [
      `${body === undefined ? 'GET' : 'POST'} ${path} HTTP/1.1`,
      `Host: ${host}:${port}`,
      'Connection: close',
      ...Object.entries(opts.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    ];
    if (body !== undefined) head.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(text)}`);
    const sock = net.connect({ host, port });
    const chunks: Buffer[] = [];
    sock.setTimeout(opts.timeoutMs ?? 10_000, () => sock.destroy(new Error('timeout')));
    // No half-close: node:http aborts a request whose client sent FIN before the answer.
    // `Connection: close` makes the server close once it has answered.
    sock.on('connect', () => sock.write(`${head.join('\r\n')}\r\n\r\n${text}`));
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('error', reject);
    sock.on('close', () => {
      const raw = Buffer.concat(chunks);
      const split = raw.indexOf('\r\n\r\n');
      if (split < 0) {
        reject(new Error('connection closed without a response'));
        return;
      }
      const { status, chunked } = responseHead(raw.subarray(0, split));
      const payload = raw.subarray(split + 4);
      const parsed = jsonBody(chunked ? dechunk(payload) : payload);
      if (status < 200 || status >= 300) reject(new HttpError(status || 500, parsed));
      else resolve(parsed as T);
    });
  });
}

/** The status and framing of a response head. */
function responseHead(head: Buffer): { status: number; chunked: boolean } {
  const text = head.toString('latin1');
  return { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0), chunked: /\r\ntransfer-encoding:\s*chunked/i.test(text) };
}

/** A JSON body (empty = null); one that is not JSON reads as Slurm's protocol error. */
function jsonBody(b: Buffer): unknown {
  try {
    return b.length === 0 ? null : JSON.parse(b.toString('utf8'));
  } catch {
    return { error: 'Unexpected message received' };
  }
}

function dechunk(b: Buffer): Buffer {
  const parts: Buffer[] = [];
  let i = 0;
  for (;;) {
    const eol = b.indexOf('\r\n', i);
    if (eol < 0) break;
    const size = parseInt(b.subarray(i, eol).toString('latin1'), 16);
    if (!(size > 0)) break;
    parts.push(b.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/**
 * GET a streamed answer (newline-delimited) and hand each line to `onLine` as it arrives.
 * Asked as HTTP/1.0 so the server sends the body plain, up to its close, with no chunk
 * framing to undo. A non-2xx answer is read whole and thrown as HttpError; an exception
 * from `onLine` ends the call with it.
 */
export function streamLite(host: string, port: number, path: string, onLine: (line: string) => void, opts: LiteOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const head = [`GET ${path} HTTP/1.0`, `Host: ${host}:${port}`, ...Object.entries(opts.headers ?? {}).map(([k, v]) => `${k}: ${v}`)];
    const sock = net.connect({ host, port });
    sock.setTimeout(opts.timeoutMs ?? 10_000, () => sock.destroy(new Error('timeout')));
    sock.on('connect', () => sock.write(`${head.join('\r\n')}\r\n\r\n`));
    let pre: Buffer | null = Buffer.alloc(0);
    let status = 0;
    let chunked = false;
    const held: Buffer[] = [];
    const decoder = new StringDecoder('utf8');
    let partial = '';
    let failed = false;
    const lines = (text: string): void => {
      const parts = (partial + text).split('\n');
      partial = parts.pop() ?? '';
      for (const l of parts) onLine(l);
    };
    const body = (b: Buffer): void => {
      if (status >= 200 && status < 300 && !chunked) lines(decoder.write(b));
      else held.push(b);
    };
    sock.on('data', (c: Buffer) => {
      if (failed) return;
      try {
        if (pre === null) {
          body(c);
          return;
        }
        pre = Buffer.concat([pre, c]);
        const split = pre.indexOf('\r\n\r\n');
        if (split < 0) return;
        ({ status, chunked } = responseHead(pre.subarray(0, split)));
        const rest = pre.subarray(split + 4);
        pre = null;
        body(rest);
      } catch (e) {
        failed = true;
        sock.destroy();
        reject(e);
      }
    });
    sock.on('error', (e) => {
      if (!failed) reject(e);
      failed = true;
    });
    sock.on('close', () => {
      if (failed) return;
      if (pre !== null) {
        reject(new Error('connection closed without a response'));
        return;
      }
      try {
        if (status < 200 || status >= 300) {
          const raw = Buffer.concat(held);
          reject(new HttpError(status || 500, jsonBody(chunked ? dechunk(raw) : raw) ?? { error: 'Unexpected message received' }));
          return;
        }
        if (chunked) lines(dechunk(Buffer.concat(held)).toString('utf8'));
        else lines(decoder.end());
        if (partial !== '') onLine(partial);
        resolve();
      } catch (e) {
        reject(e);
      }
    });
  });
}
