// The rows sacct prints: per job, the allocation row then one row per step (`J.batch`,
// `J.0`...). Without `-D` only the job's current run is shown; with `-D` every earlier run
// (RunRecord: requeued, escalated) comes first as its own row group. `-X` drops steps.

import type { Job, RunRecord, StepRecord } from '../../core/job.ts';
import { EXIT_OK } from '../../core/job.ts';
import { runRecord } from '../../core/job-runs.ts';
import type { JobView } from './job-view.ts';
import { requestedCpus, secOf, suspendedSecs, timeUsedSecs } from './job-view.ts';

/** One run of a job as accounting recorded it (the live job or a RunRecord). */
export type RunView = Omit<RunRecord, 'attempt' | 'evidence'> & {
  readonly current: boolean;
  readonly allocMemPerNode: number;
  /** Run time excluding suspensions, seconds. */
  readonly elapsed: number;
  readonly suspended: number;
};

export interface SacctRow {
  readonly job: JobView;
  readonly run: RunView;
  /** null for the job (allocation) row. */
  readonly step: StepRecord | null;
  readonly now: number;
}

export interface SacctRowOptions {
  /** `-X/--allocations`: job rows only. */
  readonly allocations?: boolean;
  /** `-D/--duplicates`: every run, not just the current one. */
  readonly duplicates?: boolean;
}

/**
 * The batch step of a run still in progress: the node reports steps when the run ends, but
 * Slurm's accounting has the batch step from its start (golden d_suspend: `J.batch` RUNNING,
 * SUSPENDED), so a live run shows one until the real record arrives.
 */
function liveSteps(job: Job): readonly StepRecord[] {
  const live = (job.state === 'RUNNING' || job.state === 'SUSPENDED') && !job.flags.includes('COMPLETING');
  // srun's own allocation has no batch step.
  if (!live || job.startTime === null || job.req.alloc === true || job.steps.some((s) => s.id === 'batch')) return job.steps;
  const batch: StepRecord = {
    id: 'batch', name: 'batch', state: job.state, exitCode: EXIT_OK, start: job.startTime, end: null, maxRssBytes: null,
    cpus: Math.ceil(job.allocCpus / Math.max(1, job.nodeList.length)), nodeList: job.nodeList.slice(0, 1), userCpu: 0, systemCpu: 0,
  };
  return [batch, ...job.steps];
}

/** The live job's current run, closed the way the job machine closes a run. */
function currentRun(job: Job, now: number): RunView {
  return {
    ...pastRun(job, runRecord(job, job.state)),
    steps: liveSteps(job),
    current: true,
    allocCpus: job.state === 'PENDING' ? 0 : job.allocCpus,
    elapsed: Math.max(0, timeUsedSecs(job, now)),
    suspended: suspendedSecs(job, now),
  };
}

function pastRun(job: Job, r: RunRecord): RunView {
  const elapsed = r.startTime !== null && r.endTime !== null ? Math.max(0, secOf(r.endTime) - secOf(r.startTime)) : 0;
  return { ...r, current: false, allocMemPerNode: job.allocMem, elapsed, suspended: 0 };
}

const STEP_ORDER = (s: StepRecord): number => (s.id === 'batch' ? -2 : s.id === 'extern' ? -1 : s.id);

/** Rows for `jobs`, in the order given; each run's steps as batch, extern, then by number. */
export function buildSacctRows(jobs: readonly JobView[], opts: SacctRowOptions, now: number): SacctRow[] {
  const rows: SacctRow[] = [];
  for (const job of jobs) {
    const runs = opts.duplicates === true ? [...job.runs.map((r) => pastRun(job, r)), currentRun(job, now)] : [currentRun(job, now)];
    for (const run of runs) {
      rows.push({ job, run, step: null, now });
      if (opts.allocations === true) continue;
      const steps = [...run.steps].sort((a, b) => STEP_ORDER(a) - STEP_ORDER(b));
      for (const step of steps) rows.push({ job, run, step, now });
    }
  }
  return rows;
}

/** CPUs of a run's allocation row: the allocation once it had one, else the request. */
export function runCpus(row: SacctRow): number {
  return row.run.allocCpus > 0 ? row.run.allocCpus : requestedCpus(row.job);
}

/** Whether the run ever got nodes (sacct prints Start=None and `None assigned` if not). */
export function runStarted(run: RunView): boolean {
  return run.nodeList.length > 0;
}
