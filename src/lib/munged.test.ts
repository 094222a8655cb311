// Starts real private munged daemons (Debian's `munge` package must be installed).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, symlinkSync, readFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMunged, startMunged, stopMunged } from './munged.ts';
import { decodeCredential, encodeCredential } from './munge.ts';

test('startMunged: private key 0400, socket answers, second start reuses it, stop ends it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ratchet-munged-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const m = await startMunged(join(dir, 'm'));
  t.after(() => stopMunged(m.pid));
  assert.equal(m.socket, join(dir, 'm', 'munge.socket'));
  assert.equal(statSync(m.key).mode & 0o777, 0o400);
  assert.equal(statSync(m.key).size, 128);
  assert.equal(Number(readFileSync(join(dir, 'm', 'munged.pid'), 'utf8')), m.pid);
  assert.ok(isMunged(m.pid));

  const cred = await encodeCredential({ socket: m.socket });
  const d = await decodeCredential(cred, { socket: m.socket });
  assert.equal(d.ok, true);

  const again = await startMunged(join(dir, 'm'));
  assert.deepEqual(again, m, 'a live munged is reused, not replaced');

  assert.equal(await stopMunged(m.pid), true);
  assert.equal(isMunged(m.pid), false);
  assert.equal(await stopMunged(m.pid), false, 'nothing left to stop');
  const gone = await decodeCredential(cred, { socket: m.socket });
  assert.equal(gone.ok, false);
  assert.equal(gone.ok ? 0 : gone.code, 6);

  // Restart in the same dir keeps the key, so credentials from before stay decodable.
  const key = readFileSync(m.key);
  const m2 = await startMunged(join(dir, 'm'));
  t.after(() => stopMunged(m2.pid));
  assert.notEqual(m2.pid, m.pid);
  assert.deepEqual(readFileSync(m2.key), key);
  assert.equal((await decodeCredential(cred, { socket: m2.socket })).ok, true);
});

test('startMunged copes with a group-writable dir that plain munged refuses', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ratchet-munged-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const shared = join(dir, 'shared');
  mkdirSync(shared, { mode: 0o775 });
  const m = await startMunged(shared);
  t.after(() => stopMunged(m.pid));
  assert.equal((await decodeCredential(await encodeCredential({ socket: m.socket }), { socket: m.socket })).ok, true);
});

test('startMunged will not steal a socket served by another munged', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ratchet-munged-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const a = await startMunged(join(dir, 'a'));
  t.after(() => stopMunged(a.pid));
  mkdirSync(join(dir, 'b'));
  symlinkSync(a.socket, join(dir, 'b', 'munge.socket'));
  await assert.rejects(startMunged(join(dir, 'b')), /already serves/);
  assert.ok(isMunged(a.pid));
});

test('stopMunged refuses pids that are not munged', async () => {
  assert.equal(isMunged(process.pid), false);
  assert.equal(await stopMunged(process.pid), false);
  assert.equal(await stopMunged(-5), false);
  assert.equal(await stopMunged(1), false);
});
