// Job arrays in the controller: splitting a task off its meta record when it starts, the
// records an array id names, and scancel of tasks that never started.

import type { Job, JobId } from '../core/job.ts';
import { asJobId } from '../core/job.ts';
import type { IndexSet } from '../core/array-spec.ts';
import { setHas, setSize } from '../core/array-spec.ts';
import { dropPendingTasks, splitTask } from '../core/job-array.ts';
import { isFinished } from '../core/job-state.ts';
import { startedTaskDependency } from './array-deps.ts';
import type { Controller } from './controller.ts';

/** Running (or completing) tasks per ArrayJobId, for `%N` throttles. */
export function runningTasks(jobs: Iterable<Job>): Map<number, number> {
  const out = new Map<number, number>();
  for (const j of jobs) {
    if (j.array === null || j.array.taskId === null) continue;
    if (j.state === 'PENDING' || (isFinished(j.state) && !j.flags.includes('COMPLETING'))) continue;
    out.set(j.array.jobId, (out.get(j.array.jobId) ?? 0) + 1);
  }
  return out;
}

/**
 * Give `task` of meta record `metaId` its own record (queued for the store with the meta
 * record's change) and return the id to start; null when the task is no longer pending.
 */
export function splitArrayTask(ctl: Controller, metaId: number, task: number, now: number): JobId | null {
  const meta = ctl.jobs.get(metaId);
  if (meta === undefined || meta.array === null || !setHas(meta.array.pending, task)) return null;
  const newId = setSize(meta.array.pending) === 1 ? meta.id : asJobId(ctl.store.allocateJobId());
  const r = splitTask(meta, task, newId);
  if (r === null) return null;
  // aftercorr items are fulfilled for the task that starts (array-deps.ts).
  const started: Job = { ...r.task, dependency: startedTaskDependency(r.task) };
  if (r.task === r.meta) ctl.replace(started, 'array_split', now, { task, id: started.id });
  else {
    ctl.replace(r.meta, 'array_split', now, { task, id: started.id });
    ctl.replace(started, 'array_task', now, { task }, true);
  }
  return started.id;
}

/** Every record of array `arrayJobId` (meta first, then tasks by id descending, as scontrol lists them). */
export function arrayRecords(ctl: Controller, arrayJobId: number): Job[] {
  const out: Job[] = [];
  for (const j of ctl.jobs.values()) if (j.array?.jobId === arrayJobId) out.push(j);
  return out.sort((a, b) => (a.id === arrayJobId ? -1 : b.id === arrayJobId ? 1 : b.id - a.id));
}

/**
 * The live records a plain job id names: the whole array when it is an ArrayJobId, else the
 * one record.
 */
export function recordsNamed(ctl: Controller, id: number): Job[] {
  const job = ctl.jobs.get(id);
  if (job?.array?.jobId === id) return arrayRecords(ctl, id);
  return job === undefined ? [] : [job];
}

/** What `J_<tasks>` names: started task records, and the tasks still pending in the meta record. */
export function taskTargets(ctl: Controller, arrayJobId: number, tasks: IndexSet): { records: Job[]; meta: Job | null } {
  const records: Job[] = [];
  let meta: Job | null = null;
  for (const j of arrayRecords(ctl, arrayJobId)) {
    const a = j.array;
    if (a === null) continue;
    if (a.taskId !== null && setHas(tasks, a.taskId)) records.push(j);
    if (a.taskId === null && dropPendingTasks(j, tasks) !== null) meta = j;
  }
  return { records, meta };
}

/** scancel J_I of tasks that never started: they leave the meta record (no accounting row). */
export function cancelPendingTasks(ctl: Controller, meta: Job, tasks: IndexSet, uid: number, now: number): boolean {
  const r = dropPendingTasks(meta, tasks);
  if (r === null) return false;
  if (r.emptied) return ctl.apply(meta.id, { kind: 'cancel', at: now, uid }).ok;
  ctl.replace(r.job, 'array_cancel_tasks', now, { tasks, uid });
  return true;
}
