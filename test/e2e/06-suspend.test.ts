// scontrol suspend / resume against a real cluster (golden d_suspend): the kernel freezer
// stops every process of a forking job (none runs, none gains CPU time) and resume
// continues them; time suspended counts neither in RunTime/Elapsed nor toward the time
// limit; a cancel while suspended ends the job at once (no KillWait); the suspension
// survives a controller restart, the node keeping its processes frozen; Slurm's refusals.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { TestCluster, field, pause, until } from './harness.ts';
import { pidOf, startController, waitReady } from '../../src/cli/cluster.ts';

let c: TestCluster;
before(async () => {
  // KillWait=30: a cancel that finishes in a few seconds did not wait for it. SlurmdTimeout=6:
  // agents heartbeat every 2 s, so they register again soon after a controller restart.
  c = await TestCluster.start({ nodes: 1, cpus: 4, set: ['KillWait=30', 'SlurmdTimeout=6'], timeResolution: 'seconds' });
});
after(async () => {
  await c.stop();
});

function readOr(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Every process in the job's cgroup (any hierarchy), found through /proc/<pid>/cgroup. */
function jobPids(id: number): number[] {
  const conf = readFileSync(c.h.conf, 'utf8');
  const port = /^NodeName=n1 .*\bPort=(\d+)/m.exec(conf)?.[1];
  assert.ok(port !== undefined);
  const suffix = `/ratchet_n1_${port}/job_${id}`;
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    if (readOr(`/proc/${d}/cgroup`).split('\n').some((l) => l.endsWith(suffix))) pids.push(Number(d));
  }
  return pids.sort((a, b) => a - b);
}

/** State letter and utime+stime (clock ticks) from /proc/<pid>/stat. */
function stat(pid: number): { state: string; cpu: number } | null {
  const t = readOr(`/proc/${pid}/stat`);
  if (t === '') return null;
  const f = t.slice(t.lastIndexOf(')') + 2).split(' ');
  return { state: f[0] ?? '', cpu: Number(f[11]) + Number(f[12]) };
}

const cpu = (pid: number): number => stat(pid)?.cpu ?? -1;


async function sq(id: number): Promise<string> {
  return (await c.sh(`squeue -h -j ${id} -o %t`)).stdout.trim();
}

async function ok(cmd: string): Promise<void> {
  const r = await c.sh(cmd);
  assert.deepEqual({ code: r.code, stderr: r.stderr }, { code: 0, stderr: '' }, cmd);
}

/** Three busy children, each with a busy grandchild: seven processes with the batch shell. */
const TREE = `#!/bin/bash
for i in 1 2 3; do sh -c 'sh -c "while :; do :; done" & while :; do :; done' & done
wait
`;

test('suspend stops every process of a forking tree, resume continues them all', async () => {
  const id = await c.submit(`-J tree <<'EOF'\n${TREE}EOF`);
  await c.waitState(id, ['RUNNING']);
  await until('seven processes, the busy ones on CPU', () => {
    const p = jobPids(id);
    return p.length === 7 && p.filter((x) => cpu(x) > 0).length >= 6;
  });
  const pids = jobPids(id);
  const busy = pids.filter((p) => cpu(p) > 0);

  await ok(`scontrol suspend ${id}`);
  assert.equal(await sq(id), 'S');
  assert.equal(field(await c.show(id), 'JobState'), 'SUSPENDED');
  await until('no process running', () => pids.every((p) => stat(p)?.state !== 'R'));
  const frozen = pids.map(cpu);
  await pause(1500);
  assert.deepEqual(pids.map(cpu), frozen, 'no CPU time gained while suspended');
  assert.deepEqual(jobPids(id), pids, 'no process came or went');
  const s = await c.show(id);
  assert.equal(field(s, 'RunTime'), `00:00:${field(s, 'SecsPreSuspend').padStart(2, '0')}`);
  assert.equal(field(s, 'Priority'), '0');

  await ok(`scontrol resume ${id}`);
  assert.equal(await sq(id), 'R');
  const resumed = busy.map(cpu);
  await until('every busy process gains CPU time again', () => busy.every((p, i) => cpu(p) > (resumed[i] ?? 0)));
  await ok(`scancel ${id}`);
  assert.equal(await c.waitDone(id), 'CANCELLED');
});

test('time suspended is not run time: a 10 s job suspended for 5 s runs 10 s and ends 15 s after its start', { timeout: 60_000 }, async () => {
  const id = await c.submit('--time=0:10 -J limit --wrap "sleep 300"');
  await c.waitState(id, ['RUNNING']);
  const t0 = Date.now();
  await until('3 s run', () => Date.now() - t0 >= 3000);
  await ok(`scontrol suspend ${id}`);
  await until('5 s suspended', () => Date.now() - t0 >= 8000);
  await ok(`scontrol resume ${id}`);
  const s = await c.show(id);
  const start = Date.parse(`${field(s, 'StartTime')}Z`);
  const end = Date.parse(`${field(s, 'EndTime')}Z`);
  assert.ok(Math.abs((end - start) / 1000 - 15) <= 2, `EndTime moved by the time suspended: ${field(s, 'StartTime')} .. ${field(s, 'EndTime')}`);
  // Past the 10 s of wall time the limit would have been, it still runs.
  while (Date.now() - t0 < 12_000) {
    assert.equal(await sq(id), 'R', `running at ${Date.now() - t0} ms of wall time`);
    await pause(200);
  }
  assert.equal(await c.waitDone(id, 20_000), 'TIMEOUT');
  const wall = (Date.now() - t0) / 1000;
  assert.ok(wall >= 13 && wall <= 18, `timed out after ${wall} s of wall time`);
  const r = await c.sh(`sacct -j ${id} -X -P -n --format=State,ElapsedRaw,Suspended,Start,End`);
  const [state, elapsed, suspended, st, en] = r.stdout.trim().split('|');
  assert.equal(state, 'TIMEOUT');
  assert.ok(Math.abs(Number(elapsed) - 10) <= 2, `Elapsed ${elapsed} s`);
  assert.match(suspended ?? '', /^00:00:0[4-6]$/);
  const span = (Date.parse(`${en}Z`) - Date.parse(`${st}Z`)) / 1000;
  assert.ok(Math.abs(span - 15) <= 2, `Start..End ${st} .. ${en}`);
});

test('cancel while suspended: CANCELLED at once without KillWait, ExitCode 0:9, RunTime = SecsPreSuspend', async () => {
  const id = await c.submit(`-J suscancel <<'EOF'\n${TREE}EOF`);
  await c.waitState(id, ['RUNNING']);
  await until('seven processes', () => jobPids(id).length === 7);
  await pause(1100);
  await ok(`scontrol suspend ${id}`);
  await until('no process running', () => jobPids(id).every((p) => stat(p)?.state !== 'R'));
  const t = Date.now();
  await ok(`scancel ${id}`);
  assert.equal(await c.waitDone(id, 10_000), 'CANCELLED');
  await until('processes gone and exit code in', async () => jobPids(id).length === 0 && field(await c.show(id), 'ExitCode') === '0:9', 5000);
  assert.ok(Date.now() - t < 5000, `ended ${Date.now() - t} ms after the cancel (KillWait is 30 s)`);
  const s = await c.show(id);
  assert.equal(field(s, 'RunTime'), `00:00:${field(s, 'SecsPreSuspend').padStart(2, '0')}`);
  const rows = (await c.sh(`sacct -j ${id} -P -n --format=JobID,State,ExitCode,Suspended`)).stdout.trim().split('\n');
  assert.equal(rows[0], `${id}|CANCELLED by 0|0:0|00:00:00`);
  assert.match(rows[1] ?? '', new RegExp(`^${id}\\.batch\\|CANCELLED\\|0:9\\|`));
});

test('a suspended job stays suspended across a controller restart, frozen on its node, and resumes', { timeout: 90_000 }, async () => {
  const out = `${c.work}/ticks.out`;
  const id = await c.submit(`-o ${out} --wrap 'for i in $(seq 200); do echo tick $i; sleep 0.05; done'`);
  await c.waitState(id, ['RUNNING']);
  await until('ticking', () => readOr(out).split('\n').length > 5);
  await ok(`scontrol suspend ${id}`);
  const pre = field(await c.show(id), 'SecsPreSuspend');
  await until('frozen', () => jobPids(id).every((p) => stat(p)?.state !== 'R'));
  const ticks = readOr(out);

  const pid = pidOf(c.h.dir, 'ratchetctld');
  assert.ok(pid !== null);
  process.kill(pid, 'SIGKILL');
  startController(c.h.dir, c.h.conf);
  await waitReady(c.h.auth, c.h.controlPort, 1);
  const s = await c.show(id);
  assert.equal(field(s, 'JobState'), 'SUSPENDED');
  assert.equal(field(s, 'SecsPreSuspend'), pre);
  assert.equal(readOr(out), ticks, 'the node kept the job frozen');

  await ok(`scontrol resume ${id}`);
  assert.equal(await c.waitDone(id, 30_000), 'COMPLETED');
  assert.match(readOr(out), /tick 200\n$/);
});

test("refusals with Slurm's wording and exit status", async () => {
  const held = await c.submit('--hold --wrap "sleep 5"');
  let r = await c.sh(`scontrol suspend ${held}`);
  assert.deepEqual([r.code, r.stderr], [1, `Job is pending execution for job ${held}\n`]);
  r = await c.sh(`scontrol resume ${held}`);
  assert.deepEqual([r.code, r.stderr], [1, `Job is pending execution for job ${held}\n`]);
  await ok(`scancel ${held}`);
  r = await c.sh(`scontrol suspend ${held}`);
  assert.deepEqual([r.code, r.stderr], [1, `Job/step already completing or completed for job ${held}\n`]);

  const id = await c.submit('--wrap "sleep 300"');
  await c.waitState(id, ['RUNNING']);
  r = await c.sh(`scontrol resume ${id}`);
  assert.deepEqual([r.code, r.stderr], [1, `Job is not suspended for job ${id}\n`]);
  r = await c.sh(`scontrol suspend ${id},999999 abc`);
  assert.deepEqual([r.code, r.stderr], [1, 'Unexpected message received for job 999999\nInvalid job id specified for job abc\n']);
  assert.equal(await sq(id), 'S', 'the valid id of the list was suspended');
  await ok(`scontrol suspend ${id}`);
  r = await c.sh('scontrol suspend');
  assert.deepEqual([r.code, r.stderr], [1, 'too few arguments for keyword:suspend\n']);

  const alice = await c.sh('id -u rtest-alice');
  if (alice.code === 0) {
    r = await c.sh(`setpriv --reuid=rtest-alice --regid=rtest-alice --init-groups scontrol resume ${id}`);
    assert.deepEqual([r.code, r.stderr], [1, `Access/permission denied for job ${id}\n`]);
  }
  await ok(`scancel ${id}`);
  assert.equal(await c.waitDone(id), 'CANCELLED');
});
