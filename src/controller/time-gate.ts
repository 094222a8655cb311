// The time gates of a pending job, checked at every scheduler pass (the controller's 1 s
// tick requests one): the begin time (`--begin`, `scontrol update BeginTime=`, the delay
// after a requeue) and the deadline (`--deadline`).
//   begin:    EligibleTime in the future = not eligible, reason BeginTime; once it has come,
//             reason None and the scheduler considers the job;
//   deadline: a pending job whose time limit no longer fits before its deadline ends
//             DEADLINE (reason DeadLine), as Slurm's scheduler ends it; a running job that
//             reaches it is ended DEADLINE and killed (time-gate's deadlineSweep).

import type { Job } from '../core/job.ts';
import type { Reason } from '../core/reason.ts';
import type { Controller } from './controller.ts';

/** Reasons that say more than BeginTime would (held, dependency, partition limits). */
const OVERRIDES: ReadonlySet<Reason> = new Set<Reason>([
  'JobHeldUser', 'JobHeldAdmin', 'PartitionNodeLimit', 'PartitionConfig', 'PartitionTimeLimit',
  'Dependency', 'DependencyNeverSatisfied',
]);

/** The job after its time gates: possibly a new reason, or no longer pending (DEADLINE). */
export function timeGate(ctl: Controller, job: Job, now: number): Job {
  // PENDING|COMPLETING (a requeue whose run is still being killed): nothing to gate yet.
  if (job.state !== 'PENDING' || job.flags.includes('COMPLETING')) return job;
  const deadline = job.req.deadline;
  if (deadline !== undefined && now + (job.req.timeLimit ?? 0) * 1000 > deadline) {
    const r = ctl.apply(job.id, { kind: 'deadline', at: now });
    return r.ok ? r.job : job;
  }
  const waiting = job.eligibleTime !== null && job.eligibleTime > now;
  let reason: Reason | null = null;
  if (waiting && job.reason !== 'BeginTime' && !OVERRIDES.has(job.reason) && job.held === null) reason = 'BeginTime';
  else if (!waiting && job.reason === 'BeginTime') reason = 'None';
  if (reason === null) return job;
  const r = ctl.apply(job.id, { kind: 'pending_reason', at: now, reason });
  return r.ok ? r.job : job;
}

/** Running jobs that reached their deadline: DEADLINE, and the node ends them. */
export function deadlineSweep(ctl: Controller, now: number): void {
  for (const job of ctl.jobs.values()) {
    const d = job.req.deadline;
    if (d === undefined || d > now || (job.state !== 'RUNNING' && job.state !== 'SUSPENDED')) continue;
    const r = ctl.apply(job.id, { kind: 'deadline', at: now });
    if (r.ok) void ctl.store.flush().then(() => ctl.agents.terminate(r.before, 'timeout', 'all'));
  }
}

/** A new job with `--begin` (epoch seconds) in the future: eligible then, reason BeginTime now. */
export function withBegin(job: Job, beginSec: number | null, now: number): Job {
  if (beginSec === null || beginSec * 1000 <= now) return job;
  const reason = job.reason === 'None' ? 'BeginTime' : job.reason;
  // Slurm shows the begin time as EligibleTime even while the job is held or waits for a
  // dependency; it is kept in the request too, so neither can lose it.
  return { ...job, req: { ...job.req, begin: beginSec * 1000 }, eligibleTime: beginSec * 1000, reason };
}
