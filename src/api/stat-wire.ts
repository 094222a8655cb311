// sstat's data: what an agent measures of a running step, live, from its cgroup and /proc.
// Controller -> agent POST /v1/stat {jobId, attempt} answers { steps: StepStat[] }; the
// controller forwards the union over the job's nodes to sstat (POST /v1/sstat).

export interface StepStat {
  readonly step: 'batch' | number;
  readonly node: string;
  readonly ntasks: number;
  /** The cgroup's memory high-water mark so far, bytes (MaxRSS). */
  readonly maxRssBytes: number | null;
  /** Virtual memory of the step's processes now (sum of VmSize), bytes. */
  readonly vmBytes: number;
  /** Major page faults of the step's live processes. */
  readonly pages: number;
  /** CPU seconds used so far (user + system), all tasks. */
  readonly cpuSeconds: number;
  readonly pids: readonly number[];
}

export interface SstatRequest {
  readonly jobId: number;
  /** null = every step (sstat -a) or the srun steps (plain -j J); see `all`. */
  readonly step: 'batch' | 'extern' | number | null;
}

export type SstatResponse =
  | { readonly ok: true; readonly steps: readonly StepStat[] }
  /** `couldn't get steps` (no such job) or `No steps running` (not running). */
  | { readonly ok: false; readonly error: 'no_job' | 'not_running' };
