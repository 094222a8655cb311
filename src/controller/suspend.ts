// `scontrol suspend|resume` on the controller (golden d_suspend): operators only, RUNNING
// <-> SUSPENDED through the job machine (job-suspend.ts), every change committed to the
// store before the node is told to freeze or thaw. The allocation is kept while suspended:
// the node stays allocated to the job.
//
// Slurm 22.05's answers, per id: unknown id `Unexpected message received` (its reply to a
// suspend of a job it has no record of), non-operator `Access/permission denied`, pending
// `Job is pending execution`, finished or ending `Job/step already completing or
// completed`, resume of a job not suspended `Job is not suspended`. Suspending a suspended
// job succeeds and changes nothing.

import type { CancelResult, SuspendJobsRequest } from '../api/wire.ts';
import { SlurmError } from '../api/wire.ts';
import type { Job } from '../core/job.ts';
import type { JobEvent } from '../core/job-machine.ts';
import type { Controller } from './controller.ts';
import { TRANSITION_ERROR } from './controller.ts';

export async function suspendJobs(ctl: Controller, r: SuspendJobsRequest, operator: boolean): Promise<CancelResult[]> {
  const results: CancelResult[] = [];
  const done: Job[] = [];
  for (const id of r.ids) {
    const job = ctl.get(id);
    if (job === undefined) {
      results.push({ id, error: SlurmError.InvalidRequest });
      continue;
    }
    if (!operator) {
      results.push({ id, error: SlurmError.AccessDenied });
      continue;
    }
    const at = ctl.clock();
    // Slurm gives a resumed job a fresh priority (set_job_prio); only a resume that will
    // happen takes a number from the counter.
    const resumable = job.state === 'SUSPENDED' && !job.flags.includes('COMPLETING');
    const ev: JobEvent = r.op === 'suspend'
      ? { kind: 'suspend', at }
      : { kind: 'resume', at, priority: resumable ? ctl.nextPriority(job.req.nice) : 0 };
    const res = ctl.apply(id, ev);
    if (!res.ok) {
      results.push({ id, error: TRANSITION_ERROR[res.error] });
      continue;
    }
    results.push({ id, error: null });
    done.push(res.job);
  }
  await ctl.store.flush();
  // Repeating a suspend to the node is harmless and heals a message lost earlier.
  for (const job of done) ctl.agents.suspend(job, r.op);
  if (r.op === 'resume' && done.length > 0) ctl.sched.request();
  return results;
}
