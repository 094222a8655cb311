// Daemon-to-daemon sessions. Under AuthType=auth/munge every request carries a MUNGE
// credential, which costs a munged round trip on each side (about 0.6 ms of CPU per request
// between them on a small machine, a sixth of what a short job costs the controller and its
// agent). The controller and its agents talk many times per job, so they authenticate once
// per session instead:
//
//   1. The caller sends POST /v1/session with an ordinary MUNGE credential. The server
//      admits only root or SlurmUser, makes a random session id and a 256-bit key, and
//      answers with a MUNGE credential whose payload holds them, restricted to the caller's
//      uid (munged encrypts payloads, and refuses to decode a restricted credential for
//      anybody else), so the key never crosses the network in the clear.
//   2. The caller decodes it through its own munged, which also proves that the answer came
//      from root or SlurmUser, and then signs each request: `x-ratchet-session: id.n.mac`,
//      mac = HMAC-SHA256(key, "id.n.METHOD path"), n counting up from 1.
//   3. The server recomputes the mac and refuses a counter it has seen or one that is more
//      than REPLAY_WINDOW behind the highest seen (requests on several connections can
//      arrive slightly out of order), so a captured header cannot be replayed; like the
//      MUNGE credential it replaces, it binds the method and path.
//
// Sessions live SESSION_TTL_MS; a caller starts a new one a minute before, and on any 401
// (the server restarted and forgot them) it starts a new one and retries once. The CLI keeps
// using one MUNGE credential per request, as Slurm's commands do.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuthSettings, Verified } from './auth-header.ts';
import { authHeaders } from './auth-header.ts';
import { call, HttpError } from './http.ts';
import type { CallOptions } from './http.ts';
import { decodeCredential, encodeCredential } from './munge.ts';

export const SESSION_HEADER = 'x-ratchet-session';
export const SESSION_ROUTE = '/v1/session';
export const SESSION_TTL_MS = 30 * 60_000;
/** How far behind the highest counter seen a request may still arrive. */
export const REPLAY_WINDOW = 4096;
/** Sessions a server keeps at most (each agent holds one or two; the oldest go first). */
const MAX_SESSIONS = 100_000;

export interface SessionGrant {
  readonly cred: string;
}

interface Issued {
  readonly key: Buffer;
  readonly uid: number;
  readonly gid: number;
  readonly expires: number;
  max: number;
  readonly seen: Set<number>;
}

const mac = (key: Buffer, id: string, n: number, method: string, path: string): Buffer =>
  createHmac('sha256', key).update(`${id}.${n}.${method} ${path.split('?')[0] ?? ''}`).digest();

/** The server side: grants sessions and checks signed requests. */
export class SessionIssuer {
  private readonly sessions = new Map<string, Issued>();
  private readonly auth: AuthSettings;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(auth: AuthSettings, ttlMs = SESSION_TTL_MS, now: () => number = Date.now) {
    this.auth = auth;
    this.ttlMs = ttlMs;
    this.now = now;
  }

  /** A new session for a caller already verified (by MUNGE) as `uid`/`gid`. */
  async grant(uid: number, gid: number): Promise<SessionGrant> {
    const now = this.now();
    for (const [id, s] of this.sessions) {
      if (s.expires <= now || this.sessions.size >= MAX_SESSIONS) this.sessions.delete(id);
      else break;
    }
    const id = randomBytes(12).toString('base64url');
    const key = randomBytes(32);
    const payload = JSON.stringify({ id, key: key.toString('base64'), ttlMs: this.ttlMs });
    const cred = await encodeCredential({ socket: this.auth.mungeSocket, payload, restrictUid: uid });
    this.sessions.set(id, { key, uid, gid, expires: now + this.ttlMs, max: 0, seen: new Set() });
    return { cred };
  }

  /** Checks a signed request; null when it carries no session header. */
  verify(headers: Record<string, string | string[] | undefined>, method: string, path: string): Verified | null {
    const h = headers[SESSION_HEADER];
    if (h === undefined) return null;
    const m = typeof h === 'string' ? /^([A-Za-z0-9_-]{16})\.([1-9][0-9]{0,15})\.([A-Za-z0-9_-]{43})$/.exec(h) : null;
    if (m === null) return { ok: false, error: 'malformed session header' };
    const [, id = '', counter = '', sig = ''] = m;
    const s = this.sessions.get(id);
    if (s === undefined || s.expires <= this.now()) return { ok: false, error: 'unknown or expired session' };
    const n = Number(counter);
    const want = mac(s.key, id, n, method, path);
    const got = Buffer.from(sig, 'base64url');
    if (got.length !== want.length || !timingSafeEqual(got, want)) return { ok: false, error: 'bad session signature' };
    if (n <= s.max - REPLAY_WINDOW || s.seen.has(n)) return { ok: false, error: 'replayed session request' };
    s.seen.add(n);
    if (n > s.max) {
      s.max = n;
      if (s.seen.size > 2 * REPLAY_WINDOW) for (const old of s.seen) if (old <= n - REPLAY_WINDOW) s.seen.delete(old);
    }
    return { ok: true, uid: s.uid, gid: s.gid };
  }

  get size(): number {
    return this.sessions.size;
  }
}

interface Held {
  readonly id: string;
  readonly key: Buffer;
  /** When the caller starts a new one (a minute before the server forgets it). */
  readonly renewAt: number;
  n: number;
  /** The server refused it: replaced on the next call. */
  dead: boolean;
}

/** The caller side: one session per server, used for every call to it. */
export class SessionClient {
  private readonly held = new Map<string, Promise<Held>>();
  private readonly auth: AuthSettings;
  private readonly trusted: (uid: number) => boolean;

  /** `trusted`: the uids a server may run as (root and SlurmUser). */
  constructor(auth: AuthSettings, trusted: (uid: number) => boolean) {
    this.auth = auth;
    this.trusted = trusted;
  }

  /** `call` (lib/http.ts) signed with the session to host:port, made first if needed. */
  async call<T>(host: string, port: number, path: string, body?: unknown, opts: CallOptions = {}): Promise<T> {
    const method = body === undefined ? 'GET' : 'POST';
    if (this.auth.authType !== 'auth/munge') {
      return call<T>(host, port, path, body, { ...opts, headers: { ...opts.headers, ...(await authHeaders(this.auth, method, path)) } });
    }
    const server = `${host}:${port}`;
    for (let retry = 0; ; retry++) {
      const s = await this.session(server, host, port, opts.timeoutMs);
      const n = ++s.n;
      const header = `${s.id}.${n}.${mac(s.key, s.id, n, method, path).toString('base64url')}`;
      try {
        return await call<T>(host, port, path, body, { ...opts, headers: { ...opts.headers, [SESSION_HEADER]: header } });
      } catch (e) {
        // The server no longer knows the session (it restarted): a new one, and once more.
        if (retry > 0 || !(e instanceof HttpError) || e.status !== 401) throw e;
        s.dead = true;
      }
    }
  }

  /** The usable session with `server`: the one held, the one being made, or a new one. */
  private async session(server: string, host: string, port: number, timeoutMs?: number): Promise<Held> {
    for (;;) {
      const cur = this.held.get(server);
      if (cur === undefined) return this.open(server, host, port, timeoutMs);
      const s = await cur.catch(() => null);
      if (s !== null && !s.dead && Date.now() < s.renewAt) return s;
      // Refused, due for renewal or failed: the first caller to see it makes the next one,
      // the others (resuming after it) find that one held.
      if (this.held.get(server) === cur) return this.open(server, host, port, timeoutMs);
    }
  }

  private open(server: string, host: string, port: number, timeoutMs: number | undefined): Promise<Held> {
    const made = (async (): Promise<Held> => {
      const started = Date.now();
      const headers = await authHeaders(this.auth, 'POST', SESSION_ROUTE);
      const g = await call<SessionGrant>(host, port, SESSION_ROUTE, {}, { headers, timeoutMs: timeoutMs ?? 10_000 });
      const d = await decodeCredential(typeof g?.cred === 'string' ? g.cred : '', { socket: this.auth.mungeSocket });
      if (!d.ok) throw new Error(`session with ${server}: ${d.error}`);
      if (!this.trusted(d.uid)) throw new Error(`session with ${server}: granted by uid ${d.uid}, not root or SlurmUser`);
      const p = JSON.parse(d.payload) as { id?: unknown; key?: unknown; ttlMs?: unknown };
      if (typeof p.id !== 'string' || typeof p.key !== 'string' || typeof p.ttlMs !== 'number') throw new Error(`session with ${server}: malformed grant`);
      return { id: p.id, key: Buffer.from(p.key, 'base64'), renewAt: started + Math.max(0, p.ttlMs - 60_000), n: 0, dead: false };
    })();
    this.held.set(server, made);
    // A failed attempt is not kept: the next call tries again.
    made.catch(() => {
      if (this.held.get(server) === made) this.held.delete(server);
    });
    return made;
  }
}
