// Suspend and resume as Slurm 22.05 keeps them on the job record (golden d_suspend):
//   suspend: SecsPreSuspend grows by the run since the start or the last resume, SuspendTime
//            is now, priority 0 (an admin-suspended job is never resumed by the scheduler);
//   resume:  SuspendTime is now (the time of the resume), EndTime = now + limit -
//            SecsPreSuspend (time spent suspended does not count), a fresh priority.
// RunTime is then (end or now) - SuspendTime + SecsPreSuspend, SecsPreSuspend while
// suspended. A job that ends while suspended ends at its SuspendTime (Slurm's end_time =
// suspend_time), so its run time stays what it had run.
//
// Times are epoch ms; SecsPreSuspend is whole seconds taken between truncated seconds,
// the way Slurm's time_t arithmetic (and the CLI's job-view.ts) counts.

import type { Job } from './job.ts';
import { isFinished } from './job-state.ts';

export type SuspendError = 'pending' | 'already_done' | 'not_suspended';

export type SuspendResult = { ok: true; job: Job } | { ok: false; error: SuspendError };

const sec = (ms: number): number => Math.floor(ms / 1000);

function refusal(job: Job): SuspendError | null {
  if (job.state === 'PENDING') return 'pending';
  // A job whose end is under way (CANCELLED|COMPLETING, TIMEOUT|COMPLETING) is done for
  // suspend and resume alike.
  if (isFinished(job.state) || job.flags.includes('COMPLETING')) return 'already_done';
  return null;
}

/** `scontrol suspend`: RUNNING -> SUSPENDED; suspending a suspended job changes nothing. */
export function suspendJob(job: Job, at: number): SuspendResult {
  const no = refusal(job);
  if (no !== null) return { ok: false, error: no };
  if (job.state === 'SUSPENDED') return { ok: true, job: job.priority === 0 ? job : { ...job, priority: 0 } };
  const since = job.suspendTime ?? job.startTime ?? at;
  return {
    ok: true,
    job: {
      ...job,
      state: 'SUSPENDED',
      secsPreSuspend: job.secsPreSuspend + Math.max(0, sec(at) - sec(since)),
      suspendTime: at,
      priority: 0,
    },
  };
}

/** `scontrol resume`: SUSPENDED -> RUNNING with the end time pushed back. */
export function resumeJob(job: Job, at: number, priority: number): SuspendResult {
  const no = refusal(job);
  if (no !== null) return { ok: false, error: no };
  if (job.state !== 'SUSPENDED') return { ok: false, error: 'not_suspended' };
  const limit = job.req.timeLimit;
  return {
    ok: true,
    job: {
      ...job,
      state: 'RUNNING',
      suspendTime: at,
      endTime: limit === null ? job.endTime : at + (limit - job.secsPreSuspend) * 1000,
      priority,
    },
  };
}

/**
 * The end time of a run that ends at `at`: a suspended job ended when it was suspended.
 * (Slurm: end_time = suspend_time, so RunTime and sacct Elapsed are SecsPreSuspend.)
 */
export function endOfRun(job: Job, at: number): number {
  return job.state === 'SUSPENDED' && job.suspendTime !== null ? job.suspendTime : at;
}

/** EndTime after a time-limit change: from the start, shifted by any time spent suspended. */
export function endForLimit(job: Job, limit: number | null): number | null {
  if (limit === null || job.startTime === null) return null;
  const base = job.suspendTime !== null ? job.suspendTime - job.secsPreSuspend * 1000 : job.startTime;
  return base + limit * 1000;
}
