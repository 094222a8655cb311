import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeJob } from '../cli/format/job-fixture.ts';
import { parseConfig } from '../core/config.ts';
import { applyEvent } from '../core/job-machine.ts';
import { jobTres, jobCpus, minMemory } from '../cli/format/job-view.ts';
import { cpusPerNode, memPerNodeOf } from '../core/job-new.ts';
import { SlurmError } from '../api/wire.ts';
import type { UpdateRequest } from './update.ts';
import { planUpdate } from './update.ts';

// The peer's shape: two nodes of 2 CPUs and 3000 MiB, DefMemPerCPU=256.
const parsed = parseConfig('ClusterName=c\nNodeName=n[1-2] CPUs=2 RealMemory=3000\nPartitionName=debug Nodes=n[1-2] Default=YES\nDefMemPerCPU=256\n', 'u.conf');
assert.ok(parsed.ok);
const cfg = parsed.config;

function updated(r: Omit<UpdateRequest, 'id'>, job = makeJob({ held: 'user' })) {
  const plan = planUpdate(cfg, job, { id: job.id, ...r }, false, () => undefined);
  if (!plan.ok) return { error: plan.error };
  const a = applyEvent(job, { kind: 'update', at: 1, changes: plan.changes });
  assert.ok(a.ok);
  return { job: a.job };
}

test('MinMemoryNode / MinMemoryCPU switch the kind of memory request, TRES follows', () => {
  const n = updated({ minMemoryNode: 500 }).job;
  assert.ok(n !== undefined);
  assert.deepEqual(minMemory(n), { perCpu: false, mib: 500 });
  assert.deepEqual([n.req.memPerNode, n.req.memPerCpu, jobTres(n).memMiB], [500, null, 500]);
  const c = updated({ minMemoryCpu: 200, numCpus: 2 }, n).job;
  assert.ok(c !== undefined);
  assert.deepEqual(minMemory(c), { perCpu: true, mib: 200 });
  // Peer: NumCPUs=2 MinMemoryCPU=200 -> TRES=cpu=2,mem=400M.
  assert.deepEqual([jobCpus(c), jobTres(c).memMiB, jobTres(c).cpu], [2, 400, 2]);
  assert.deepEqual([cpusPerNode(c.req), memPerNodeOf(c.req)], [2, 400]);
});

test('NumCPUs beyond one node spreads over more nodes; beyond the partition it is refused whole', () => {
  const j = updated({ numCpus: 3 }).job;
  assert.ok(j !== undefined);
  assert.deepEqual([j.req.nodes, j.req.numCpus, cpusPerNode(j.req), jobCpus(j)], [2, 3, 2, 3]);
  const job = makeJob({ held: 'user' });
  assert.deepEqual(updated({ numCpus: 5, minMemoryNode: 100 }, job), { error: SlurmError.PartitionConfigUnavailable });
  assert.deepEqual(updated({ numCpus: 1024 }, job), { error: SlurmError.PartitionConfigUnavailable });
});

test('memory no node has is accepted (Slurm: the job then waits BadConstraints)', () => {
  const j = updated({ minMemoryNode: 5000 }).job;
  assert.equal(j?.req.memPerNode, 5000);
});

test('only pending jobs; bad values are refused without a change', () => {
  const running = makeJob({ state: 'RUNNING', startTime: 1 });
  for (const r of [{ minMemoryNode: 100 }, { minMemoryCpu: 100 }, { numCpus: 2 }]) {
    assert.deepEqual(updated(r, running), { error: SlurmError.JobNotPending });
  }
  assert.deepEqual(updated({ numCpus: 2 }, makeJob({ state: 'COMPLETED' })), { error: SlurmError.JobFinished });
  assert.deepEqual(updated({ numCpus: 0 }), { error: SlurmError.InvalidRequest });
  assert.deepEqual(updated({ minMemoryNode: -1 }), { error: SlurmError.InvalidRequest });
  assert.deepEqual(updated({ minMemoryCpu: 'x' as unknown as number }), { error: SlurmError.InvalidRequest });
});
