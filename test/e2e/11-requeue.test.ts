// scontrol requeue / requeuehold against a real cluster, with Slurm 22.05's behaviour as the
// peer showed it: the running job is killed (banner DUE TO JOB REQUEUE), pends with
// Restarts=1 and reason BeginTime for the requeue delay (requeue_delay=2 here, Slurm's 120
// by default), runs again with SLURM_RESTART_COUNT=1 and its output truncated (appended with
// --open-mode=append); sacct -D shows the REQUEUED run with its killed batch step; Slurm's
// refusals word for word.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestCluster, TEST_USERS, ensureTestUsers, field, until } from './harness.ts';

let c: TestCluster;
before(async () => {
  await ensureTestUsers();
  c = await TestCluster.start({ nodes: 2, cpus: 2, set: ['KillWait=2', 'SchedulerParameters=requeue_delay=2'] });
});
after(async () => {
  await c.stop();
});

const read = (f: string): string => c.read(f);

const SCRIPT = '#!/bin/bash\necho "run restarts=${SLURM_RESTART_COUNT:-none}"\nsleep 300\n';

test('requeue of a running job: killed, BeginTime for the delay, runs again with SLURM_RESTART_COUNT, output truncated', async () => {


  const id = Number((await c.sh('sbatch --parsable -o t-%j.out', { input: SCRIPT })).stdout.trim());
  const app = Number((await c.sh('sbatch --parsable --open-mode=append -o a-%j.out', { input: SCRIPT })).stdout.trim());
  await c.waitState(id, ['RUNNING']);
  await c.waitState(app, ['RUNNING']);
  await until('first runs print', async () => read(`t-${id}.out`).includes('run') && read(`a-${app}.out`).includes('run'));
  const r = await c.sh(`scontrol requeue ${id},${app}`);
  assert.deepEqual([r.code, r.stderr], [0, '']);
  // COMPLETING until the node has killed the run (the next test watches that phase).
  await until('PENDING BeginTime', async () => {
    const s = await c.show(id);
    return field(s, 'JobState') === 'PENDING' && field(s, 'Reason') === 'BeginTime';
  });
  const show = await c.show(id);
  assert.deepEqual([field(show, 'Restarts'), field(show, 'NodeList')], ['1', '(null)']);
  assert.equal((await c.sh(`squeue -h -j ${id} -o "%t %r"`)).stdout.trim(), 'PD BeginTime');
  await c.waitState(id, ['RUNNING'], 15_000);
  await until('second run prints', async () => read(`t-${id}.out`).includes('run restarts=1'));
  assert.equal(read(`t-${id}.out`), 'run restarts=1\n', 'truncated for the new run');
  await until('append run', async () => read(`a-${app}.out`).includes('run restarts=1'));
  const a = read(`a-${app}.out`).split('\n');
  assert.equal(a[0], 'run restarts=none');
  assert.match(a[1] ?? '', new RegExp(`^slurmstepd-n\\d: error: \\*\\*\\* JOB ${app} ON n\\d CANCELLED AT \\S+ DUE TO JOB REQUEUE \\*\\*\\*$`));
  assert.equal(a[2], 'run restarts=1');
  await until('the batch step of the requeued run', async () =>
    (await c.sh(`sacct -D -n -P -j ${id} --format=JobID,State,ExitCode`)).stdout.includes(`${id}.batch|CANCELLED|0:15`));
  const acct = (await c.sh(`sacct -D -n -P -j ${id} --format=JobID,State,ExitCode`)).stdout.trim().split('\n');
  assert.deepEqual(acct, [`${id}|REQUEUED|0:0`, `${id}.batch|CANCELLED|0:15`, `${id}|RUNNING|0:0`, `${id}.batch|RUNNING|0:0`]);
  // Without -D only the current run.
  assert.equal((await c.sh(`sacct -X -n -P -j ${id} --format=JobID,State`)).stdout.trim(), `${id}|RUNNING`);
  await c.sh(`scancel ${id} ${app}`);
});

test('a requeued job is COMPLETING on its node until the kill is done (KillWait for a TERM-ignoring script), then PENDING', async () => {
  const id = await c.submit('-o /dev/null --wrap \'trap "" TERM; while true; do sleep 1; done\'');
  await c.waitState(id, ['RUNNING']);
  const node = field(await c.show(id), 'NodeList');
  const at = Date.now();
  assert.equal((await c.sh(`scontrol requeue ${id}`)).code, 0);
  // Peer: JobState=COMPLETING Reason=None while the kill is under way, nodes still its.
  const during = await c.sh(`squeue -h -j ${id} -o "%t|%r|%N"`);
  assert.equal(during.stdout.trim(), `CG|None|${node}`);
  assert.equal(field(await c.show(id), 'JobState'), 'COMPLETING');
  await until('PENDING BeginTime after the kill', async () => (await c.sh(`squeue -h -j ${id} -o "%t %r"`)).stdout.trim() === 'PD BeginTime');
  assert.ok(Date.now() - at >= 1500, 'the SIGKILL came after KillWait=2');
  assert.equal(field(await c.show(id), 'NodeList'), '(null)');
  // The REQUEUED row carries the run's end: the requeue, not the kill that followed it.
  await until('the killed batch step', async () => (await c.sh(`sacct -D -n -P -j ${id} --format=JobID`)).stdout.includes(`${id}.batch`));
  const [run, step] = (await c.sh(`sacct -D -n -P -j ${id} --format=JobID,State,End`)).stdout.trim().split('\n').map((l) => l.split('|'));
  assert.deepEqual([run?.[0], run?.[1], step?.[0]], [String(id), 'REQUEUED', `${id}.batch`]);
  assert.ok((run?.[2] ?? '') < (step?.[2] ?? ''), `run ended ${run?.[2]}, before its batch step was killed at ${step?.[2]}`);
  await c.sh(`scancel ${id}`);
});

test('requeuehold State=SpecialExit: held (SE), described as Slurm does; release runs it again', async () => {
  const id = await c.submit('-o /dev/null --wrap "sleep 300"');
  await c.waitState(id, ['RUNNING']);
  const r = await c.sh(`scontrol requeuehold state=specialexit ${id}`);
  assert.deepEqual([r.code, r.stderr], [0, '']);
  assert.equal((await c.sh(`squeue -h -j ${id} -o "%t|%r|%p"`)).stdout.trim(), 'SE|job requeued in held state|0.00000000000000');
  const show = await c.show(id);
  assert.deepEqual([field(show, 'JobState'), field(show, 'Reason'), field(show, 'Priority')], ['SPECIAL_EXIT', 'job_requeued_in_held_state', '0']);
  assert.equal((await c.sh(`scontrol release ${id}`)).code, 0);
  await c.waitState(id, ['RUNNING'], 15_000);
  await c.sh(`scancel ${id}`);
});

test('a finished job can be requeued while it is still known; it runs again', async () => {
  const id = await c.submit('-o /dev/null --wrap "exit 3"');
  await c.waitState(id, ['FAILED']);
  assert.equal((await c.sh(`scontrol requeue ${id}`)).code, 0);
  await c.waitState(id, ['FAILED'], 15_000);
  assert.equal(field(await c.show(id), 'Restarts'), '1');
  const rows = (await c.sh(`sacct -D -X -n -P -j ${id} --format=JobID,State,ExitCode`)).stdout.trim();
  assert.equal(rows, `${id}|REQUEUED|3:0\n${id}|FAILED|3:0`);
});

test("Slurm's refusals, word for word, exit 1", async () => {
  const held = await c.submit('-H -o /dev/null --wrap true');
  const norq = await c.submit('--no-requeue -o /dev/null --wrap "sleep 300"');
  await c.waitState(norq, ['RUNNING']);
  assert.match(field(await c.show(norq), 'Requeue'), /^0$/);
  const r = await c.sh(`scontrol requeue ${held},${norq},999999; scontrol requeuehold ${norq}; scontrol requeue 1x,2; scontrol requeue`);
  assert.equal(r.stderr, [
    `Job is pending execution for job ${held}`,
    `Requested operation is presently disabled for job ${norq}`,
    'Invalid job id specified for job 999999',
    `Requested operation is presently disabled for job ${norq}`,
    'Invalid job id specified for job 1x,2',
    'too few arguments for keyword:requeue',
    '',
  ].join('\n'));
  assert.equal((await c.sh(`scontrol requeue ${held}`)).code, 1);
  const [alice, bob] = TEST_USERS;
  const mine = await c.submitAs(alice, '-o /dev/null --wrap "sleep 300"');
  await c.waitState(mine, ['RUNNING']);
  const denied = await c.as(bob, `scontrol requeue ${mine}`);
  assert.deepEqual([denied.code, denied.stderr], [1, `Access/permission denied for job ${mine}\n`]);
  const own = await c.as(alice, `scontrol requeue ${mine}`);
  assert.deepEqual([own.code, own.stderr], [0, '']);
  assert.equal(field(await c.show(mine), 'Restarts'), '1');
  await c.sh(`scancel ${held} ${norq} ${mine}`);
});
