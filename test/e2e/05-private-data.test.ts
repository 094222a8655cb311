// PrivateData=jobs: a user who is not an operator sees only their own jobs, in squeue,
// scontrol show job and sacct alike; other users' jobs are simply absent (a lookup by id
// answers `Invalid job id specified`, as slurmctld does). The controller enforces it, so
// no client option (-a, -u, -j) gets around it. Root sees everything.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestCluster, TEST_USERS, ensureTestUsers } from './harness.ts';

let c: TestCluster;


before(async () => {
  await ensureTestUsers();
  c = await TestCluster.start({ nodes: 1, cpus: 4, timeResolution: 'seconds', set: ['PrivateData=jobs'] });
});
after(async () => {
  await c.stop();
});



const lines = (s: string): string[] => s.split('\n').filter((l) => l !== '');

test('others\' jobs are absent for a user, present for root', async () => {
  const [alice, bob] = TEST_USERS;
  const a = await c.submitAs(alice, '--wrap "sleep 60"');
  const b = await c.submitAs(bob, '--wrap "sleep 60"');
  const done = await c.submitAs(bob, '--wrap true');
  await c.waitState(a, ['RUNNING']);
  await c.waitState(b, ['RUNNING']);
  assert.equal(await c.waitDone(done), 'COMPLETED');

  assert.deepEqual(lines((await c.as(alice, 'squeue -h -o %i')).stdout), [String(a)]);
  assert.deepEqual(lines((await c.as(alice, 'squeue -h -t all -o %i -u rtest-bob')).stdout), []);
  const byId = await c.as(alice, `squeue -j ${b}`);
  assert.deepEqual([byId.code, byId.stderr], [1, 'slurm_load_jobs error: Invalid job id specified\n']);
  const show = await c.as(alice, `scontrol show job ${b}`);
  assert.deepEqual([show.code, show.stdout, show.stderr], [1, '', 'slurm_load_jobs error: Invalid job id specified\n']);
  const all = await c.as(alice, 'scontrol show job');
  assert.equal(all.code, 0);
  assert.deepEqual([...all.stdout.matchAll(/^JobId=(\d+)/gm)].map((m) => Number(m[1])), [a]);

  const acct = async (who: string | null, args: string): Promise<number[]> => {
    const cmd = `sacct -X -n -P -o jobid ${args}`;
    const r = who === null ? await c.sh(cmd) : await c.as(who, cmd);
    assert.equal(r.code, 0, r.stderr);
    return lines(r.stdout).map(Number);
  };
  assert.deepEqual(await acct(alice, '-a'), [a]);
  assert.deepEqual(await acct(alice, `-u ${bob}`), []);
  assert.deepEqual(await acct(alice, `-j ${done}`), []);
  assert.deepEqual(await acct(bob, ''), [b, done]);

  // Root (an operator) sees every job everywhere.
  assert.deepEqual(lines((await c.sh('squeue -h -o %i -S i')).stdout), [String(a), String(b)]);
  assert.match((await c.sh(`scontrol show job ${b}`)).stdout, new RegExp(`^JobId=${b} `));
  assert.deepEqual(await acct(null, ''), [a, b, done]);
  assert.equal((await c.sh(`scancel ${a} ${b}`)).code, 0);
});
