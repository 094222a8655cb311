import { test } from 'node:test';
import assert from 'node:assert/strict';
import { schedule } from './schedule.ts';
import type { SchedJob, SchedNode } from './schedule.ts';

const node = (name: string, allocCpus = 0, allocMem = 0, available = true): SchedNode =>
  ({ name, cpus: 2, mem: 3000, allocCpus, allocMem, available });
const job = (id: number, over: Partial<SchedJob> = {}): SchedJob =>
  ({ id, partition: 'debug', priority: 1000 - id, nodes: 1, cpusPerNode: 1, memPerNode: 256, ...over });
const parts = [{ name: 'debug', nodes: ['n1', 'n2'], up: true, priorityTier: 1 }];

test('fills nodes in order, one CPU per job', () => {
  const r = schedule([job(1), job(2), job(3), job(4), job(5)], [node('n1'), node('n2')], parts);
  assert.deepEqual(r.assignments.map((a) => [a.jobId, a.nodes.join()]), [[1, 'n1'], [2, 'n1'], [3, 'n2'], [4, 'n2']]);
  assert.equal(r.reasons.get(5), 'Resources');
});

test('the first blocked job blocks lower priorities in its partition (Priority)', () => {
  const r = schedule([job(1, { nodes: 2, cpusPerNode: 2 }), job(2)], [node('n1', 1), node('n2')], parts);
  assert.deepEqual(r.assignments, []);
  assert.equal(r.reasons.get(1), 'Resources');
  assert.equal(r.reasons.get(2), 'Priority');
});

test('priority decides the order, not the id', () => {
  const r = schedule([job(1, { priority: 1 }), job(2, { priority: 5, cpusPerNode: 2 })], [node('n1')], [{ ...parts[0]!, nodes: ['n1'] }]);
  assert.deepEqual(r.assignments.map((a) => a.jobId), [2]);
  assert.equal(r.reasons.get(1), 'Resources');
});

test('memory limits placement; --mem=0 takes a whole free node', () => {
  const r = schedule([job(1, { memPerNode: 2900 }), job(2, { memPerNode: 200 }), job(3, { memPerNode: 0 })],
    [node('n1'), node('n2', 0, 0)], parts);
  assert.deepEqual(r.assignments.map((a) => [a.jobId, a.nodes.join(), a.memPerNode]), [[1, 'n1', 2900], [2, 'n2', 200]]);
  assert.equal(r.reasons.get(3), 'Resources');
});

test('unavailable nodes take nothing; a partition with none up says NodeDown', () => {
  const r = schedule([job(1)], [node('n1', 0, 0, false), node('n2', 0, 0, false)], parts);
  assert.equal(r.reasons.get(1), 'NodeDown');
});

test('a job no node could ever hold waits BadConstraints and blocks nothing behind it', () => {
  const r = schedule([job(1, { memPerNode: 5000 }), job(2, { cpusPerNode: 3 }), job(3, { nodes: 3 }), job(4)], [node('n1'), node('n2')], parts);
  assert.deepEqual([r.reasons.get(1), r.reasons.get(2), r.reasons.get(3)], ['BadConstraints', 'BadConstraints', 'BadConstraints']);
  assert.deepEqual(r.assignments.map((a) => a.jobId), [4]);
});

test('-w places the job on the named nodes only; it waits while one of them is busy', () => {
  const r = schedule([job(1, { required: ['n2'] })], [node('n1'), node('n2')], parts);
  assert.deepEqual(r.assignments.map((a) => a.nodes.join()), ['n2']);
  const busy = schedule([job(1, { required: ['n2'] })], [node('n1'), node('n2', 2)], parts);
  assert.deepEqual(busy.assignments, []);
  assert.equal(busy.reasons.get(1), 'Resources');
  const two = schedule([job(1, { required: ['n2'], nodes: 2 })], [node('n1'), node('n2')], parts);
  assert.deepEqual(two.assignments.map((a) => a.nodes.join()), ['n2,n1']);
});

test('--exclusive takes only an idle node, and all of its CPUs', () => {
  const r = schedule([job(1, { exclusive: true }), job(2)], [node('n1', 1), node('n2')], parts);
  assert.deepEqual(r.assignments.map((a) => [a.jobId, a.nodes.join(), a.cpusPerNode]), [[1, 'n2', 2], [2, 'n1', 1]]);
  const none = schedule([job(1, { exclusive: true })], [node('n1', 1), node('n2', 0, 100)], parts);
  assert.deepEqual(none.assignments, []);
});
