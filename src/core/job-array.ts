// Job arrays on the job record (pure). The meta record (id = ArrayJobId) holds the tasks not
// yet started; starting one splits it off into its own record with a fresh job id, and the
// last task to start is the meta record itself (Slurm's job_array_split), so ids and
// JobIDRaw values come out as Slurm's do.

import type { Job, JobArray, JobId } from './job.ts';
import type { ArraySpec, IndexSet } from './array-spec.ts';
import { setFirst, setHas, setIntersect, setLast, setMinus, setSize, taskListText } from './array-spec.ts';

export function newArray(jobId: JobId, spec: ArraySpec): JobArray {
  return {
    jobId,
    taskId: null,
    pending: spec.tasks,
    throttle: spec.throttle,
    count: setSize(spec.tasks),
    min: setFirst(spec.tasks) ?? 0,
    max: setLast(spec.tasks) ?? 0,
    step: spec.step,
  };
}

/** A record still holding unstarted tasks of its array. */
export function isArrayMeta(job: Job): boolean {
  return job.array !== null && job.array.taskId === null;
}

/** Pending tasks a meta record still holds (empty for anything else). */
export function pendingTasks(job: Job): IndexSet {
  return job.array !== null && job.array.taskId === null ? job.array.pending : [];
}

/**
 * The record a started task gets: a copy of the meta record under `newId`. When `task` is
 * the meta record's only pending task, the meta record itself becomes the task.
 */
export function splitTask(meta: Job, task: number, newId: JobId): { meta: Job; task: Job } | null {
  const a = meta.array;
  if (a === null || a.taskId !== null || meta.state !== 'PENDING' || !setHas(a.pending, task)) return null;
  const rest = setMinus(a.pending, [[task, task]]);
  if (rest.length === 0) {
    const self: Job = { ...meta, array: { ...a, taskId: task, pending: [] } };
    return { meta: self, task: self };
  }
  return {
    meta: { ...meta, array: { ...a, pending: rest } },
    task: { ...meta, id: newId, array: { ...a, taskId: task, pending: [] } },
  };
}

/**
 * Remove `tasks` from a pending meta record (scancel J_I of tasks that never started).
 * Returns null when none of them is pending there; `emptied` when nothing would be left, in
 * which case the caller cancels the record itself (it keeps its task list for display).
 */
export function dropPendingTasks(meta: Job, tasks: IndexSet): { job: Job; emptied: boolean } | null {
  const a = meta.array;
  if (a === null || a.taskId !== null || meta.state !== 'PENDING') return null;
  const hit = setIntersect(a.pending, tasks);
  if (hit.length === 0) return null;
  const rest = setMinus(a.pending, hit);
  if (rest.length === 0) return { job: meta, emptied: true };
  return { job: { ...meta, array: { ...a, pending: rest } }, emptied: false };
}

/** The id as squeue %i and sacct JobID show it: `12`, `12_3`, `12_[4-9%2]`. */
export function jobIdText(job: Job): string {
  const a = job.array;
  if (a === null) return String(job.id);
  if (a.taskId !== null) return `${a.jobId}_${a.taskId}`;
  return `${a.jobId}_[${taskListText(a.pending, a.throttle)}]`;
}

/** ArrayTaskId as scontrol and squeue %K show it: `3`, `2-9%2`; null for ordinary jobs. */
export function arrayTaskText(job: Job): string | null {
  const a = job.array;
  if (a === null) return null;
  return a.taskId !== null ? String(a.taskId) : taskListText(a.pending, a.throttle);
}

/** The one-task view of a meta record (`squeue -r`, `squeue -j J_I`, `scontrol show job J_I`). */
export function asPendingTask(meta: Job, task: number): Job {
  const a = meta.array;
  if (a === null) return meta;
  return { ...meta, array: { ...a, taskId: task, pending: [] } };
}
