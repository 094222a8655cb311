// The rows sacct prints: per job, the allocation row then one row per step (`J.batch`,
// `J.0`...). Without `-D` only the job's current run is shown; with `-D` every earlier run
// (RunRecord: requeued, escalated) comes first as its own row group. `-X` drops steps.

import type { ExitStatus, Job, RunRecord, StepRecord } from '../../core/job.ts';
import type { JobState } from '../../core/job-state.ts';
import type { Reason } from '../../core/reason.ts';
import type { JobView } from './job-view.ts';
import { requestedCpus, secOf, suspendedSecs, timeUsedSecs } from './job-view.ts';

/** One run of a job as accounting recorded it (the live job or a RunRecord). */
export interface RunView {
  readonly current: boolean;
  readonly state: JobState | 'REQUEUED';
  readonly reason: Reason;
  readonly exitCode: ExitStatus;
  readonly derivedExitCode: ExitStatus;
  readonly submitTime: number;
  readonly eligibleTime: number | null;
  readonly startTime: number | null;
  readonly endTime: number | null;
  readonly nodeList: readonly string[];
  readonly allocCpus: number;
  readonly allocMemPerNode: number;
  readonly memPerNode: number | null;
  readonly memPerCpu: number | null;
  readonly timeLimit: number | null;
  readonly partition: string;
  readonly cancelledBy: number | null;
  readonly steps: readonly StepRecord[];
  /** Run time excluding suspensions, seconds. */
  readonly elapsed: number;
  readonly suspended: number;
}

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

function currentRun(job: Job, now: number): RunView {
  return {
    current: true,
    state: job.state,
    reason: job.reason,
    exitCode: job.exitCode,
    derivedExitCode: job.derivedExitCode,
    submitTime: job.submitTime,
    eligibleTime: job.eligibleTime,
    startTime: job.startTime,
    endTime: job.endTime,
    nodeList: job.nodeList,
    allocCpus: job.state === 'PENDING' ? 0 : job.allocCpus,
    allocMemPerNode: job.allocMem,
    memPerNode: job.req.memPerNode,
    memPerCpu: job.req.memPerCpu,
    timeLimit: job.req.timeLimit,
    partition: job.req.partition,
    cancelledBy: job.cancelledBy,
    steps: job.steps,
    elapsed: Math.max(0, timeUsedSecs(job, now)),
    suspended: suspendedSecs(job, now),
  };
}

function pastRun(job: Job, r: RunRecord): RunView {
  const elapsed = r.startTime !== null && r.endTime !== null ? Math.max(0, secOf(r.endTime) - secOf(r.startTime)) : 0;
  return {
    current: false,
    state: r.state,
    reason: r.reason,
    exitCode: r.exitCode,
    derivedExitCode: r.derivedExitCode,
    submitTime: r.submitTime,
    eligibleTime: r.eligibleTime,
    startTime: r.startTime,
    endTime: r.endTime,
    nodeList: r.nodeList,
    allocCpus: r.allocCpus,
    allocMemPerNode: job.allocMem,
    memPerNode: r.memPerNode,
    memPerCpu: r.memPerCpu,
    timeLimit: r.timeLimit,
    partition: r.partition,
    cancelledBy: r.cancelledBy,
    steps: r.steps,
    elapsed,
    suspended: 0,
  };
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
