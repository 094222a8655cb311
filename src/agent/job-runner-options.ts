// The options and states of a JobRunner (job-runner.ts), apart so that its callers and
// tests can name them without the runner's machinery.

import type { CgroupDriver } from './cgroup.ts';
import type { TerminateCause } from './launch.ts';
import type { LaunchRequest } from '../api/wire.ts';
import type { RunReport } from './run-report.ts';
import type { JobStepHooks } from './step-hooks.ts';

export type { TerminateCause };
/** 'batch' = the batch shell; 'all' = every process of the job; 'steps' = job steps only (Slurm's default for non-KILL signals). */
export type SignalScope = 'batch' | 'all' | 'steps';

export interface JobRunnerOptions {
  readonly launch: LaunchRequest;
  readonly node: string;
  /**
   * Name of the node's cgroup parent (default: the node name). Several agents on one machine
   * (test clusters, the peer) must not share `ratchet_<node>/job_<id>` directories.
   */
  readonly cgroupName?: string;
  readonly spoolDir: string;
  readonly cgroups: CgroupDriver;
  /** Multiplies every duration in seconds (time limit, KillWait); tests use e.g. 0.01. */
  readonly timeScale?: number;
  /** Overrides setpriv discovery (tests). */
  readonly setpriv?: string | null;
  /**
   * Who gets the SIGTERM at the time limit. Slurm 22.05 with proctrack/cgroup signals
   * only the batch shell (non-KILL signals reach only slurmstepd's direct children; golden
   * b_timeout: a TERM-trapping shell looping over `sleep 1` prints its trap message and no
   * bash "Terminated" line for a killed child), so 'batch' is the default.
   */
  readonly timeLimitScope?: SignalScope;
  /** The job's srun steps (step-runner.ts): signalled and ended with the job. */
  readonly steps?: JobStepHooks;
  onTimeLimit(at: number): void;
  onComplete(report: RunReport): void;
  log?(message: string): void;
}

export type RunnerPhase = 'starting' | 'running' | 'suspended' | 'terminating' | 'finishing' | 'done';
