import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job } from '../core/job.ts';
import { asJobId } from '../core/job.ts';
import { dependencyOf, makeJob } from '../cli/format/job-fixture.ts';
import type { IndexSet } from '../core/array-spec.ts';
import { ArrayIndex, corrSplit, resolveTarget, startedTaskDependency } from './array-deps.ts';

const arr = (jobId: number, taskId: number | null, pending: IndexSet = []): Job['array'] => ({
  jobId: asJobId(jobId), taskId, pending, throttle: 0, count: 4, min: 0, max: 3, step: 1,
});

/** Array 10: tasks 0 (COMPLETED), 1 (FAILED), 2 (RUNNING) started; 3 pending in the meta record. */
function arrayTen(): Job[] {
  return [
    makeJob({ id: 10, state: 'PENDING', array: arr(10, null, [[3, 3]]) }),
    makeJob({ id: 11, state: 'COMPLETED', startTime: 5, array: arr(10, 0) }),
    makeJob({ id: 12, state: 'FAILED', startTime: 6, array: arr(10, 1) }),
    makeJob({ id: 13, state: 'RUNNING', startTime: 7, array: arr(10, 2) }),
  ];
}

const lookupOf = (jobs: Job[]) => (id: number): Job | undefined => jobs.find((j) => j.id === id);

test('a whole array is started, done and ok only when every task is', () => {
  const jobs = arrayTen();
  const idx = new ArrayIndex(jobs);
  assert.deepEqual(idx.whole(10), { started: false, startTime: 7, done: false, ok: false });
  const allDone = jobs.map((j) => (j.id === 13 ? { ...j, state: 'COMPLETED' as const } : j)).filter((j) => j.id !== 10);
  assert.deepEqual(new ArrayIndex(allDone).whole(10), { started: true, startTime: 7, done: true, ok: false });
  const allOk = allDone.map((j) => ({ ...j, state: 'COMPLETED' as const }));
  assert.equal(new ArrayIndex(allOk).whole(10)?.ok, true);
});

test('targets: J_N is one task, a plain array id the whole array, unknown tasks are fulfilled', () => {
  const jobs = arrayTen();
  const idx = new ArrayIndex(jobs);
  const look = lookupOf(jobs);
  assert.equal(resolveTarget({ jobId: 10, task: 0 }, false, null, idx, look)?.ok, true);
  assert.equal(resolveTarget({ jobId: 10, task: 3 }, false, null, idx, look)?.started, false);
  assert.equal(resolveTarget({ jobId: 10, task: 9 }, false, null, idx, look), undefined);
  assert.equal(resolveTarget({ jobId: 10, task: null }, false, null, idx, look)?.done, false);
  assert.equal(resolveTarget({ jobId: 10, task: '*' }, false, null, idx, look)?.done, false);
  // The id of a task record split off array 10 names that record alone.
  assert.equal(resolveTarget({ jobId: 11, task: null }, false, null, idx, look)?.ok, true);
  // aftercorr from task 1 looks at task 1; from task 7 (absent there) at the whole array.
  assert.equal(resolveTarget({ jobId: 10, task: null }, true, 1, idx, look)?.done, true);
  assert.equal(resolveTarget({ jobId: 10, task: null }, true, 7, idx, look)?.done, false);
  assert.equal(resolveTarget({ jobId: 99, task: null }, true, 1, idx, look), undefined);
});

test('aftercorr splits a dependent meta record into ready, waiting and failed tasks', () => {
  const jobs = arrayTen();
  const dependent = makeJob({ id: 20, state: 'PENDING', array: arr(20, null, [[0, 5]]), dependency: dependencyOf('aftercorr:10') });
  const s = corrSplit(dependent, new ArrayIndex(jobs), lookupOf(jobs));
  // 0 ok; 1 failed; 2 running and 3 pending wait; 4 and 5 have no counterpart, so the whole
  // array (not done) decides: they wait.
  assert.deepEqual(s.ready, [[0, 0]]);
  assert.deepEqual(s.failed, [1]);
  assert.equal(s.waiting, true);
});

test('a started task drops its aftercorr items and keeps the rest', () => {
  const j = makeJob({ id: 21, array: arr(20, 0), dependency: dependencyOf('aftercorr:10,afterok:5') });
  assert.deepEqual(startedTaskDependency(j)?.items.map((i) => i.type), ['afterok']);
  const plain = makeJob({ id: 22, dependency: dependencyOf('afterok:5') });
  assert.equal(startedTaskDependency(plain), plain.dependency);
});
