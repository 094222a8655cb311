// The parsed ratchet.conf (slurm.conf syntax). Parsing lives in config.ts.

export interface NodeConfig {
  readonly name: string;
  readonly cpus: number;
  /** MiB. */
  readonly realMemory: number;
  readonly addr: string | null;
  readonly hostname: string | null;
  readonly port: number | null;
  readonly sockets: number;
  readonly coresPerSocket: number;
  readonly threadsPerCore: number;
  readonly weight: number;
}

export interface PartitionConfig {
  readonly name: string;
  /** Expanded node names; `ALL` is expanded to every configured node. */
  readonly nodes: readonly string[];
  readonly isDefault: boolean;
  /** Seconds; null = UNLIMITED / INFINITE. */
  readonly maxTime: number | null;
  /** Seconds; null = NONE (falls back to MaxTime). */
  readonly defaultTime: number | null;
  readonly state: 'UP' | 'DOWN' | 'DRAIN' | 'INACTIVE';
  readonly priorityTier: number;
}

export interface RatchetConfig {
  readonly clusterName: string;
  readonly controlHost: string;
  readonly controlPort: number;
  readonly agentPort: number;
  readonly authType: 'auth/munge' | 'auth/none';
  /** Path of munged's socket (AuthInfo=socket=...); null = munge's default. */
  readonly mungeSocket: string | null;
  readonly stateSaveLocation: string;
  readonly spoolDir: string;
  /** Seconds between SIGTERM and SIGKILL. */
  readonly killWait: number;
  /** Seconds a finished job stays in the live view (squeue -t all, scontrol). */
  readonly minJobAge: number;
  readonly slurmdTimeout: number;
  /** JobRequeue: whether a batch job may be requeued when --requeue/--no-requeue is not given. */
  readonly jobRequeue: boolean;
  /** SchedulerParameters=requeue_delay=N: seconds a requeued job waits (BeginTime); Slurm's 120 by default. */
  readonly requeueDelay: number;
  /** MiB per CPU when a job gives no --mem/--mem-per-cpu; null = the node's whole memory. */
  readonly defMemPerCpu: number | null;
  readonly defMemPerNode: number | null;
  /** Time limits in whole minutes (Slurm) or exact seconds. */
  readonly timeResolution: 'minutes' | 'seconds';
  readonly maxArraySize: number;
  /** FirstJobId: the id of the first job a new state directory hands out. */
  readonly firstJobId: number;
  /** DependencyParameters as written (scontrol show config); null = not set. */
  readonly dependencyParameters: string | null;
  /** DependencyParameters=kill_invalid_depend: cancel a job whose dependency can never be satisfied. */
  readonly killInvalidDepend: boolean;
  /** DependencyParameters=max_depend_depth=N: how deep a circular dependency is looked for. */
  readonly maxDependDepth: number;
  /** EscalationPolicyDir: where `sbatch --escalate=NAME` finds NAME.yaml; null = names are refused. */
  readonly escalationPolicyDir: string | null;
  readonly slurmUser: string;
  readonly adminUsers: readonly string[];
  /** PrivateData: what non-operators see of others (lower-cased; `jobs` hides their jobs). */
  readonly privateData: readonly string[];
  readonly nodes: readonly NodeConfig[];
  readonly partitions: readonly PartitionConfig[];
}

export interface ConfigWarning {
  readonly line: number;
  readonly message: string;
}
