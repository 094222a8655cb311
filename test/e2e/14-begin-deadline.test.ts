// --begin and --deadline (Slurm 22.05, checked against the peer): a job with a begin time
// pends with reason BeginTime, shows it as EligibleTime and StartTime, and starts once it
// has come; `scontrol update StartTime=` moves it (pending jobs only). A pending job that
// can no longer end before its deadline ends DEADLINE (reason DeadLine, ExitCode 0:1); a
// running one that reaches it is ended DEADLINE. Bad values: Slurm's wording and status.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestCluster, field } from './harness.ts';

let c: TestCluster;
before(async () => {
  c = await TestCluster.start({ nodes: 1, cpus: 2, set: ['KillWait=2'] });
});
after(async () => {
  await c.stop();
});

test('--begin=now+3: BeginTime until then (EligibleTime = StartTime), then it runs', async () => {
  const submitted = Date.now();
  const id = await c.submit('--begin=now+3 -o /dev/null --wrap true');
  const show = await c.show(id);
  assert.deepEqual([field(show, 'JobState'), field(show, 'Reason')], ['PENDING', 'BeginTime']);
  assert.equal(field(show, 'StartTime'), field(show, 'EligibleTime'));
  const eligible = new Date(field(show, 'EligibleTime')).getTime();
  assert.ok(Math.abs(eligible - (submitted + 3000)) <= 1500, `EligibleTime ${field(show, 'EligibleTime')}`);
  assert.equal((await c.sh(`squeue -h -j ${id} -o "%t %r"`)).stdout.trim(), 'PD BeginTime');
  assert.equal(await c.waitDone(id, 15_000), 'COMPLETED');
  const started = new Date(field(await c.show(id), 'StartTime')).getTime();
  assert.ok(started >= eligible, 'not before its begin time');
});

test('scontrol update StartTime= moves the begin time of a pending job only', async () => {
  const id = await c.submit('--begin=now+600 -o /dev/null --wrap true');
  const run = await c.submit('-o /dev/null --wrap "sleep 60"');
  await c.waitState(run, ['RUNNING']);
  const r = await c.sh(`scontrol update JobId=${run} StartTime=now+60`);
  assert.deepEqual([r.code, r.stderr], [1, `Job is no longer pending execution for job ${run}\n`]);
  const bad = await c.sh(`scontrol update JobId=${id} StartTime=bogus`);
  assert.deepEqual([bad.code, bad.stderr], [1, 'Invalid time specification (pos=0): bogus\nNo changes specified\n']);
  const other = await c.sh(`scontrol update JobId=${id} BeginTime=now`);
  assert.deepEqual([other.code, other.stderr], [1, 'Update of this parameter is not supported: BeginTime=now\nRequest aborted\n']);
  assert.equal((await c.sh(`scontrol update JobId=${id} starttime=now`)).code, 0);
  assert.equal(await c.waitDone(id, 15_000), 'COMPLETED');
  await c.sh(`scancel ${run}`);
});

test('a pending job that cannot end before its deadline ends DEADLINE; a running one that reaches it too', async () => {
  const late = await c.submit('--deadline=now+30 --time=1 -o /dev/null --wrap "sleep 300"');
  assert.equal(await c.waitDone(late, 10_000), 'DEADLINE');
  const show = await c.show(late);
  assert.deepEqual([field(show, 'Reason'), field(show, 'ExitCode')], ['DeadLine', '0:1']);
  assert.notEqual(field(show, 'Deadline'), 'N/A');
  // Fits at the start (3 s before a 6 s deadline); the limit raised past it, the deadline ends it.
  const run = await c.submit('--deadline=now+6 --time=0:03 -o /dev/null --wrap "sleep 300"');
  await c.waitState(run, ['RUNNING']);
  assert.equal((await c.sh(`scontrol update JobId=${run} TimeLimit=5:00`)).code, 0);
  assert.equal(await c.waitDone(run, 20_000), 'DEADLINE');
  assert.equal(field(await c.show(run), 'Reason'), 'DeadLine');
  const acct = (await c.sh(`sacct -X -n -P -j ${late},${run} --format=State`)).stdout.trim();
  assert.equal(acct, 'DEADLINE\nDEADLINE');
});

test('bad --begin/--deadline: parse_time line, then sbatch error, exit 255; deadline before begin exit 1', async () => {
  const b = await c.sh('sbatch --begin=bogus --wrap true');
  assert.deepEqual([b.code, b.stderr], [255, 'Invalid time specification (pos=0): bogus\nsbatch: error: Invalid --begin specification\n']);
  const d = await c.sh('sbatch --deadline=bogus --wrap true');
  assert.deepEqual([d.code, d.stderr], [255, 'Invalid time specification (pos=0): bogus\nsbatch: error: Invalid --deadline specification\n']);
  const x = await c.sh('sbatch --begin=now+100 --deadline=now+50 --wrap true');
  assert.deepEqual([x.code, x.stderr], [1, 'sbatch: error: Incompatible begin and deadline time specification\n']);
});
