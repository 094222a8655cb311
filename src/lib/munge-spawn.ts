// The slow path: ask munge's own `munge`/`unmunge` commands. Used only when munged's
// reply to our native client is not in the format we know (a future wire version), so
// authentication keeps working at the price of a process per call. Loaded lazily by
// munge.ts so the CLI does not pay for node:child_process on the fast path.

import { spawn } from 'node:child_process';
import { MungeErr, mungeStrerror } from './munge-protocol.ts';
import { MungeError } from './munge-socket.ts';
import type { Decoded } from './munge.ts';

const RUN_TIMEOUT_MS = 15_000;

interface Ran {
  status: number;
  stdout: Buffer;
  stderr: string;
}

function run(cmd: string, args: readonly string[], input: Buffer): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: RUN_TIMEOUT_MS });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => reject(new MungeError(MungeErr.snafu, `Failed to run ${cmd}: ${e.message}`)));
    child.on('close', (code, signal) => {
      resolve({
        status: code ?? (signal !== null ? 128 : 1),
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    // A child that dies before reading its stdin makes the write fail; its exit says why.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/**
 * "munge: Error: Failed to match armor prefix" -> that message. unmunge reports an
 * expired or replayed credential only through its status (= munge_err_t) and metadata.
 */
function errorText(stderr: string, status: number): string {
  const line = stderr.split('\n').find((l) => l.includes('Error: '));
  if (line !== undefined) return line.slice(line.indexOf('Error: ') + 'Error: '.length).trim();
  return status > 0 && status < 64 ? mungeStrerror(status) : stderr.trim() || `exited with status ${status}`;
}

export async function encodeSpawn(socket: string, payload: Buffer, ttl: number, restrictUid: number | null = null): Promise<string> {
  const args = [`--socket=${socket}`, `--ttl=${ttl}`];
  if (restrictUid !== null) args.push(`--restrict-uid=${restrictUid}`);
  if (payload.length === 0) args.push('--no-input');
  const r = await run('munge', args, payload);
  if (r.status !== 0) throw new MungeError(r.status, errorText(r.stderr, r.status));
  const cred = r.stdout.toString('utf8').trim();
  if (!cred.startsWith('MUNGE:')) throw new MungeError(MungeErr.snafu, `munge printed no credential: ${cred.slice(0, 80)}`);
  return cred;
}

/**
 * `unmunge --numeric` prints "KEY: value" lines, a blank line, then LENGTH bytes of
 * payload; for expired/replayed credentials it still prints them, with a non-zero status.
 */
export async function decodeSpawn(socket: string, cred: Buffer): Promise<Decoded> {
  let r: Ran;
  try {
    r = await run('unmunge', [`--socket=${socket}`, '--numeric'], Buffer.concat([cred, Buffer.from('\n')]));
  } catch (e) {
    return { ok: false, code: e instanceof MungeError ? e.code : MungeErr.snafu, error: e instanceof Error ? e.message : String(e) };
  }
  if (r.status !== 0) return { ok: false, code: r.status, error: errorText(r.stderr, r.status) };
  const split = r.stdout.indexOf('\n\n');
  if (split < 0) return { ok: false, code: MungeErr.snafu, error: 'unmunge printed no metadata' };
  const meta = new Map<string, string>();
  for (const line of r.stdout.subarray(0, split).toString('utf8').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) meta.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const num = (k: string): number => {
    const v = meta.get(k);
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : NaN;
  };
  const length = num('LENGTH');
  const body = r.stdout.subarray(split + 2);
  const fields = [num('UID'), num('GID'), num('ENCODE_TIME'), num('TTL'), length];
  if (fields.some((n) => Number.isNaN(n)) || body.length < length) {
    return { ok: false, code: MungeErr.snafu, error: 'unmunge printed unreadable metadata' };
  }
  return {
    ok: true,
    uid: num('UID'),
    gid: num('GID'),
    encodedAt: num('ENCODE_TIME'),
    ttl: num('TTL'),
    payload: body.subarray(0, length).toString('utf8'),
  };
}
