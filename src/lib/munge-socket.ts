// One request/response exchange with munged over its unix socket. munged serves one
// message per connection (it reads a request, writes the response, closes), and learns who
// we are from SO_PEERCRED, so there is nothing to send but the message itself.
//
// Retries follow libmunge: a busy listen queue (EAGAIN) is retried on connect with a
// linear backoff; an exchange broken by a socket error is repeated with the header's
// retry count raised, which is also what lets munged accept a credential it already saw
// when only our copy of its answer was lost. A reply that is not MUNGE's format, or no
// reply at all after the retries, is a ProtocolError: the caller falls back to the munge
// CLI. A socket that cannot be reached at all is a MungeError (the CLI would fail too).

import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { HEADER_SIZE, MungeErr, ProtocolError, parseHeader } from './munge-protocol.ts';
import type { Header } from './munge-protocol.ts';

/** A munge failure with munge's own message and munge_err_t number. */
export class MungeError extends Error {
  override name = 'MungeError';
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

const CONNECT_ATTEMPTS = 10;
const CONNECT_BACKOFF_MS = 50;
const EXCHANGE_ATTEMPTS = 5;
const EXCHANGE_BACKOFF_MS = 10;
/** munged's own per-message socket timeout. */
const EXCHANGE_TIMEOUT_MS = 2000;
/** sizeof(sockaddr_un.sun_path) on Linux; munge refuses longer names the same way. */
const SUN_PATH_MAX = 108;

/** glibc's strerror() wording for the errors a unix-socket connect can give. */
const STRERROR: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  ECONNREFUSED: 'Connection refused',
  EAGAIN: 'Resource temporarily unavailable',
  ENOTSOCK: 'Socket operation on non-socket',
  ENOTDIR: 'Not a directory',
  ECONNRESET: 'Connection reset by peer',
  EPIPE: 'Broken pipe',
};

/** Socket trouble that a fresh attempt may cure (munged busy, restarted, reply lost). */
class Transient extends Error {}

function errCode(e: unknown): string {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : '';
}

function connectMessage(path: string, code: string, fallback: string): string {
  const text = STRERROR[code] ?? fallback;
  if (code === 'ENOENT') return `Failed to access "${path}": ${text} (Did you start munged?)`;
  if (code === 'EACCES' || code === 'ENOTDIR') return `Failed to access "${path}": ${text}`;
  return `Failed to connect to "${path}": ${text}`;
}

interface Reply {
  header: Header;
  body: Buffer;
}

/** One connection: send, read exactly one framed reply. */
function exchangeOnce(path: string, request: Buffer, timeoutMs: number): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const sock = net.createConnection({ path });
    const chunks: Buffer[] = [];
    let got = 0;
    let header: Header | null = null;
    let connected = false;
    let settled = false;
    const finish = (err: Error | null, reply?: Reply): void => {
      if (settled) return;
      settled = true;
      sock.destroy();
      if (err !== null) reject(err);
      else if (reply !== undefined) resolve(reply);
    };
    sock.setTimeout(timeoutMs, () => finish(new Transient('Failed to receive message header: Timed-out')));
    sock.on('connect', () => {
      connected = true;
      sock.write(request);
    });
    sock.on('data', (c: Buffer) => {
      chunks.push(c);
      got += c.length;
      try {
        const all = Buffer.concat(chunks, got);
        header ??= got >= HEADER_SIZE ? parseHeader(all) : null;
        if (header !== null && got >= HEADER_SIZE + header.length) {
          finish(null, { header, body: all.subarray(HEADER_SIZE, HEADER_SIZE + header.length) });
        }
      } catch (e) {
        finish(e instanceof Error ? e : new ProtocolError(String(e)));
      }
    });
    sock.on('end', () => {
      // munged closes without a word when it cannot parse what we sent.
      finish(new ProtocolError(got === 0
        ? 'munged closed the connection without replying'
        : `truncated reply: ${got} bytes`));
    });
    sock.on('error', (e: Error) => {
      const code = errCode(e);
      if (!connected) {
        const err = new MungeError(MungeErr.socket, connectMessage(path, code, e.message));
        finish(code === 'EAGAIN' ? Object.assign(new Transient(err.message), { cause: err }) : err);
      } else {
        finish(new Transient(`Socket error during exchange: ${STRERROR[code] ?? e.message}`));
      }
    });
  });
}

/**
 * Sends the request built by `build(retry)` and returns munged's reply, retrying socket
 * trouble the way libmunge does. Throws MungeError (socket failure) or ProtocolError.
 */
export async function exchange(path: string, build: (retry: number) => Buffer, timeoutMs = EXCHANGE_TIMEOUT_MS): Promise<Reply> {
  if (Buffer.byteLength(path) >= SUN_PATH_MAX) {
    throw new MungeError(4, `Exceeded maximum length of ${SUN_PATH_MAX} bytes for socket pathname`);
  }
  let connectTries = 0;
  let last = '';
  for (let retry = 0; retry < EXCHANGE_ATTEMPTS;) {
    try {
      return await exchangeOnce(path, build(retry), timeoutMs);
    } catch (e) {
      if (!(e instanceof Transient)) throw e;
      last = e.message;
      if (e.cause instanceof MungeError) {
        // Refused before anything was sent: munged never saw this attempt.
        connectTries++;
        if (connectTries >= CONNECT_ATTEMPTS) throw e.cause;
        await sleep(connectTries * CONNECT_BACKOFF_MS);
        continue;
      }
      retry++;
      if (retry < EXCHANGE_ATTEMPTS) await sleep(retry * EXCHANGE_BACKOFF_MS);
    }
  }
  // munged kept dropping us after accepting the connection: a daemon that resets on an
  // unreadable message looks exactly like this, so let the caller try munge's own client.
  throw new ProtocolError(`no usable reply from munged after ${EXCHANGE_ATTEMPTS} attempts: ${last}`);
}
