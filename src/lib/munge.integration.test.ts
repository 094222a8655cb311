// MUNGE credentials against real private munged daemons (Debian's `munge` package must be
// installed): identity, payload, forgery, replay, expiry, foreign keys, the munge/unmunge
// fallback, and the latency of both paths (printed).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { decodeCredential, encodeCredential, MungeError } from './munge.ts';
import type { Decoded } from './munge.ts';
import { startMunged, stopMunged } from './munged.ts';
import type { Munged } from './munged.ts';

const run = promisify(execFile);
let dir = '';
let A: Munged;
let B: Munged;
let proxies = 0;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ratchet-munge-'));
  // Every user who encodes must be able to reach the socket (mkdtemp makes 0700).
  chmodSync(dir, 0o755);
  A = await startMunged(join(dir, 'a'));
  B = await startMunged(join(dir, 'b'));
});

after(async () => {
  await stopMunged(A.pid);
  await stopMunged(B.pid);
  rmSync(dir, { recursive: true, force: true });
});

/** Flips one base64 character in the middle of the credential. */
function forge(cred: string): string {
  const i = Math.floor(cred.length / 2);
  return cred.slice(0, i) + (cred[i] === 'A' ? 'B' : 'A') + cred.slice(i + 1);
}

const okOf = (d: Decoded): Extract<Decoded, { ok: true }> => {
  assert.ok(d.ok, `decode failed: ${d.ok ? '' : d.error}`);
  return d;
};

test('round trip as root: uid/gid 0, default ttl, encode time now', async () => {
  const before = Math.floor(Date.now() / 1000);
  const d = okOf(await decodeCredential(await encodeCredential({ socket: A.socket }), { socket: A.socket }));
  assert.equal(d.uid, process.getuid?.());
  assert.equal(d.gid, process.getgid?.());
  assert.equal(d.payload, '');
  assert.equal(d.ttl, 300);
  assert.ok(d.encodedAt >= before - 1 && d.encodedAt <= Math.floor(Date.now() / 1000) + 1);
});

test('a uid restriction: only that uid may decode, on both paths', async () => {
  const me = process.getuid?.() ?? 0;
  for (const via of ['native', 'spawn'] as const) {
    const mine = okOf(await decodeCredential(await encodeCredential({ socket: A.socket, payload: 'k', restrictUid: me, via }), { socket: A.socket }));
    assert.equal(mine.payload, 'k');
    const other = await decodeCredential(await encodeCredential({ socket: A.socket, payload: 'k', restrictUid: me + 4242, via }), { socket: A.socket });
    assert.equal(other.ok, false, via);
    assert.match(other.ok ? '' : other.error, /Unauthorized credential/);
  }
  await assert.rejects(encodeCredential({ socket: A.socket, restrictUid: -1 }), /Invalid uid restriction/);
});

test('a credential encoded by nobody decodes as 65534/65534', async (t) => {
  if (process.getuid?.() !== 0) {
    t.skip('needs root to run the encoder as nobody');
    return;
  }
  const script = `import { encodeCredential } from ${JSON.stringify(new URL('./munge.ts', import.meta.url).href)};
    process.stdout.write(await encodeCredential({ socket: ${JSON.stringify(A.socket)}, payload: 'from nobody' }));`;
  const { stdout } = await run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups',
    process.execPath, '--input-type=module', '-e', script], { cwd: '/' });
  const d = okOf(await decodeCredential(stdout, { socket: A.socket }));
  assert.deepEqual([d.uid, d.gid, d.payload], [65534, 65534, 'from nobody']);
});

test('payload round trip keeps text byte for byte', async () => {
  const payload = 'job 42 \u00e9\u6f22 \n\ttabs\n\nand blank lines\n';
  const d = okOf(await decodeCredential(await encodeCredential({ socket: A.socket, payload, ttl: 30 }), { socket: A.socket }));
  assert.equal(d.payload, payload);
  assert.equal(d.ttl, 30);
});

test('a forged credential is refused', async () => {
  const d = await decodeCredential(forge(await encodeCredential({ socket: A.socket })), { socket: A.socket });
  assert.equal(d.ok, false);
  assert.ok(!d.ok && [8, 14].includes(d.code), `code ${d.ok ? '' : d.code}`);
});

test('a replayed credential is refused on the second decode', async () => {
  const cred = await encodeCredential({ socket: A.socket });
  okOf(await decodeCredential(cred, { socket: A.socket }));
  assert.deepEqual(await decodeCredential(cred, { socket: A.socket }), { ok: false, code: 17, error: 'Replayed credential' });
});

test('an expired credential is refused', async () => {
  // munged keeps whole seconds and refuses once now > encoded + ttl: with ttl 1 that is
  // the second after next, 1 to 2 s away (the margin covers time()'s coarse clock).
  const cred = await encodeCredential({ socket: A.socket, ttl: 1 });
  const encodedBy = Math.floor(Date.now() / 1000);
  await sleep((encodedBy + 2) * 1000 - Date.now() + 50);
  assert.deepEqual(await decodeCredential(cred, { socket: A.socket }), { ok: false, code: 15, error: 'Expired credential' });
});

test('a credential from another key is refused', async () => {
  const d = await decodeCredential(await encodeCredential({ socket: B.socket }), { socket: A.socket });
  assert.deepEqual(d, { ok: false, code: 14, error: 'Invalid credential' });
});

test('bad input gives values, not crashes', async () => {
  assert.deepEqual(await decodeCredential('', { socket: A.socket }), { ok: false, code: 2, error: 'No credential specified' });
  assert.deepEqual(await decodeCredential('garbage', { socket: A.socket }), { ok: false, code: 8, error: 'Failed to match armor prefix' });
  const missing = await decodeCredential('MUNGE:x:', { socket: join(dir, 'nope.socket') });
  assert.equal(missing.ok, false);
  assert.match(missing.ok ? '' : missing.error, /Did you start munged\?/);
  await assert.rejects(encodeCredential({ socket: join(dir, 'nope.socket') }), (e: unknown) => e instanceof MungeError && e.code === 6);
  await assert.rejects(encodeCredential({ socket: A.socket, ttl: 1.5 }), /Invalid time-to-live/);
  await assert.rejects(encodeCredential({ socket: A.socket, payload: 'x'.repeat(1_048_577) }), /exceeded maximum/);
});

test('munge/unmunge give the same answers as the native path', async () => {
  const payload = 'same\nanswer \u00fc';
  const viaSpawn = okOf(await decodeCredential(await encodeCredential({ socket: A.socket, payload, ttl: 77 }), { socket: A.socket, via: 'spawn' }));
  const viaNative = okOf(await decodeCredential(await encodeCredential({ socket: A.socket, payload, ttl: 77, via: 'spawn' }), { socket: A.socket, via: 'native' }));
  const strip = (d: Extract<Decoded, { ok: true }>): unknown => ({ ...d, encodedAt: 0 });
  assert.deepEqual(strip(viaSpawn), strip(viaNative));
  assert.ok(Math.abs(viaSpawn.encodedAt - viaNative.encodedAt) <= 2);

  const replayed = await encodeCredential({ socket: A.socket });
  okOf(await decodeCredential(replayed, { socket: A.socket }));
  const foreign = await encodeCredential({ socket: B.socket });
  const forged = forge(await encodeCredential({ socket: A.socket }));
  for (const cred of [replayed, foreign, forged, 'garbage', 'MUNGE:AAAA:']) {
    const n = await decodeCredential(cred, { socket: A.socket, via: 'native' });
    const s = await decodeCredential(cred, { socket: A.socket, via: 'spawn' });
    assert.equal(n.ok, false);
    assert.deepEqual(s, n, `same refusal for ${cred.slice(0, 20)}`);
  }
});

/** A socket in front of munged that mangles connection number n when bad(n), else relays. */
async function proxy(mode: 'garbage' | 'reset' | 'silent', bad: (n: number) => boolean): Promise<{ path: string; retries: number[]; close: () => void }> {
  const path = join(dir, `proxy-${mode}-${++proxies}.socket`);
  const retries: number[] = [];
  let n = 0;
  // Paused, so a 'reset' connection can be closed with the request still unread: the
  // kernel then resets the client's end, as it does when munged drops a request.
  const server = net.createServer({ pauseOnConnect: true }, (c) => {
    c.on('error', () => undefined);
    if (bad(n++)) {
      if (mode === 'reset') {
        setTimeout(() => c.destroy(), 20);
        return;
      }
      c.once('data', () => {
        if (mode === 'garbage') c.end(Buffer.from([0, 0x60, 0x6d, 0x4b, 9, 3, 0, 0, 0, 0, 0]));
        else c.end();
      });
      c.resume();
      return;
    }
    const up = net.createConnection({ path: A.socket });
    up.on('error', () => c.destroy());
    c.once('data', (first: Buffer) => retries.push(first.readUInt8(6)));
    c.pipe(up);
    up.pipe(c);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { path, retries, close: () => server.close() };
}

test('a reply in an unknown format falls back to munge/unmunge', async () => {
  // Every native attempt meets garbage; the CLI that follows it is relayed to munged.
  const p = await proxy('garbage', (n) => n % 2 === 0);
  try {
    const reasons: string[] = [];
    const onFallback = (r: string): void => void reasons.push(r);
    const cred = await encodeCredential({ socket: p.path, payload: 'fb', onFallback });
    const d = okOf(await decodeCredential(cred, { socket: p.path, onFallback }));
    assert.equal(d.payload, 'fb');
    assert.deepEqual(reasons, ['unsupported message version 9', 'unsupported message version 9']);
    assert.deepEqual(p.retries, [0, 0], 'the CLI reached munged through the relay');
  } finally {
    p.close();
  }
  const q = await proxy('garbage', () => true);
  try {
    await assert.rejects(encodeCredential({ socket: q.path, via: 'native' }), /unsupported message version 9/);
  } finally {
    q.close();
  }
});

test('a dropped exchange is retried with the retry count raised, as libmunge does', async () => {
  const p = await proxy('reset', (n) => n < 2);
  try {
    const cred = await encodeCredential({ socket: p.path, via: 'native' });
    assert.deepEqual(p.retries, [2]);
    okOf(await decodeCredential(cred, { socket: A.socket }));
  } finally {
    p.close();
  }
  const q = await proxy('silent', () => true);
  try {
    const reasons: string[] = [];
    const d = await decodeCredential('MUNGE:x:', { socket: q.path, onFallback: (r) => void reasons.push(r) });
    assert.deepEqual(reasons, ['munged closed the connection without replying']);
    assert.equal(d.ok, false, 'the CLI met the same silent socket');
  } finally {
    q.close();
  }
});

test('many concurrent decodes all succeed (controller load)', async () => {
  const creds = await Promise.all(Array.from({ length: 500 }, (_, i) => encodeCredential({ socket: A.socket, payload: String(i) })));
  assert.equal(new Set(creds).size, 500);
  const t0 = performance.now();
  const ds = await Promise.all(creds.map((c) => decodeCredential(c, { socket: A.socket })));
  const ms = performance.now() - t0;
  ds.forEach((d, i) => assert.equal(okOf(d).payload, String(i)));
  console.log(`munge: 500 concurrent decodes in ${ms.toFixed(1)} ms (${Math.round(500_000 / ms)}/s)`);
});

async function timeIt(n: number, f: () => Promise<unknown>): Promise<string> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await f();
    xs.push(performance.now() - t0);
  }
  xs.sort((a, b) => a - b);
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  return `mean ${mean.toFixed(3)} ms, p50 ${(xs[Math.floor(n / 2)] ?? 0).toFixed(3)} ms, p99 ${(xs[Math.floor(n * 0.99)] ?? 0).toFixed(3)} ms (n=${n})`;
}

test('latency: native vs munge/unmunge (printed)', async () => {
  const socket = A.socket;
  const native = await Promise.all(Array.from({ length: 300 }, () => encodeCredential({ socket })));
  const spawned = await Promise.all(Array.from({ length: 30 }, () => encodeCredential({ socket })));
  const lines = [
    `encode native: ${await timeIt(300, () => encodeCredential({ socket }))}`,
    `decode native: ${await timeIt(300, async () => okOf(await decodeCredential(native.pop() ?? '', { socket })))}`,
    `encode spawn:  ${await timeIt(30, () => encodeCredential({ socket, via: 'spawn' }))}`,
    `decode spawn:  ${await timeIt(30, async () => okOf(await decodeCredential(spawned.pop() ?? '', { socket, via: 'spawn' })))}`,
  ];
  for (const l of lines) console.log(`munge latency: ${l}`);
});
