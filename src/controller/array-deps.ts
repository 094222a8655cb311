// Dependencies whose targets are job arrays, and `aftercorr` task by task (Slurm 22.05's
// rules, as its dependency test applies them):
// - a plain id naming an array, or `J_*`, means the whole array: it has started when no task
//   is left pending, it is done when every task is, and ok when every task COMPLETED;
// - `J_N` means task N: its record once started, "not started" while the meta record still
//   holds it, unknown (fulfilled) otherwise;
// - `aftercorr:J` on task N of a dependent array means task N of J when J has one, and the
//   whole of J otherwise (and for a dependent that is not an array task).
// A dependent array's unstarted tasks live in one meta record, so `aftercorr` is decided per
// pending task here: the scheduler may start only tasks whose corresponding task finished ok,
// and a task whose corresponding task failed is split off into its own record, where it shows
// DependencyNeverSatisfied (or is cancelled) on its own.

import type { Job } from '../core/job.ts';
import type { DepTarget, JobDependency } from '../core/dependency.ts';
import type { DepTargetFacts } from '../core/dependency-eval.ts';
import { jobFacts } from '../core/dependency-eval.ts';
import type { IndexSet } from '../core/array-spec.ts';
import { setFromIndices, setHas, setMembers, setSize } from '../core/array-spec.ts';

interface ArrayEntry {
  /** Started task records by task id. */
  readonly tasks: Map<number, Job>;
  /** The record still holding unstarted tasks, if any. */
  meta: Job | null;
}

/** Every live array by ArrayJobId, built once per evaluation pass. */
export class ArrayIndex {
  private readonly arrays = new Map<number, ArrayEntry>();

  constructor(jobs: Iterable<Job>) {
    for (const j of jobs) {
      const a = j.array;
      if (a === null) continue;
      let e = this.arrays.get(a.jobId);
      if (e === undefined) {
        e = { tasks: new Map(), meta: null };
        this.arrays.set(a.jobId, e);
      }
      if (a.taskId === null) e.meta = j;
      else e.tasks.set(a.taskId, j);
    }
  }

  has(arrayJobId: number): boolean {
    return this.arrays.has(arrayJobId);
  }

  /** Facts about the whole array. */
  whole(arrayJobId: number): DepTargetFacts | undefined {
    const e = this.arrays.get(arrayJobId);
    if (e === undefined) return undefined;
    const unstarted = e.meta !== null && setSize(e.meta.array?.pending ?? []) > 0;
    let started = !unstarted;
    let done = !unstarted;
    let ok = !unstarted;
    let startTime: number | null = null;
    for (const t of e.tasks.values()) {
      const f = jobFacts(t);
      started &&= f.started;
      done &&= f.done;
      ok &&= f.ok;
      if (t.startTime !== null) startTime = Math.max(startTime ?? 0, t.startTime);
    }
    return { started, startTime, done, ok: done && ok };
  }

  /** Facts about task `task`; undefined when the array has no such task (any more). */
  task(arrayJobId: number, task: number): DepTargetFacts | undefined {
    const e = this.arrays.get(arrayJobId);
    if (e === undefined) return undefined;
    const rec = e.tasks.get(task);
    if (rec !== undefined) return jobFacts(rec);
    if (e.meta !== null && setHas(e.meta.array?.pending ?? [], task)) {
      return { started: false, startTime: null, done: false, ok: false };
    }
    return undefined;
  }

  /** Whether array `arrayJobId` has task `task`, started or not. */
  hasTask(arrayJobId: number, task: number): boolean {
    return this.task(arrayJobId, task) !== undefined;
  }
}

/**
 * Resolve a target for a dependent record. `self` is the dependent's own array task (for
 * aftercorr), null when it is not a started task.
 */
export function resolveTarget(
  t: DepTarget, corr: boolean, self: number | null, index: ArrayIndex, lookup: (id: number) => Job | undefined,
): DepTargetFacts | undefined {
  if (typeof t.task === 'number') return index.task(t.jobId, t.task);
  if (corr && self !== null && index.hasTask(t.jobId, self)) return index.task(t.jobId, self);
  const job = lookup(t.jobId);
  // A plain id that names a task record split off another array is just that record.
  if (job !== undefined && job.array !== null && job.array.jobId !== t.jobId) return jobFacts(job);
  if (index.has(t.jobId)) return index.whole(t.jobId);
  return job === undefined ? undefined : jobFacts(job);
}

export function hasCorr(dep: JobDependency | null): boolean {
  return dep !== null && dep.items.some((i) => i.type === 'aftercorr');
}

/** Without its aftercorr items (decided per task). */
export function withoutCorr(dep: JobDependency): JobDependency {
  return { ...dep, items: dep.items.filter((i) => i.type !== 'aftercorr') };
}

export interface CorrSplit {
  /** Pending tasks whose every aftercorr target finished ok (or is unknown). */
  readonly ready: IndexSet;
  /** Pending tasks with an aftercorr target that did not finish ok. */
  readonly failed: number[];
  /** Some pending task still waits for its target. */
  readonly waiting: boolean;
}

/** Decide a meta record's pending tasks against its aftercorr items. */
export function corrSplit(meta: Job, index: ArrayIndex, lookup: (id: number) => Job | undefined): CorrSplit {
  const items = (meta.dependency?.items ?? []).filter((i) => i.type === 'aftercorr' && i.target !== null);
  const ready: number[] = [];
  const failed: number[] = [];
  let waiting = false;
  for (const task of setMembers(meta.array?.pending ?? [])) {
    let state: 'ready' | 'wait' | 'failed' = 'ready';
    for (const item of items) {
      if (item.state === 'failed') {
        state = 'failed';
        break;
      }
      const f = item.target === null ? undefined : resolveTarget(item.target, true, task, index, lookup);
      if (f === undefined || f.ok) continue;
      if (f.done) {
        state = 'failed';
        break;
      }
      state = 'wait';
    }
    if (state === 'ready') ready.push(task);
    else if (state === 'failed') failed.push(task);
    else waiting = true;
  }
  return { ready: setFromIndices(ready), failed, waiting };
}

/** A task record just split off to start: its aftercorr items are fulfilled for it. */
export function startedTaskDependency(job: Job): JobDependency | null {
  if (!hasCorr(job.dependency) || job.dependency === null) return job.dependency;
  return withoutCorr(job.dependency);
}
