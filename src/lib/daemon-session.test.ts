// Daemon sessions against a real private munged and a real HTTP server: a session is made
// once under MUNGE and then signs every call; forged, replayed, foreign and stale headers are
// refused; a server that forgot its sessions (restart) costs one retry, not a failure.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuthSettings } from './auth-header.ts';
import { verifyHeaders } from './auth-header.ts';
import { REPLAY_WINDOW, SESSION_HEADER, SESSION_ROUTE, SessionClient, SessionIssuer } from './daemon-session.ts';
import { startMunged, stopMunged } from './munged.ts';
import type { Munged } from './munged.ts';

let dir = '';
let M: Munged;
let auth: AuthSettings;
let issuer: SessionIssuer;
let server: http.Server;
let port = 0;
/** What the server saw: per request the route, the way it was authenticated, and the verdict. */
const seen: { path: string; how: 'munge' | 'session'; ok: boolean; error?: string }[] = [];
let lastHeader = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ratchet-session-'));
  chmodSync(dir, 0o755);
  M = await startMunged(join(dir, 'm'));
  auth = { authType: 'auth/munge', mungeSocket: M.socket };
  issuer = new SessionIssuer(auth);
  server = http.createServer((req, res) => {
    void (async () => {
      const path = req.url ?? '';
      let status = 200;
      let body: unknown = { ok: true };
      if (path === SESSION_ROUTE) {
        const v = await verifyHeaders(auth, req.headers, req.method ?? '', path);
        seen.push({ path, how: 'munge', ok: v.ok });
        if (v.ok) body = await issuer.grant(v.uid, v.gid);
        else status = 401;
      } else {
        lastHeader = String(req.headers[SESSION_HEADER] ?? '');
        const v = issuer.verify(req.headers, req.method ?? '', path) ?? { ok: false, error: 'no session header' };
        seen.push({ path, how: 'session', ok: v.ok, ...(v.ok ? {} : { error: v.error }) });
        if (v.ok) body = { uid: v.uid };
        else [status, body] = [401, { error: v.error }];
      }
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  await new Promise((r) => server.close(r));
  await stopMunged(M.pid);
  rmSync(dir, { recursive: true, force: true });
});

/** A raw request with the given session header. */
function raw(path: string, header: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: { [SESSION_HEADER]: header, 'content-length': 2 } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end('{}');
  });
}

const me = process.getuid?.() ?? 0;

test('one MUNGE exchange makes the session; later calls are signed with it', async () => {
  seen.length = 0;
  const client = new SessionClient(auth, (uid) => uid === me);
  const answers = await Promise.all([1, 2, 3, 4].map(() => client.call<{ uid: number }>('127.0.0.1', port, '/v1/work', {})));
  assert.deepEqual(answers.map((a) => a.uid), [me, me, me, me]);
  assert.deepEqual(seen.map((s) => s.how), ['munge', 'session', 'session', 'session', 'session'], 'concurrent first calls share one session');
  assert.ok(seen.every((s) => s.ok));
});

test('forged, replayed, foreign-path and too-old headers are refused', async () => {
  const client = new SessionClient(auth, (uid) => uid === me);
  await client.call('127.0.0.1', port, '/v1/work', {});
  const good = lastHeader;
  const [id = '', n = '', sig = ''] = good.split('.');
  assert.equal(await raw('/v1/work', good), 401, 'the same header twice is a replay');
  assert.equal(seen.at(-1)?.error, 'replayed session request');
  const flipped = sig.slice(0, 10) + (sig[10] === 'A' ? 'B' : 'A') + sig.slice(11);
  assert.equal(await raw('/v1/work', `${id}.${Number(n) + 1}.${flipped}`), 401);
  assert.equal(seen.at(-1)?.error, 'bad session signature');
  assert.equal(await raw('/v1/other', `${id}.${Number(n) + 1}.${sig}`), 401, 'signed for another counter and path');
  assert.equal(await raw('/v1/work', 'garbage'), 401);
  assert.equal(seen.at(-1)?.error, 'malformed session header');
  assert.equal(await raw('/v1/work', `AAAAAAAAAAAAAAAA.1.${sig}`), 401);
  assert.equal(seen.at(-1)?.error, 'unknown or expired session');
  // The replay window, with headers signed here by the client's own key: far ahead is fine,
  // more than the window behind the highest seen is refused though never seen, a little
  // behind is fine once.
  const c2 = new SessionClient(auth, (uid) => uid === me);
  await c2.call('127.0.0.1', port, '/v1/work', {});
  const held = await (c2 as unknown as { held: Map<string, Promise<{ id: string; key: Buffer }>> }).held.get(`127.0.0.1:${port}`);
  assert.ok(held !== undefined);
  const signed = (k: number): string => `${held.id}.${k}.${createHmac('sha256', held.key).update(`${held.id}.${k}.POST /v1/work`).digest('base64url')}`;
  assert.equal(await raw('/v1/work', signed(REPLAY_WINDOW + 10)), 200);
  assert.equal(await raw('/v1/work', signed(5)), 401);
  assert.equal(seen.at(-1)?.error, 'replayed session request');
  assert.equal(await raw('/v1/work', signed(REPLAY_WINDOW + 9)), 200);
  assert.equal(await raw('/v1/work', signed(REPLAY_WINDOW + 9)), 401);
});

test('a grant from a uid the caller does not trust is refused', async () => {
  const client = new SessionClient(auth, (uid) => uid !== me);
  await assert.rejects(client.call('127.0.0.1', port, '/v1/work', {}), /granted by uid \d+, not root or SlurmUser/);
});

test('a server that forgot its sessions costs the caller one new session and a retry', async () => {
  const client = new SessionClient(auth, (uid) => uid === me);
  await client.call('127.0.0.1', port, '/v1/work', {});
  issuer = new SessionIssuer(auth); // the server restarted
  seen.length = 0;
  const r = await client.call<{ uid: number }>('127.0.0.1', port, '/v1/work', {});
  assert.equal(r.uid, me);
  assert.deepEqual(seen.map((s) => `${s.how}:${String(s.ok)}`), ['session:false', 'munge:true', 'session:true']);
});

test('sessions expire on the server', async () => {
  let now = 1_000_000;
  const short = new SessionIssuer(auth, 60_000, () => now);
  const g = await short.grant(me, 0);
  assert.match(g.cred, /^MUNGE:/);
  assert.equal(short.size, 1);
  now += 61_000;
  await short.grant(me, 0);
  assert.equal(short.size, 1, 'the expired one is dropped when the next is granted');
});
