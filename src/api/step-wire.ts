// Wire types of srun job steps (HTTP/1.1 + JSON, like wire.ts):
//   srun  -> controller  POST /v1/steps          StepCreateRequest -> StepCreateResponse
//   srun  -> agent       POST /v1/step/launch    StepLaunchRequest -> NDJSON stream of StepMsg
//   srun  -> agent       POST /v1/step/signal    StepSignalRequest (Ctrl-C, forwarded signals)
//   agent -> controller  POST /v1/agent/step     StepReport (the step's accounting record)
// srun authenticates as its user to both; the agent runs a step only for the job's owner
// (or root) and only inside a job it runs.

import type { StepRecord } from '../core/job.ts';

export interface StepCreateRequest {
  jobId: number;
  /** -J, else the command's basename. */
  name: string;
  ntasks: number;
  cpusPerTask: number | null;
  nodes: number | null;
}

export interface StepNode {
  name: string;
  addr: string;
  port: number;
}

export interface StepCreateResponse {
  jobId: number;
  stepId: number;
  attempt: number;
  nodes: StepNode[];
  /** The job's SLURM_* environment (for a step of an allocation srun made itself). */
  jobEnv: Record<string, string>;
}

export interface StepLaunchRequest {
  jobId: number;
  attempt: number;
  stepId: number;
  name: string;
  argv: string[];
  /** The environment of every task, before the per-task SLURM_* variables. */
  env: Record<string, string>;
  cwd: string;
  /** Global ranks of the tasks this node runs. */
  tasks: number[];
  nodeIndex: number;
  /** `dev:ino` of srun's stderr: the job's stderr file when srun runs in the batch script. */
  stderrId: string | null;
  /**
   * srun's pid. srun inside a batch script shares the job's memory limit; Node's footprint
   * would make it the OOM killer's first choice over the task that overran (golden a_oom
   * a3), so the agent exempts it from the OOM killer once it checked the claim.
   */
  srunPid: number | null;
  /** -c, exported as SLURM_CPUS_PER_TASK. */
  cpusPerTask: number | null;
}

export interface StepSignalRequest {
  jobId: number;
  stepId: number;
  signal: number;
}

/** One line of the launch answer. Output is base64 (tasks may write anything). */
export type StepMsg =
  | { t: 'o' | 'e'; i: number; d: string }
  /** The job is ending under the step: print these lines, then srun's "Job step aborted". */
  | { t: 'abort'; lines: string[]; wait: number }
  | { t: 'end'; tasks: { task: number; code: number | null; signal: number | null }[]; oomKills: number; notice: string | null; record: StepRecord }
  | { t: 'error'; message: string };

export interface StepReport {
  node: string;
  jobId: number;
  attempt: number;
  step: StepRecord;
}
