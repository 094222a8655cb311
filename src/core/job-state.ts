// Slurm's job state vocabulary: base states, state flags, long and compact names, and the
// display rule (a flag, tested in Slurm's fixed order, wins over the base state).

export const JobState = {
  PENDING: 'PENDING',
  RUNNING: 'RUNNING',
  SUSPENDED: 'SUSPENDED',
  COMPLETED: 'COMPLETED',
  CANCELLED: 'CANCELLED',
  FAILED: 'FAILED',
  TIMEOUT: 'TIMEOUT',
  NODE_FAIL: 'NODE_FAIL',
  PREEMPTED: 'PREEMPTED',
  BOOT_FAIL: 'BOOT_FAIL',
  DEADLINE: 'DEADLINE',
  OUT_OF_MEMORY: 'OUT_OF_MEMORY',
} as const;
export type JobState = (typeof JobState)[keyof typeof JobState];

export const STATE_COMPACT: Readonly<Record<JobState, string>> = {
  PENDING: 'PD',
  RUNNING: 'R',
  SUSPENDED: 'S',
  COMPLETED: 'CD',
  CANCELLED: 'CA',
  FAILED: 'F',
  TIMEOUT: 'TO',
  NODE_FAIL: 'NF',
  PREEMPTED: 'PR',
  BOOT_FAIL: 'BF',
  DEADLINE: 'DL',
  OUT_OF_MEMORY: 'OOM',
};

/** State flags, in Slurm's display precedence order (first present wins). */
export const JobFlag = {
  COMPLETING: 'COMPLETING',
  STAGE_OUT: 'STAGE_OUT',
  CONFIGURING: 'CONFIGURING',
  RESIZING: 'RESIZING',
  REQUEUED: 'REQUEUED',
  REQUEUE_FED: 'REQUEUE_FED',
  REQUEUE_HOLD: 'REQUEUE_HOLD',
  SPECIAL_EXIT: 'SPECIAL_EXIT',
  STOPPED: 'STOPPED',
  REVOKED: 'REVOKED',
  RESV_DEL_HOLD: 'RESV_DEL_HOLD',
  SIGNALING: 'SIGNALING',
} as const;
export type JobFlag = (typeof JobFlag)[keyof typeof JobFlag];

export const FLAG_ORDER: readonly JobFlag[] = Object.values(JobFlag);

export const FLAG_COMPACT: Readonly<Record<JobFlag, string>> = {
  COMPLETING: 'CG',
  STAGE_OUT: 'SO',
  CONFIGURING: 'CF',
  RESIZING: 'RS',
  REQUEUED: 'RQ',
  REQUEUE_FED: 'RF',
  REQUEUE_HOLD: 'RH',
  SPECIAL_EXIT: 'SE',
  STOPPED: 'ST',
  REVOKED: 'RV',
  RESV_DEL_HOLD: 'RD',
  SIGNALING: 'SI',
};

const FINISHED: ReadonlySet<JobState> = new Set<JobState>([
  'COMPLETED', 'CANCELLED', 'FAILED', 'TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE', 'OUT_OF_MEMORY',
]);

/** IS_JOB_FINISHED: every base state after SUSPENDED. */
export function isFinished(state: JobState): boolean {
  return FINISHED.has(state);
}

/** Running or suspended: the job holds its allocation and has processes. */
export function isActiveState(state: JobState): boolean {
  return state === 'RUNNING' || state === 'SUSPENDED';
}

export const withoutFlag = (flags: readonly JobFlag[], f: JobFlag): JobFlag[] => flags.filter((x) => x !== f);
export const withFlag = (flags: readonly JobFlag[], f: JobFlag): JobFlag[] => (flags.includes(f) ? [...flags] : [...flags, f]);

function firstFlag(flags: readonly JobFlag[]): JobFlag | undefined {
  if (flags.length === 0) return undefined;
  return FLAG_ORDER.find((f) => flags.includes(f));
}

/** job_state_string: the one word squeue %T and scontrol JobState= print. */
export function stateLong(state: JobState, flags: readonly JobFlag[] = []): string {
  return firstFlag(flags) ?? state;
}

/** job_state_string_compact: squeue %t. */
export function stateCompact(state: JobState, flags: readonly JobFlag[] = []): string {
  const f = firstFlag(flags);
  return f ? FLAG_COMPACT[f] : STATE_COMPACT[state];
}

const BY_NAME = new Map<string, JobState | JobFlag>();
for (const s of Object.values(JobState)) {
  BY_NAME.set(s, s);
  BY_NAME.set(STATE_COMPACT[s], s);
}
for (const f of Object.values(JobFlag)) {
  BY_NAME.set(f, f);
  BY_NAME.set(FLAG_COMPACT[f], f);
}

/** job_state_num: long or compact name, case-insensitive; undefined when unknown. */
export function parseStateName(name: string): JobState | JobFlag | undefined {
  return BY_NAME.get(name.toUpperCase());
}

export function isJobState(x: string): x is JobState {
  return Object.hasOwn(JobState, x);
}
