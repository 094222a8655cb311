// srun against a real cluster: steps J.0, J.1 inside a batch job (their own sacct rows,
// State/ExitCode, the job's DerivedExitCode, SLURM_STEP_* in the tasks), an OOM inside a
// step attributed to the step and not to the job (golden a_oom a3), and srun outside a job:
// an allocation RUNNING under the command's name, output streamed while the command runs,
// the command's exit status and Slurm's `srun: error:` lines, Ctrl-C twice forwarding
// SIGINT, and `queued and waiting for resources` when the cluster is full.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { EAT_200M, TestCluster } from './harness.ts';

let c: TestCluster;
before(async () => {
  c = await TestCluster.start({ nodes: 1, cpus: 2, set: ['KillWait=3'], timeResolution: 'seconds' });
});
after(async () => {
  await c.stop();
});

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, get: () => T | Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await pause(100);
  }
}

const FMT = 'JobID,JobName,State,ExitCode,DerivedExitCode';
async function sacct(id: number): Promise<string[]> {
  return (await c.sh(`sacct -j ${id} -n -P --format=${FMT}`)).stdout.trim().split('\n');
}

/** Starts srun in the background; collects its output as it arrives. */
function srunLive(args: string): { out: () => string; err: () => string; exit: Promise<number>; pid: number } {
  const child = spawn('bash', ['-c', `exec srun ${args}`], { cwd: c.work, env: c.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number>((resolve) => child.on('close', (code, sig) => resolve(code ?? (sig === null ? 1 : 128))));
  return { out: () => out, err: () => err, exit, pid: child.pid ?? 0 };
}

test('steps inside a batch job: J.0 and J.1 with their own rows, env and DerivedExitCode', async () => {
  const id = await c.submit('-J twosteps -n2 --wrap \'srun -n1 bash -c "echo step \\$SLURM_STEP_ID task \\$SLURM_PROCID of \\$SLURM_NTASKS"; srun -n2 -l bash -c "exit 2"; echo srun returned $?; exit 0\'');
  assert.equal(await c.waitDone(id, 30_000), 'COMPLETED');
  const rows = await until('the step rows', () => sacct(id), (r) => r.length === 4 && !r.some((l) => l.includes('RUNNING')));
  assert.deepEqual(rows, [
    `${id}|twosteps|COMPLETED|0:0|2:0`,
    `${id}.batch|batch|COMPLETED|0:0|`,
    `${id}.0|bash|COMPLETED|0:0|`,
    `${id}.1|bash|FAILED|2:0|`,
  ]);
  const out = readFileSync(join(c.work, `slurm-${id}.out`), 'utf8');
  assert.equal(out, 'step 0 task 0 of 1\nsrun: error: n1: tasks 0-1: Exited with exit code 2\nsrun returned 2\n');
});

test('an OOM inside a step is the step\'s: J.0 OUT_OF_MEMORY 0:125, the job COMPLETED with DerivedExitCode 0:125', async () => {
  const id = await c.submit(`-J oomstep --mem=50M --wrap "srun ${EAT_200M.replace(/"/g, '\\"')}; echo srun exit status \\$?"`);
  assert.equal(await c.waitDone(id, 30_000), 'COMPLETED');
  const rows = await until('the step rows', () => sacct(id), (r) => r.length === 3 && !r.some((l) => l.includes('RUNNING')));
  assert.deepEqual(rows, [`${id}|oomstep|COMPLETED|0:0|0:125`, `${id}.batch|batch|COMPLETED|0:0|`, `${id}.0|python3|OUT_OF_MEMORY|0:125|`]);
  const out = readFileSync(join(c.work, `slurm-${id}.out`), 'utf8');
  assert.equal(out, 'srun: error: n1: task 0: Out Of Memory\n'
    + `slurmstepd-n1: error: Detected 1 oom-kill event(s) in StepId=${id}.0. Some of your processes may have been killed by the cgroup out-of-memory handler.\n`
    + 'srun exit status 1\n');
});

test('srun outside a job: an allocation running the command, output streamed live, its exit code', async () => {
  const s = srunLive('-J live bash -c \'echo first; echo to-stderr >&2; sleep 3; echo second; exit 7\'');
  // "first" arrives while the command still runs, and squeue shows the allocation.
  await until('streamed output', () => s.out(), (o) => o === 'first\n', 10_000);
  const q = (await c.sh('squeue -h -o "%i %j %T"')).stdout.trim();
  assert.match(q, /^\d+ live RUNNING$/);
  const id = Number(q.split(' ')[0]);
  assert.equal(await s.exit, 7);
  assert.equal(s.out(), 'first\nsecond\n');
  assert.equal(s.err(), 'to-stderr\nsrun: error: n1: task 0: Exited with exit code 7\n');
  assert.equal(await c.waitDone(id), 'FAILED');
  assert.deepEqual(await until('sacct rows', () => sacct(id), (r) => r.length === 2 && !r.some((l) => l.includes('RUNNING'))),
    [`${id}|live|FAILED|7:0|0:0`, `${id}.0|live|FAILED|7:0|`]);
  assert.match(await c.show(id), /BatchFlag=0 /);
});

test('srun outside a job: a task killed by a signal, an OOM, and bad input', async () => {
  const k = await c.sh('srun bash -c \'kill -9 $$\'');
  assert.equal(k.code, 137);
  assert.match(k.stderr, /^srun: error: n1: task 0: Killed\nsrun: Force Terminated StepId=\d+\.0\n$/);
  writeFileSync(join(c.work, 'eat.py'), 'a = bytearray(200 * 1024 * 1024)\nfor i in range(0, len(a), 4096):\n    a[i] = 1\n');
  const oom = await c.sh('srun --mem=50M -J oomi bash -c \'echo SLURM_JOB_ID=$SLURM_JOB_ID; exec python3 eat.py\'');
  assert.equal(oom.code, 1);
  const id = Number(/SLURM_JOB_ID=(\d+)/.exec(oom.stdout)?.[1]);
  assert.equal(oom.stderr, 'srun: error: n1: task 0: Out Of Memory\n'
    + `slurmstepd-n1: error: Detected 1 oom-kill event(s) in StepId=${id}.0. Some of your processes may have been killed by the cgroup out-of-memory handler.\n`);
  assert.deepEqual(await until('sacct rows', () => sacct(id), (r) => r.length === 2 && !r.some((l) => l.includes('RUNNING'))),
    [`${id}|oomi|OUT_OF_MEMORY|0:125|0:125`, `${id}.0|oomi|OUT_OF_MEMORY|0:125|`]);
  const bad = await c.sh('srun -n 0 true');
  assert.deepEqual([bad.code, bad.stderr], [1, 'srun: error: Invalid numeric value "0" for --ntasks.\n']);
  const none = await c.sh('srun');
  assert.deepEqual([none.code, none.stderr], [1, 'srun: fatal: No command given to execute.\n']);
});

test('Ctrl-C twice forwards SIGINT to the step; a full cluster makes srun wait', async () => {
  const s = srunLive('sleep 300');
  await until('the step running', async () => (await c.sh('squeue -h -o %j')).stdout.trim(), (v) => v === 'sleep');
  await until('srun waiting on its step', async () => (await c.sh('sacct -n -P -o JobID,State')).stdout, (v) => /\.0\|RUNNING/.test(v));
  process.kill(s.pid, 'SIGINT');
  await pause(200);
  process.kill(s.pid, 'SIGINT');
  assert.equal(await s.exit, 130);
  assert.match(s.err(), /^srun: interrupt \(one more within 1 sec to abort\)\n.*\nsrun: sending Ctrl-C to StepId=\d+\.0\nsrun: error: n1: task 0: Interrupt\nsrun: Force Terminated StepId=\d+\.0\n$/);

  // Both CPUs taken: srun says it waits, and runs once they are free.
  const blocker = await c.submit('-c 2 --wrap "sleep 300"');
  await c.waitState(blocker, ['RUNNING']);
  const w = srunLive('echo ran');
  await until('the queued notice', () => w.err(), (e) => /^srun: job \d+ queued and waiting for resources\n$/.test(e));
  await c.sh(`scancel ${blocker}`);
  assert.equal(await w.exit, 0);
  assert.equal(w.out(), 'ran\n');
  assert.match(w.err(), /^srun: job (\d+) queued and waiting for resources\nsrun: job \1 has been allocated resources\n$/);
});

test('sstat: live MaxRSS/AveRSS of the batch step and an srun step from their cgroups; Slurm\'s errors', async () => {
  // The batch shell holds ~30 MiB in python; the srun step only sleeps.
  const hold = "python3 -c 'b = bytearray(30 * 1024 * 1024)\nfor i in range(0, len(b), 4096): b[i] = 1\nimport time; time.sleep(60)'";
  const id = await c.submit(`-o /dev/null --wrap "srun -J nap sleep 60 & ${hold.replace(/"/g, '\\"')}"`);
  await c.waitState(id, ['RUNNING']);
  // Sizes print as Slurm prints them: in K, or in M/G when the KiB count is an exact multiple.
  const kib = (v: string | undefined): number => {
    const m = /^(\d+)([KMG])$/.exec(v ?? '');
    return m === null ? NaN : Number(m[1]) * { K: 1, M: 1024, G: 1024 * 1024 }[m[2] as 'K' | 'M' | 'G'];
  };
  const batchRss = (o: string): number => kib(new RegExp(`^${id}\\.batch\\|([^|]+)\\|`, 'm').exec(o)?.[1]);
  const rows = await until('both steps with 30 MiB in the batch step', async () => (await c.sh(`sstat -a -n -P -j ${id} --format=JobID,MaxRSS,AveRSS,NTasks,MaxRSSNode`)).stdout,
    (o) => batchRss(o) >= 30 * 1024 && o.includes(`${id}.0|`));
  const [batch, step] = rows.trim().split('\n');
  assert.match(batch ?? '', new RegExp(`^${id}\\.batch\\|(\\d+[KMG])\\|\\1\\|1\\|n1$`));
  assert.match(step ?? '', new RegExp(`^${id}\\.0\\|\\d+[KMG]\\|\\d+[KMG]\\|1\\|n1$`));
  assert.ok(kib(step?.split('|')[1]) < 30 * 1024, 'the step\'s own cgroup, not the job\'s');
  // -j J alone: the srun steps only; fixed-width output with sstat's header.
  const plain = await c.sh(`sstat -j ${id} -o JobID,NTasks`);
  assert.equal(plain.stdout, `JobID          NTasks \n------------ -------- \n${`${id}.0`.padEnd(12)}        1 \n`);
  const batchOnly = await c.sh(`sstat -j ${id}.batch -p -o jobid`);
  assert.equal(batchOnly.stdout, `JobID|\n${id}.batch|\n`);
  const missing = await c.sh(`sstat -j ${id}.7 -P -o jobid`);
  assert.deepEqual([missing.code, missing.stdout, missing.stderr], [0, 'JobID\n', `sstat: error: StepId=${id}.7 not found running.\n`]);
  await c.sh(`scancel ${id}`);
  await c.waitDone(id);
  const done = await c.sh(`sstat -n -j ${id}`);
  assert.deepEqual([done.code, done.stdout, done.stderr], [0, '', `sstat: error: No steps running for job ${id}\n`]);
  const unknown = await c.sh('sstat -n -j 999999');
  assert.deepEqual([unknown.code, unknown.stderr], [0, "sstat: error: couldn't get steps for job 999999\n"]);
  const none = await c.sh('sstat');
  assert.deepEqual([none.code, none.stderr], [1, "sstat: error: You didn't give me any jobs to stat.\n"]);
  const bad = await c.sh('sstat -j abc');
  assert.deepEqual([bad.code, bad.stderr], [1, 'sstat: fatal: Bad job/step specified: abc\n']);
  const field = await c.sh(`sstat -j ${id} -o jobid,foo`);
  assert.deepEqual([field.code, field.stderr], [1, 'sstat: error: Invalid field requested: "foo"\n']);
});

test('srun outside a job forwards its stdin to every task (--input=all, as the peer does) and closes it at EOF', async () => {
  const both = await c.sh('srun -n 2 -l cat', { input: 'hello\n' });
  assert.equal(both.code, 0, both.stderr);
  assert.deepEqual(both.stdout.trim().split('\n').sort(), ['0: hello', '1: hello']);
  const count = await c.sh('srun wc -l', { input: 'a\nb\n' });
  assert.deepEqual([count.code, count.stdout.trim()], [0, '2']);
  // More than a pipe buffer, byte for byte.
  const data = Array.from({ length: 200_000 }, (_, i) => `line ${i}\n`).join('');
  const big = await c.sh('srun md5sum', { input: data });
  const want = createHash('md5').update(data).digest('hex');
  assert.deepEqual([big.code, big.stdout.trim()], [0, `${want}  -`]);
  const none = await c.sh('srun cat < /dev/null');
  assert.deepEqual([none.code, none.stdout], [0, '']);
});
