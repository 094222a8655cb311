// Kill -9 the controller while 500 jobs are being submitted and run. After the restart,
// every job whose sbatch printed an id exists and ends COMPLETED, and no job ran twice
// (each job appends its id to a log when it runs).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TestCluster } from './harness.ts';
import { pidOf, startController, waitReady } from '../../src/cli/cluster.ts';

let c: TestCluster;
before(async () => {
  c = await TestCluster.start({ nodes: 2, cpus: 4, timeResolution: 'seconds' });
});
after(async () => {
  await c.stop();
});

const SUBMITTERS = 5;
const PER_SUBMITTER = 100;

function printedIds(): number[] {
  const ids: number[] = [];
  for (const f of readdirSync(c.work).filter((n) => n.startsWith('ids.'))) {
    for (const line of readFileSync(join(c.work, f), 'utf8').split('\n')) {
      if (/^\d+$/.test(line)) ids.push(Number(line));
    }
  }
  return ids;
}

test('a controller killed with -9 mid-stream loses no acknowledged job and runs none twice', { timeout: 300_000 }, async () => {
  const log = join(c.work, 'ran.log');
  const loops = Array.from({ length: SUBMITTERS }, (_, k) => c.sh(
    `for i in $(seq ${PER_SUBMITTER}); do sbatch --parsable -o /dev/null --wrap 'echo $SLURM_JOB_ID >> ${log}' >> ids.${k} 2>/dev/null; done`,
  ));
  // Crash the controller once a good part of the stream is acknowledged and running.
  const until = Date.now() + 120_000;
  while (printedIds().length < 150 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  const pid = pidOf(c.h.dir, 'ratchetctld');
  assert.ok(pid !== null);
  process.kill(pid, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 300));
  startController(c.h.dir, c.h.conf);
  await waitReady(c.h.auth, c.h.controlPort, 2);
  await Promise.all(loops);

  const ids = printedIds();
  assert.ok(ids.length > 300, `most submissions were acknowledged (${ids.length})`);
  // Wait (bounded) for the queue to drain.
  const deadline = Date.now() + 180_000;
  for (;;) {
    const q = await c.sh('squeue -h -o %i');
    if (q.code === 0 && q.stdout.trim() === '') break;
    assert.ok(Date.now() < deadline, `queue did not drain: ${q.stdout.split('\n').length} jobs left`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const acct = await c.sh('sacct -X -P -n --format=JobID,State -S 2000-01-01');
  const state = new Map(acct.stdout.trim().split('\n').map((l) => l.split('|') as [string, string]));
  for (const id of ids) assert.equal(state.get(String(id)), 'COMPLETED', `job ${id}`);
  const ran = readFileSync(log, 'utf8').trim().split('\n');
  const counts = new Map<string, number>();
  for (const id of ran) counts.set(id, (counts.get(id) ?? 0) + 1);
  const twice = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  assert.deepEqual(twice, [], 'no job ran twice');
  for (const id of ids) assert.equal(counts.get(String(id)), 1, `job ${id} ran once`);
});
