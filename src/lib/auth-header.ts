// Request authentication shared by the three processes. With AuthType=auth/munge every
// request carries a MUNGE credential (x-ratchet-cred) whose payload binds it to the method
// and path; munged supplies the uid/gid and refuses forged, expired and replayed ones.
// AuthType=auth/none (a single-user sandbox) states the uid in a header, and servers accept
// only their own uid that way, so it can never be used across users. Between the controller
// and its agents a MUNGE credential only opens a session (daemon-session.ts) that signs the
// calls after it.

import { decodeCredential, encodeCredential } from './munge.ts';

export type AuthType = 'auth/munge' | 'auth/none';

export interface AuthSettings {
  readonly authType: AuthType;
  readonly mungeSocket: string | null;
}

export const CRED_HEADER = 'x-ratchet-cred';

const binding = (method: string, path: string): string => `${method} ${path.split('?')[0] ?? ''}`;

/** Headers that authenticate one request. */
export async function authHeaders(a: AuthSettings, method: string, path: string): Promise<Record<string, string>> {
  if (a.authType === 'auth/none') {
    return { 'x-ratchet-uid': String(process.getuid?.() ?? 0), 'x-ratchet-gid': String(process.getgid?.() ?? 0) };
  }
  return { [CRED_HEADER]: await encodeCredential({ socket: a.mungeSocket, payload: binding(method, path) }) };
}

export type Verified = { ok: true; uid: number; gid: number } | { ok: false; error: string };

/** Who sent this request, or why it is refused. */
export async function verifyHeaders(
  a: AuthSettings, headers: Record<string, string | string[] | undefined>, method: string, path: string,
): Promise<Verified> {
  if (a.authType === 'auth/none') {
    const uid = Number(headers['x-ratchet-uid']);
    const gid = Number(headers['x-ratchet-gid']);
    if (!Number.isInteger(uid) || uid < 0 || !Number.isInteger(gid) || gid < 0) return { ok: false, error: 'no identity' };
    // Only the server's own user may use an unauthenticated sandbox.
    if (uid !== (process.getuid?.() ?? 0)) return { ok: false, error: 'auth/none accepts only the daemon\'s own user' };
    return { ok: true, uid, gid };
  }
  const cred = headers[CRED_HEADER];
  if (typeof cred !== 'string' || cred === '') return { ok: false, error: 'no credential' };
  const d = await decodeCredential(cred, { socket: a.mungeSocket });
  if (!d.ok) return { ok: false, error: d.error };
  if (d.payload !== binding(method, path)) return { ok: false, error: 'credential was issued for another request' };
  return { ok: true, uid: d.uid, gid: d.gid };
}
