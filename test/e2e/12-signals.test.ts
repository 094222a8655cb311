// Signals without cancelling (Slurm 22.05, checked against the peer): `scancel -s SIG` alone
// reaches only job steps (a batch job without steps: nobody), `-b` only the batch shell,
// `-f` every process of the job; the job keeps running. Refusals as the peer prints them.
// `sbatch --signal=B:USR1@30 --time=1` reaches the script 30 ± 1 s before its time limit
// (issue 4, acceptance 4; Slurm itself may be up to 60 s off), and without `B:` the batch
// shell does not get it.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestCluster, field, pause, until } from './harness.ts';

let c: TestCluster;
before(async () => {
  c = await TestCluster.start({ nodes: 1, cpus: 4, set: ['KillWait=2'] });
});
after(async () => {
  await c.stop();
});

const read = (f: string): string => c.read(f);

const TRAPS = `#!/bin/bash
trap 'echo "shell got USR1"' USR1
trap 'echo "shell got USR2"' USR2
sh -c 'trap "echo child got USR1" USR1; echo child up; while :; do sleep 0.1; done' &
while :; do sleep 0.1; done
`;

test('scancel -s: steps only by default, -b the batch shell, -f everything; the job keeps running', async () => {
  const id = Number((await c.sh('sbatch --parsable -o sig-%j.out', { input: TRAPS })).stdout.trim());
  await c.waitState(id, ['RUNNING']);
  await until('child up', () => read(`sig-${id}.out`).includes('child up'));
  const none = await c.sh(`scancel -s USR1 ${id}`);
  assert.deepEqual([none.code, none.stderr], [0, '']);
  assert.equal((await c.sh(`scancel -s USR2 -b ${id}`)).code, 0);
  await until('the batch shell gets USR2', () => read(`sig-${id}.out`).includes('shell got USR2'));
  assert.doesNotMatch(read(`sig-${id}.out`), /got USR1/, 'without -b/-f no step, so nobody');
  assert.equal((await c.sh(`scancel --signal=SIGUSR1 --full ${id}`)).code, 0);
  await until('shell and child get USR1', () => /shell got USR1/.test(read(`sig-${id}.out`)) && /child got USR1/.test(read(`sig-${id}.out`)));
  assert.equal(await c.state(id), 'RUNNING');
  assert.equal((await c.sh(`scancel ${id}`)).code, 0);
  await c.waitDone(id);
});

test('scancel -s refusals as Slurm words them: pending, finished, unknown, bad signal', async () => {
  const held = await c.submit('-H -o /dev/null --wrap true');
  const done = await c.submit('-o /dev/null --wrap true');
  await c.waitDone(done);
  const p = await c.sh(`scancel -s USR1 ${held}`);
  assert.deepEqual([p.code, p.stderr], [228, `scancel: error: Kill job error on job id ${held}: Job can not be altered now, try again later\n`]);
  const f = await c.sh(`scancel -s USR1 ${done}`);
  assert.deepEqual([f.code, f.stderr], [1, `scancel: error: Kill job error on job id ${done}: Invalid job id specified\n`]);
  const u = await c.sh('scancel -s USR1 999999');
  assert.deepEqual([u.code, u.stderr], [1, 'scancel: error: Kill job error on job id 999999: Invalid job id specified\n']);
  const b = await c.sh(`scancel -s BOGUS ${held}`);
  assert.deepEqual([b.code, b.stderr], [1, 'Unknown job signal: BOGUS\n']);
  assert.equal(await c.state(held), 'PENDING');
  await c.sh(`scancel ${held}`);
});

const WARNED = `#!/bin/bash
echo "start $(date +%s.%N)"
trap 'echo "usr1 $(date +%s.%N)"' USR1
while :; do sleep 0.1; done
`;

test('--signal=B:USR1@30 with --time=1 reaches the script 30 ± 1 s before the limit; without B: not the shell', async (t) => {
  const id = Number((await c.sh('sbatch --parsable --signal=B:USR1@30 --time=1 -o warn-%j.out', { input: WARNED })).stdout.trim());
  const steps = Number((await c.sh('sbatch --parsable --signal=USR1@30 --time=1 -o warn-%j.out', { input: WARNED })).stdout.trim());
  await c.waitState(id, ['RUNNING']);
  await until('the warning', () => read(`warn-${id}.out`).includes('usr1'), 40_000);
  const out = read(`warn-${id}.out`);
  const started = Number(/^start (\S+)$/m.exec(out)?.[1]);
  const warned = Number(/^usr1 (\S+)$/m.exec(out)?.[1]);
  const show = await c.show(id);
  const end = new Date(field(show, 'EndTime')).getTime() / 1000;
  const limit = new Date(field(show, 'StartTime')).getTime() / 1000 + 60;
  assert.equal(end, limit, 'EndTime = StartTime + 1 min');
  const before = end - warned;
  // EndTime is whole seconds: the true limit is within the second after it.
  t.diagnostic(`USR1 ${before.toFixed(3)} s before EndTime, ${(warned - started).toFixed(3)} s after the script started`);
  assert.ok(before >= 29 && before <= 31, `USR1 came ${before.toFixed(3)} s before the limit`);
  assert.ok(Math.abs(warned - started - 30) <= 1, `USR1 came ${(warned - started).toFixed(3)} s after the script started`);
  assert.equal(await c.state(id), 'RUNNING', 'a warning, not an end');
  await pause(1000);
  assert.doesNotMatch(read(`warn-${steps}.out`), /usr1/, 'without B: only steps get it');
  await c.sh(`scancel ${id} ${steps}`);
});
