// Closed runs of a job (RunRecord: requeued, node failure, escalation). The node reports
// how a run ended only after the controller has moved on (a requeue does not wait for the
// kill); that late report cannot change the job, but its steps belong in the run's record
// (sacct -D shows the killed batch step of a requeued run).

import type { Job, RunEvidence, StepRecord } from './job.ts';

/** The job with the steps and evidence of closed run `attempt` filled in; the same job when there is nothing to fill. */
export function attachLateRun(job: Job, attempt: number, steps: readonly StepRecord[], evidence: RunEvidence): Job {
  const i = job.runs.findIndex((r) => r.attempt === attempt);
  const run = job.runs[i];
  if (run === undefined || run.evidence !== null || run.steps.length > 0) return job;
  // Steps keep their own end (Slurm: the batch step of a requeued run ends after the run).
  const runs = job.runs.map((r, k) => (k === i ? { ...r, steps: [...steps], evidence } : r));
  return { ...job, runs };
}
