// Job arrays end to end: the %N throttle holds, each task sees its SLURM_ARRAY_* and writes
// its %A_%a file, unstarted tasks can be cancelled one by one, the last task to start keeps
// the array's id, and an array survives a controller crash without running a task twice.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestCluster } from './harness.ts';
import { startController, stopDaemon, waitReady } from '../../src/cli/cluster.ts';

let c: TestCluster;
before(async () => {
  c = await TestCluster.start({ nodes: 2, cpus: 2 });
});
after(async () => {
  await c.stop();
});

interface TaskRow { id: string; raw: number; state: string; exit: string; start: number; end: number }

async function tasks(array: number): Promise<TaskRow[]> {
  const r = await c.sh(`sacct -j ${array} -X -P -n --format=JobID,JobIDRaw,State,ExitCode,Start,End`);
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => {
    const [id = '', raw = '', state = '', exit = '', start = '', end = ''] = l.split('|');
    return { id, raw: Number(raw), state, exit, start: Date.parse(start), end: Date.parse(end) };
  });
}

async function waitQueueEmpty(array: number, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if ((await c.sh(`squeue -h -j ${array} -o %i`)).stdout.trim() === '') return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`array ${array} still queued after ${timeoutMs} ms`);
}

test('a throttled array: at most N tasks at once, per-task env and files, exit codes per task', async () => {
  const script = '#!/bin/bash\n#SBATCH -J arr\n#SBATCH -o arr_%A_%a.out\nenv | grep ^SLURM_ARRAY | sort\nsleep 2\nexit $((SLURM_ARRAY_TASK_ID % 3 == 2))\n';
  const id = await c.submit(`--array=0-5%2 <<'EOF'\n${script}EOF`);
  // While it runs the pending part shows the throttle.
  await c.waitState(id, ['PENDING']);
  const q = await c.sh(`squeue -h -j ${id} -o "%i %T %r"`);
  assert.match(q.stdout, new RegExp(`^${id}_\\[\\d(-5|,\\d.*)%2\\] PENDING JobArrayTaskLimit$`, 'm'));
  await waitQueueEmpty(id);
  const rows = await tasks(id);
  assert.deepEqual(rows.map((r) => r.id), [0, 1, 2, 3, 4, 5].map((t) => `${id}_${t}`));
  assert.deepEqual(rows.map((r) => r.state), ['COMPLETED', 'COMPLETED', 'FAILED', 'COMPLETED', 'COMPLETED', 'FAILED']);
  assert.equal(rows[5]?.exit, '1:0');
  // The last task to start is the array's own record.
  assert.equal(rows.filter((r) => r.raw === id).length, 1);
  assert.equal(new Set(rows.map((r) => r.raw)).size, 6);
  // Never more than two running at once (second resolution: compare at each start).
  for (const r of rows) {
    const overlapping = rows.filter((o) => o.start <= r.start && o.end > r.start);
    assert.ok(overlapping.length <= 2, `${overlapping.length} tasks running at ${r.id}'s start`);
  }
  const out = readFileSync(join(c.work, `arr_${id}_4.out`), 'utf8');
  assert.equal(out, `SLURM_ARRAY_JOB_ID=${id}\nSLURM_ARRAY_TASK_COUNT=6\nSLURM_ARRAY_TASK_ID=4\n`
    + 'SLURM_ARRAY_TASK_MAX=5\nSLURM_ARRAY_TASK_MIN=0\nSLURM_ARRAY_TASK_STEP=1\n');
});

test('unstarted tasks are cancelled one by one; the rest run after release', async () => {
  const id = await c.submit('--hold --array=0-5 -o /dev/null --wrap true');
  assert.equal((await c.sh(`squeue -h -j ${id} -o %i`)).stdout, `${id}_[0-5]\n`);
  assert.equal((await c.sh(`scancel ${id}_2 && scancel ${id}_[3-4]`)).code, 0);
  assert.equal((await c.sh(`squeue -h -j ${id} -o %i`)).stdout, `${id}_[0-1,5]\n`);
  assert.equal((await c.sh(`squeue -h -r -j ${id} -o %i`)).stdout, `${id}_0\n${id}_1\n${id}_5\n`);
  assert.equal((await c.sh(`scontrol release ${id}`)).code, 0);
  await waitQueueEmpty(id);
  assert.deepEqual((await tasks(id)).map((r) => `${r.id} ${r.state}`), [0, 1, 5].map((t) => `${id}_${t} COMPLETED`));
});

test('bad specs are refused with Slurm\'s error and nothing queued', async () => {
  for (const spec of ['abc', '5-3', '0-2000', '1:2']) {
    const r = await c.sh(`sbatch --array=${spec} --wrap true`);
    assert.deepEqual([r.code, r.stderr], [1, 'sbatch: error: Batch job submission failed: Invalid job array specification\n'], spec);
  }
});

test('an array survives a controller crash: every task runs exactly once', async () => {
  const id = await c.submit('--array=0-7%2 -o arr_crash_%a.out --wrap \'echo ran >> ran_$SLURM_ARRAY_TASK_ID.txt; sleep 1\'');
  await c.waitState(id, ['PENDING']);
  await new Promise((r) => setTimeout(r, 1500));
  await stopDaemon(c.h.dir, 'ratchetctld', 'SIGKILL');
  startController(c.h.dir, c.h.conf);
  await waitReady(c.h.auth, c.h.controlPort, 2);
  await waitQueueEmpty(id);
  const rows = await tasks(id);
  assert.deepEqual(rows.map((r) => `${r.id} ${r.state}`), [0, 1, 2, 3, 4, 5, 6, 7].map((t) => `${id}_${t} COMPLETED`));
  for (let t = 0; t < 8; t++) assert.equal(readFileSync(join(c.work, `ran_${t}.txt`), 'utf8'), 'ran\n', `task ${t} ran once`);
});
