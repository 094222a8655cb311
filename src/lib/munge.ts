// MUNGE credentials for AuthType=auth/munge: the client has its local munged encode a
// credential (munged embeds the caller's real uid/gid, taken from the socket, never from
// us), the server has its munged decode it and so learns who sent the request. munged
// refuses expired, replayed, forged and other-key credentials.
//
// Protocol: MUNGE's own message format over munged's unix socket (munge-protocol.ts,
// munge-socket.ts), about a tenth of a millisecond per call; the munge/unmunge commands
// (munge-spawn.ts) are the fallback when munged answers in a format we do not know.
// Test hooks: `via` forces one path; `onFallback` reports each fallback and its reason.

import {
  MAX_PAYLOAD, MAX_REQUEST, MungeErr, ProtocolError,
  packDecodeRequest, packEncodeRequest, parseDecodeResponse, parseEncodeResponse,
} from './munge-protocol.ts';
import { MungeError, exchange } from './munge-socket.ts';
import type * as SpawnPath from './munge-spawn.ts';

export { MungeError } from './munge-socket.ts';

/** munged's default socket (Debian: RUNSTATEDIR=/run). */
export const DEFAULT_MUNGE_SOCKET = '/run/munge/munge.socket.2';

export type Decoded =
  | { ok: true; uid: number; gid: number; payload: string; encodedAt: number; ttl: number }
  /** error is munge's own text ('Replayed credential', 'Expired credential', ...); code its munge_err_t. */
  | { ok: false; error: string; code: number };

export interface MungeOptions {
  /** munged's socket (AuthInfo=socket=...); null = munge's default. */
  socket: string | null;
  /** 'auto' (default): native, and the CLI on a protocol error. Tests force one path. */
  via?: 'auto' | 'native' | 'spawn';
  /** Told why the native path was abandoned for the CLI, so a daemon can log it once. */
  onFallback?: (reason: string) => void;
}

export interface EncodeOptions extends MungeOptions {
  payload?: string;
  /** Seconds the credential stays valid: 0 or absent = munged's default (300), -1 = its maximum. */
  ttl?: number;
  /** Only this uid may decode the credential (munge --restrict-uid). */
  restrictUid?: number;
}

type SpawnModule = typeof SpawnPath;
let spawnModule: Promise<SpawnModule> | null = null;
function spawnPath(): Promise<SpawnModule> {
  spawnModule ??= import('./munge-spawn.ts');
  return spawnModule;
}

function fallback(opts: MungeOptions, e: unknown): boolean {
  if ((opts.via ?? 'auto') !== 'auto' || !(e instanceof ProtocolError)) return false;
  opts.onFallback?.(e.message);
  return true;
}

/** Asks munged for a credential; throws MungeError with munge's message if it cannot. */
export async function encodeCredential(opts: EncodeOptions): Promise<string> {
  const socket = opts.socket ?? DEFAULT_MUNGE_SOCKET;
  const ttl = opts.ttl ?? 0;
  if (!Number.isInteger(ttl) || ttl < -1 || ttl > 0xffffffff) {
    throw new MungeError(MungeErr.badArg, `Invalid time-to-live '${ttl}'`);
  }
  const payload = Buffer.from(opts.payload ?? '', 'utf8');
  if (payload.length > MAX_PAYLOAD) {
    throw new MungeError(MungeErr.badLength, `Payload size ${payload.length} exceeded maximum of ${MAX_PAYLOAD}`);
  }
  const uid = opts.restrictUid ?? null;
  if (uid !== null && (!Number.isInteger(uid) || uid < 0 || uid >= 0xffffffff)) {
    throw new MungeError(MungeErr.badArg, `Invalid uid restriction '${uid}'`);
  }
  if (opts.via === 'spawn') return (await spawnPath()).encodeSpawn(socket, payload, ttl, uid);
  try {
    const { header, body } = await exchange(socket, (retry) => packEncodeRequest(payload, ttl, retry, uid));
    const r = parseEncodeResponse(header, body);
    if (r.code !== MungeErr.success) throw new MungeError(r.code, r.error);
    if (!r.cred.startsWith('MUNGE:')) throw new ProtocolError('encode reply carries no credential');
    return r.cred;
  } catch (e) {
    if (fallback(opts, e)) return (await spawnPath()).encodeSpawn(socket, payload, ttl, uid);
    if (e instanceof ProtocolError) throw new MungeError(MungeErr.socket, e.message);
    throw e;
  }
}

/**
 * Has munged verify a credential. Never throws: every refusal, including an unreachable
 * munged (code 6), is a value, because it comes from a request a server must answer.
 */
export async function decodeCredential(cred: string, opts: MungeOptions): Promise<Decoded> {
  const socket = opts.socket ?? DEFAULT_MUNGE_SOCKET;
  // libmunge sends the text up to its first NUL; surrounding whitespace is transport noise.
  const text = Buffer.from(cred.split('\0', 1)[0]?.trim() ?? '', 'utf8');
  if (text.length === 0) return { ok: false, code: MungeErr.badArg, error: 'No credential specified' };
  if (text.length + 1 > MAX_REQUEST) {
    return { ok: false, code: MungeErr.badLength, error: `Credential size ${text.length + 1} exceeded maximum of ${MAX_REQUEST}` };
  }
  try {
    if (opts.via === 'spawn') return await (await spawnPath()).decodeSpawn(socket, text);
    const { header, body } = await exchange(socket, (retry) => packDecodeRequest(text, retry));
    const r = parseDecodeResponse(header, body);
    if (r.code !== MungeErr.success) return { ok: false, code: r.code, error: r.error };
    return { ok: true, uid: r.uid, gid: r.gid, payload: r.payload.toString('utf8'), encodedAt: r.encodedAt, ttl: r.ttl };
  } catch (e) {
    if (fallback(opts, e)) return (await spawnPath()).decodeSpawn(socket, text);
    const code = e instanceof MungeError ? e.code : MungeErr.socket;
    return { ok: false, code, error: e instanceof Error ? e.message : String(e) };
  }
}
