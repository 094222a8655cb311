// Two real local users on an auth/munge cluster: each job runs with its owner's uid, gid
// and groups and writes output files as that user; a user cannot cancel, hold or update
// another's job (Slurm's "Access/permission denied"), root can; a request with a forged,
// missing or replayed credential is refused.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestCluster, TEST_USERS, ensureTestUsers, localUid } from './harness.ts';
import { encodeCredential } from '../../src/lib/munge.ts';
import { call } from '../../src/lib/http.ts';


let c: TestCluster;

before(async () => {
  await ensureTestUsers();
  c = await TestCluster.start({ nodes: 1, cpus: 4, timeResolution: 'seconds' });
});
after(async () => {
  await c.stop();
});



test('jobs run as their owner and write their output files as that user', async () => {
  const ids: number[] = [];
  for (const u of TEST_USERS) ids.push(await c.submitAs(u, `-o out-${u}-%j.txt --wrap "id -u; id -g; id -Gn; whoami"`));
  for (const [i, u] of TEST_USERS.entries()) {
    const id = ids[i] ?? 0;
    assert.equal(await c.waitDone(id), 'COMPLETED');
    const file = join(c.work, `out-${u}-${id}.txt`);
    const [uid, gid, groups, name] = readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(Number(uid), localUid(u));
    assert.equal(name, u);
    assert.match(groups ?? '', new RegExp(`\\b${u}\\b`));
    assert.equal(statSync(file).uid, localUid(u), 'the output file belongs to the job user');
    assert.equal(Number(gid), statSync(file).gid);
    const show = await c.sh(`scontrol show job ${id}`);
    assert.match(show.stdout, new RegExp(`UserId=${u}\\(${localUid(u)}\\)`));
  }
});

test('a user cannot cancel, hold or update another user\'s job; root can', async () => {
  const [alice, bob] = TEST_USERS;
  const id = await c.submitAs(bob, '--wrap "sleep 60"');
  await c.waitState(id, ['RUNNING']);
  const cancel = await c.as(alice, `scancel ${id}`);
  assert.deepEqual([cancel.code, cancel.stderr], [1, `scancel: error: Kill job error on job id ${id}: Access/permission denied\n`]);
  const hold = await c.as(alice, `scontrol hold ${id}`);
  assert.equal(hold.code, 1);
  assert.match(hold.stderr, /Access\/permission denied/);
  const upd = await c.as(alice, `scontrol update JobId=${id} TimeLimit=1`);
  assert.deepEqual([upd.code, upd.stderr], [1, `Access/permission denied for job ${id}\n`]);
  assert.equal(await c.state(id), 'RUNNING', 'untouched');
  assert.equal((await c.as(bob, `scontrol update JobId=${id} Comment=mine`)).code, 0, 'the owner may');
  assert.equal((await c.sh(`scancel ${id}`)).code, 0, 'root may');
  assert.equal(await c.waitDone(id), 'CANCELLED');
  assert.match((await c.sh(`sacct -j ${id} -X -n -P --format=State`)).stdout, /^CANCELLED by 0$/m);
});

test('missing, forged and replayed credentials are refused', async () => {
  const port = c.h.controlPort;
  const status = async (headers: Record<string, string>): Promise<number> => {
    try {
      await call('127.0.0.1', port, '/v1/jobs', undefined, { headers, keepAlive: false });
      return 200;
    } catch (e) {
      return (e as { status?: number }).status ?? 0;
    }
  };
  assert.equal(await status({}), 401, 'no credential');
  assert.equal(await status({ 'x-ratchet-uid': '0', 'x-ratchet-gid': '0' }), 401, 'a stated uid is not a credential');
  const cred = await encodeCredential({ socket: c.h.auth.mungeSocket, payload: 'GET /v1/jobs' });
  const forged = cred.slice(0, 20) + (cred[20] === 'A' ? 'B' : 'A') + cred.slice(21);
  assert.equal(await status({ 'x-ratchet-cred': forged }), 401, 'forged');
  assert.equal(await status({ 'x-ratchet-cred': cred }), 200, 'genuine');
  assert.equal(await status({ 'x-ratchet-cred': cred }), 401, 'replayed');
  const other = await encodeCredential({ socket: c.h.auth.mungeSocket, payload: 'POST /v1/cancel' });
  assert.equal(await status({ 'x-ratchet-cred': other }), 401, 'issued for another request');
});

test('sacct: a user sees only their own jobs unless -a, -u or -j; -s and -S/-E select by the window', async () => {
  const [alice, bob] = TEST_USERS;
  const a = await c.submitAs(alice, '--wrap true');
  const b = await c.submitAs(bob, '--wrap true');
  assert.equal(await c.waitDone(a), 'COMPLETED');
  assert.equal(await c.waitDone(b), 'COMPLETED');
  const held = await c.submit('--hold --wrap true');
  const ids = async (who: string | null, args: string): Promise<number[]> => {
    const cmd = `sacct -X -n -P -o jobid ${args}`;
    const r = who === null ? await c.sh(cmd) : await c.as(who, cmd);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.split('\n').filter((l) => l !== '').map(Number);
  };
  const mine = await ids(alice, '');
  assert.ok(mine.includes(a) && !mine.includes(b), `alice sees her own jobs only: ${mine.join(',')}`);
  assert.ok((await ids(alice, '-a')).includes(b));
  assert.ok((await ids(alice, '-u -1')).includes(b));
  assert.deepEqual(await ids(alice, `-j ${b}`), [b]);
  const bobs = await ids(alice, `-u ${bob}`);
  assert.ok(bobs.includes(b) && !bobs.includes(a));
  const roots = await ids(null, '');
  assert.ok(roots.includes(a) && roots.includes(b), 'root sees everyone');
  assert.ok(!roots.includes(held), 'a held job was never eligible: only -j lists it');
  assert.deepEqual(await ids(null, `-j ${held}`), [held]);
  const done = await ids(null, '-s CD -S now-1hours -E now');
  assert.ok(done.includes(a) && done.includes(b));
  assert.ok(!(await ids(null, '-s CD -S now-1hours')).includes(a), 'with -s, -E defaults to -S: one instant');
  assert.ok(!(await ids(null, '-s F,TO -S now-1hours -E now')).includes(a));
  assert.deepEqual((await ids(null, '-E now-1hours')).filter((id) => id === a || id === b), [], 'eligible after the window');
  assert.deepEqual((await ids(null, '-s CD')), [], '-s alone: at the instant now');
  const bad = await c.sh('sacct -S 2026-13-01');
  assert.deepEqual([bad.code, bad.stderr], [1, 'Invalid time specification (pos=5): 2026-13-01\n']);
  assert.equal((await c.sh(`scancel ${held}`)).code, 0);
});
