// Wire types between the CLI, the controller and the agents (HTTP/1.1 + JSON).
// Every route lives under /v1. Errors are { error: SlurmError, detail?: string[] }.

import type { IndexSet } from '../core/array-spec.ts';
import type { ExitStatus, Job, JobId, RunEvidence, StepRecord, UserIdentity } from '../core/job.ts';

/** What sbatch sends. Unset options are null; the controller resolves defaults and validates. */
export interface SubmitRequest {
  script: string;
  scriptPath: string | null;
  argv: string[];
  /** Job name; sbatch fills the default (script basename, `sbatch` for stdin, `wrap`). */
  name: string;
  workDir: string;
  stdout: string | null;
  stderr: string | null;
  stdin: string | null;
  openMode: 'truncate' | 'append' | null;
  partition: string | null;
  /** Seconds exactly as given (the controller rounds to its time resolution); 'UNLIMITED' for 0/INFINITE. */
  time: number | 'UNLIMITED' | null;
  nodes: number | null;
  ntasks: number | null;
  cpusPerTask: number | null;
  /** MiB; --mem=0 is { perNode: 0 } (all of the node's memory). */
  mem: { perNode: number } | { perCpu: number } | null;
  env: Record<string, string>;
  hold: boolean;
  comment: string | null;
  account: string | null;
  qos: string | null;
  requeue: boolean | null;
  nice: number | null;
  submitHost: string;
  submitSid: number;
  /** --test-only: validate and report where it would start, queue nothing. */
  testOnly: boolean;
  /** --signal=[B:]SIG[@secs]. */
  signal: { signal: number; secs: number; batch: boolean } | null;
  /** --array=<spec>[%N], unparsed; null for an ordinary job. */
  array?: string | null;
  /** --dependency as given; the controller parses it (Slurm's errors come from there). */
  dependency?: string | null;
  /** --kill-on-invalid-dep=yes|no; absent = DependencyParameters decides. */
  killOnInvalidDep?: boolean | null;
  /** --escalate: a policy name (EscalationPolicyDir) or the text of a file sbatch read; --escalate-start. */
  escalate?: EscalateRequest | null;
  /** --begin / --deadline, epoch seconds. */
  begin?: number | null;
  deadline?: number | null;
  /** srun outside a job: an allocation with no batch script (the script field is ignored). */
  alloc?: boolean;
  /** -w/--nodelist: a hostlist expression of nodes the job must have. */
  nodelist?: string | null;
  /** --exclusive: the job's nodes are shared with no other job. */
  exclusive?: boolean;
}

export interface EscalateRequest {
  /** The name as given (a file's path, or a name in EscalationPolicyDir). */
  name: string;
  /** The YAML text when sbatch read a file; null = the controller looks the name up. */
  text: string | null;
  /** --escalate-start=LEVEL|MEM; null = the first rung. */
  start: string | null;
}

export interface SubmitResponse {
  jobId: JobId;
  /** --test-only answer: `Job N to start at T using C processors on nodes X in partition P`. */
  testOnly?: { startTime: number; cpus: number; nodes: string; partition: string };
}

export interface JobsQuery {
  /** Job ids (empty = all). */
  ids?: number[];
  /** Include finished jobs still in the live view (MinJobAge). */
  all?: boolean;
}

export interface JobsResponse {
  /** Controller clock, epoch ms, so RunTime and TIME are computed against one clock. */
  now: number;
  jobs: Job[];
}

export interface CancelRequest {
  ids: number[];
  /** Array tasks (`J_I`, `J_[1-5]`): started ones are cancelled, unstarted ones dropped. */
  tasks?: { id: number; tasks: IndexSet }[];
  /** Signal number to send without cancelling; null = cancel. */
  signal: number | null;
  /** -b: the batch shell only; -f/--full: batch shell, its children and steps. */
  batch: boolean;
  full: boolean;
  /** Filters (ANDed); applied to the live jobs when ids is empty. */
  user?: string | null;
  name?: string | null;
  states?: string[] | null;
  partition?: string | null;
}

export interface CancelResult {
  id: number;
  /** How the user named it when that was not a plain id (`12_3`). */
  text?: string;
  error: SlurmError | null;
}

export interface NodeInfo {
  name: string;
  cpus: number;
  realMemory: number;
  allocCpus: number;
  allocMem: number;
  state: 'IDLE' | 'MIXED' | 'ALLOCATED' | 'DOWN' | 'DRAIN' | 'DRAINING' | 'UNKNOWN';
  reason: string | null;
  /** When and by whom the reason was set (scontrol update ... Reason=). */
  reasonTime?: number | null;
  reasonUser?: { name: string; uid: number } | null;
  /** The agent stopped heartbeating (DOWN by timeout, not by an admin). */
  notResponding?: boolean;
  partitions: string[];
  addr: string | null;
  hostname: string | null;
  bootTime: number | null;
  agentStartTime: number | null;
  lastBusy: number | null;
  cpuLoad: number | null;
  freeMem: number | null;
  os: string | null;
  arch: string | null;
  version: string;
}

export interface PartitionInfo {
  name: string;
  nodes: string[];
  isDefault: boolean;
  /** Seconds; null = UNLIMITED. */
  maxTime: number | null;
  /** Seconds; null = NONE. */
  defaultTime: number | null;
  state: 'UP' | 'DOWN' | 'DRAIN' | 'INACTIVE';
  totalCpus: number;
  totalMem: number;
}

// ---- controller <-> agent -----------------------------------------------------------

export interface AgentRegister {
  node: string;
  addr: string;
  port: number;
  cpus: number;
  realMemory: number;
  bootTime: number;
  startTime: number;
  os: string;
  arch: string;
  /** One-minute load average and available memory (MiB), also sent with each heartbeat. */
  cpuLoad?: number;
  freeMem?: number | null;
  /** Jobs the agent still runs (after an agent or controller restart); suspended = frozen there. */
  running: { jobId: number; attempt: number; suspended?: boolean }[];
}

export interface LaunchRequest {
  job: Job;
  attempt: number;
  killWait: number;
  /** Environment additions computed by the controller (SLURM_*). */
  env: Record<string, string>;
  memLimitBytes: number | null;
  cpus: number;
  /** Resolved absolute paths (patterns expanded). */
  stdout: string;
  stderr: string;
  stdin: string;
  user: UserIdentity;
}

export interface SignalRequest {
  jobId: number;
  attempt: number;
  signal: number;
  /** 'batch' = the batch shell only; 'all' = every process in the job's cgroup; 'steps' = job steps only. */
  scope: 'batch' | 'all' | 'steps';
}

/** Controller tells the agent to freeze (suspend) or thaw (resume) every process of a job. */
export interface SuspendRequest {
  jobId: number;
  attempt: number;
  op: 'suspend' | 'resume';
}

/** CLI -> controller: `scontrol suspend|resume ids`; answered with CancelResult per id. */
export interface SuspendJobsRequest {
  ids: number[];
  op: 'suspend' | 'resume';
}

/** Controller tells the agent to end a job: banner, SIGTERM per scope, KillWait, SIGKILL. */
export interface TerminateRequest {
  jobId: number;
  attempt: number;
  /** The stderr banner reason: `CANCELLED AT <t>` or `... DUE TO TIME LIMIT`. */
  cause: 'cancel' | 'timeout' | 'node_fail' | 'requeue';
  scope: 'batch' | 'all';
}

export interface CompletionReport {
  node: string;
  jobId: number;
  attempt: number;
  evidence: RunEvidence;
  steps: StepRecord[];
}

/** Agent → controller, the moment the agent acts on the time limit (TERM sent). */
export interface TimeLimitReport {
  node: string;
  jobId: number;
  attempt: number;
  at: number;
}

export type { ExitStatus };

// ---- errors ---------------------------------------------------------------------------

/** Slurm's strerror texts, exactly as its clients print them. */
export const SlurmError = {
  InvalidJobId: 'Invalid job id specified',
  InvalidPartition: 'Invalid partition name specified',
  NodeConfigUnavailable: 'Requested node configuration is not available',
  PartitionConfigUnavailable: 'Requested partition configuration not available now',
  InvalidTimeLimit: 'Requested time limit is invalid (missing or exceeds some limit)',
  AlreadyDone: 'Job/step already completing or completed',
  JobFinished: 'Job has already finished',
  JobNotPending: 'Job is no longer pending execution',
  JobPending: 'Job is pending execution',
  JobNotRunning: 'Job is not running',
  JobNotSuspended: 'Job is not suspended',
  AccessDenied: 'Access/permission denied',
  DependencyProblem: 'Job dependency problem',
  CircularDependency: 'Circular job dependency',
  NotSupported: 'Requested operation not supported on this system',
  InvalidArray: 'Invalid job array specification',
  InvalidNodeName: 'Invalid node name specified',
  Disabled: 'Requested operation is presently disabled',
  /** ESLURM_TRANSITION_STATE_NO_UPDATE (2020): scancel's exit status is 2020 & 0xff = 228. */
  TransitionNoUpdate: 'Job can not be altered now, try again later',
  InvalidGres: 'Invalid generic resource (gres) specification',
  ProtocolError: 'Protocol authentication error',
  InvalidRequest: 'Unexpected message received',
  Unknown: 'Unspecified error',
} as const;
export type SlurmError = (typeof SlurmError)[keyof typeof SlurmError];

export interface ErrorBody {
  error: SlurmError;
  /** Lines the client prints first as `<cmd>: error: <line>`. */
  detail?: string[];
}
