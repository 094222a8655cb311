// `scontrol requeue|requeuehold` and the requeue of jobs whose node failed. The run so far
// becomes a run record (REQUEUED, or NODE_FAIL for a node failure), the job pends again
// after Slurm's requeue delay (EligibleTime, reason BeginTime), and the node ends what is
// left of the old run. Stale reports of that run are refused by attempt; a late completion
// only fills in the steps of its run record (sacct -D shows `J.batch CANCELLED 0:15`).
//
// Slurm 22.05's answers, per id (checked against the peer): unknown `Invalid job id
// specified`, neither owner nor operator `Access/permission denied`, `--no-requeue`
// `Requested operation is presently disabled`, pending `Job is pending execution`. A
// finished job still in the live view (MinJobAge) can be requeued.

import type { CancelResult, CompletionReport } from '../api/wire.ts';
import { SlurmError } from '../api/wire.ts';
import type { Job, UserIdentity } from '../core/job.ts';
import type { JobState } from '../core/job-state.ts';
import { attachLateRun } from '../core/job-runs.ts';
import type { Controller } from './controller.ts';
import { TRANSITION_ERROR } from './controller.ts';
import { isOperator } from './auth.ts';

export interface RequeueOptions {
  readonly hold: boolean;
  readonly specialExit: boolean;
}

/** Slurm's begin time after a requeue: now + requeue_delay + 1 s (none when the delay is 0). */
export function requeueDelayMs(ctl: Controller): number {
  return ctl.cfg.requeueDelay > 0 ? (ctl.cfg.requeueDelay + 1) * 1000 : 0;
}

/** Requeue one job; null or Slurm's refusal. Commits, then tells the node to end the old run. */
export function requeueOne(ctl: Controller, job: Job, o: RequeueOptions, runState: JobState | 'REQUEUED' = 'REQUEUED'): SlurmError | null {
  if (!job.req.requeue) return SlurmError.Disabled;
  const at = ctl.clock();
  const r = ctl.apply(job.id, { kind: 'requeue', at, hold: o.hold, delayMs: requeueDelayMs(ctl), specialExit: o.specialExit, runState });
  if (!r.ok) return TRANSITION_ERROR[r.error];
  const b = r.before;
  if (b.state === 'RUNNING' || b.state === 'SUSPENDED' || b.flags.includes('COMPLETING')) {
    // Sent after the flush by the caller's await; a terminate for an attempt the node no
    // longer runs is ignored there.
    void ctl.store.flush().then(() => ctl.agents.terminate(b, 'requeue', 'all'));
  }
  return null;
}

export async function requeueJobs(ctl: Controller, ids: readonly number[], who: UserIdentity, o: RequeueOptions): Promise<CancelResult[]> {
  const results: CancelResult[] = [];
  for (const id of ids) {
    const job = ctl.get(id);
    if (job === undefined) results.push({ id, error: SlurmError.InvalidJobId });
    else if (job.user.uid !== who.uid && !isOperator(ctl.cfg, who)) results.push({ id, error: SlurmError.AccessDenied });
    else results.push({ id, error: requeueOne(ctl, job, o) });
  }
  await ctl.store.flush();
  ctl.sched.request();
  return results;
}

/** A completion refused as stale: if it belongs to a closed run, keep its steps there. */
export function lateCompletion(ctl: Controller, rep: CompletionReport): void {
  const job = ctl.get(rep.jobId);
  if (job === undefined) return;
  const next = attachLateRun(job, rep.attempt, rep.steps, rep.evidence);
  if (next !== job) ctl.replace(next, 'late_complete', ctl.clock(), { attempt: rep.attempt });
}
