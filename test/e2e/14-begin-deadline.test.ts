// --begin and --deadline (Slurm 22.05, checked against the peer): a job with a begin time
// pends with reason BeginTime, shows it as EligibleTime and StartTime, and starts once it
// has come; `scontrol update StartTime=` moves it (pending jobs only). A pending job that
// can no longer end before its deadline ends DEADLINE (reason DeadLine, ExitCode 0:1); a
// running one that reaches it is ended DEADLINE. Bad values: Slurm's wording and status.
// `scontrol update MinMemoryNode= MinMemoryCPU= NumCPUs=` (pending jobs) lives here too: it
// needs the same small cluster and a controller restart.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestCluster, TEST_USERS, ensureTestUsers, field, until } from './harness.ts';
import { pidOf, startController, waitReady } from '../../src/cli/cluster.ts';

let c: TestCluster;
before(async () => {
  await ensureTestUsers();
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

test('scontrol update MinMemoryNode/MinMemoryCPU/NumCPUs: pending only, kept across a restart, used by the scheduler', async () => {
  const id = await c.submit('--hold -o upd-%j.out --wrap "echo cpus=\\$SLURM_CPUS_ON_NODE"');
  const upd = (args: string): ReturnType<TestCluster['sh']> => c.sh(`scontrol update JobId=${id} ${args}`);
  const bad = await upd('MinMemoryNode=abc');
  assert.deepEqual([bad.code, bad.stderr], [1, 'scontrol: error: Invalid MinMemoryNode value: abc\n']);
  const badCpu = await upd('NumCPUs=x');
  assert.deepEqual([badCpu.code, badCpu.stderr], [1, 'scontrol: error: Invalid numeric value "x" for NumCPUs.\nscontrol: error: Invalid NumCPUs value: x\n']);
  const tooMany = await upd('NumCPUs=5 MinMemoryNode=100');
  assert.deepEqual([tooMany.code, tooMany.stderr], [1, `Requested partition configuration not available now for job ${id}\n`]);
  const other = await c.as(TEST_USERS[0], `scontrol update JobId=${id} NumCPUs=2`);
  assert.deepEqual([other.code, other.stderr], [1, `Access/permission denied for job ${id}\n`]);
  let show = await c.show(id);
  assert.deepEqual([field(show, 'NumCPUs'), field(show, 'MinMemoryCPU')], ['1', '256M'], 'refused updates change nothing');

  assert.equal((await upd('MinMemoryCPU=300 NumCPU=2')).code, 0);
  show = await c.show(id);
  assert.deepEqual([field(show, 'NumCPUs'), field(show, 'MinMemoryCPU'), field(show, 'TRES')], ['2', '300M', 'cpu=2,mem=600M,node=1,billing=2']);
  assert.equal((await upd('MinMemoryN=700')).code, 0);

  const pid = pidOf(c.h.dir, 'ratchetctld');
  assert.ok(pid !== null);
  process.kill(pid, 'SIGKILL');
  startController(c.h.dir, c.h.conf);
  await waitReady(c.h.auth, c.h.controlPort, 1);
  show = await c.show(id);
  assert.deepEqual([field(show, 'NumCPUs'), field(show, 'MinMemoryNode'), field(show, 'TRES')], ['2', '700M', 'cpu=2,mem=700M,node=1,billing=2']);

  // With one of the node's two CPUs busy, the job now needs both: it waits for Resources.
  const blocker = await c.submit('-o /dev/null --wrap "sleep 60"');
  await c.waitState(blocker, ['RUNNING']);
  assert.equal((await c.sh(`scontrol release ${id}`)).code, 0);
  await until('the released job waits for Resources', async () => field(await c.show(id), 'Reason') === 'Resources');
  assert.equal(await c.state(id), 'PENDING');
  await c.sh(`scancel ${blocker}`);
  assert.equal(await c.waitDone(id, 20_000), 'COMPLETED');
  assert.equal(c.read(`upd-${id}.out`), 'cpus=2\n');
  assert.equal((await c.sh(`sacct -X -n -P -j ${id} --format=AllocCPUS,ReqMem`)).stdout.trim(), '2|700M');
  const late = await c.sh(`scontrol update JobId=${blocker} NumCPUs=1`);
  assert.deepEqual([late.code, late.stderr], [1, `Job has already finished for job ${blocker}\n`]);
});

test('scontrol update: a running job refuses resource changes; memory no node has waits BadConstraints', async () => {
  const run = await c.submit('-o /dev/null --wrap "sleep 60"');
  await c.waitState(run, ['RUNNING']);
  const r = await c.sh(`scontrol update JobId=${run} MinMemoryNode=100`);
  assert.deepEqual([r.code, r.stderr], [1, `Job is no longer pending execution for job ${run}\n`]);
  await c.sh(`scancel ${run}`);
  const big = await c.submit('--hold -o /dev/null --wrap true');
  assert.equal((await c.sh(`scontrol update JobId=${big} MinMemoryNode=5000`)).code, 0);
  assert.equal((await c.sh(`scontrol release ${big}`)).code, 0);
  await until('BadConstraints', async () => field(await c.show(big), 'Reason') === 'BadConstraints');
  const show = await c.show(big);
  assert.deepEqual([field(show, 'JobState'), field(show, 'Reason'), field(show, 'MinMemoryNode')], ['PENDING', 'BadConstraints', '5000M']);
  await c.sh(`scancel ${big}`);
});

test('--begin survives a hold and a dependency: released or satisfied early, the job still waits for BeginTime', async () => {
  const held = await c.submit('--hold --begin=now+600 -o /dev/null --wrap true');
  let show = await c.show(held);
  const begin = field(show, 'EligibleTime');
  assert.deepEqual([field(show, 'Reason'), field(show, 'StartTime')], ['JobHeldUser', begin], 'EligibleTime is the begin time while held (peer)');
  assert.equal((await c.sh(`scontrol release ${held}`)).code, 0);
  await until('BeginTime after the release', async () => field(await c.show(held), 'Reason') === 'BeginTime');
  show = await c.show(held);
  assert.deepEqual([field(show, 'JobState'), field(show, 'EligibleTime')], ['PENDING', begin]);

  const first = await c.submit('-o /dev/null --wrap true');
  const dep = await c.submit(`--begin=now+600 --dependency=afterok:${first} -o /dev/null --wrap true`);
  assert.equal(await c.waitDone(first, 15_000), 'COMPLETED');
  await until('BeginTime once the dependency is satisfied', async () => field(await c.show(dep), 'Reason') === 'BeginTime');
  assert.equal(await c.state(dep), 'PENDING');
  await c.sh(`scancel ${held} ${dep}`);
});
