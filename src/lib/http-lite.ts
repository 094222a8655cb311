// A one-shot HTTP/1.1 JSON client on node:net, for the CLI. Importing node:http in Node 24
// pulls in undici and web streams (~110 internal modules, 40-50 ms here), which would
// dominate every sbatch/squeue call; a CLI needs one request with `Connection: close`.

import net from 'node:net';
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
      const headText = raw.subarray(0, split).toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(headText)?.[1] ?? 0);
      let payload: Buffer = raw.subarray(split + 4);
      if (/\r\ntransfer-encoding:\s*chunked/i.test(headText)) payload = dechunk(payload);
      let parsed: unknown = null;
      try {
        parsed = payload.length === 0 ? null : JSON.parse(payload.toString('utf8'));
      } catch {
        parsed = { error: 'Unexpected message received' };
      }
      if (status < 200 || status >= 300) reject(new HttpError(status || 500, parsed));
      else resolve(parsed as T);
    });
  });
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
