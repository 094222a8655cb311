// Which jobs squeue lists and in what order. Filters are ANDed; the state filter defaults to
// the live states (pending, running, suspended, anything completing or staging out); `-j`
// narrows without widening it. Sorting follows `-S` (default `P,t,-p`): keys applied as in
// Slurm, comparing partition names, then the compact state *strings* (so `CD` < `F` < `PD`
// < `R`, as golden e_deps shows), then priority descending; ties keep job id order.

import type { JobFlag, JobState } from '../../core/job-state.ts';
import { JobFlag as JobFlags, parseStateName, stateCompact, stateLong } from '../../core/job-state.ts';
import type { JobView } from './job-view.ts';
import { endTimeMs, jobCpus, jobNodeCount, minMemory, shownPriority, timeUsedSecs } from './job-view.ts';

export const SQUEUE_DEFAULT_SORT = 'P,t,-p';

export interface SqueueSelectOptions {
  /** `-t`: long or compact names, case-insensitive, or ['all']; null = default filter. */
  readonly states?: readonly string[] | null;
  readonly jobIds?: readonly number[] | null;
  /** `-u` / `--me`: user names or numeric uids. */
  readonly users?: readonly string[] | null;
  readonly partitions?: readonly string[] | null;
  /** `-n`: job names, case-insensitive. */
  readonly names?: readonly string[] | null;
  readonly accounts?: readonly string[] | null;
  readonly qos?: readonly string[] | null;
  /** `-S`: sort keys, e.g. `P,t,-p`; null = the default. */
  readonly sort?: string | null;
}

export type SelectResult =
  | { readonly ok: true; readonly jobs: readonly JobView[] }
  | { readonly ok: false; readonly errors: readonly string[] };

const ALL_STATE_NAMES = [
  'PENDING', 'RUNNING', 'SUSPENDED', 'COMPLETED', 'CANCELLED', 'FAILED', 'TIMEOUT', 'NODE_FAIL', 'PREEMPTED',
  'BOOT_FAIL', 'DEADLINE', 'OUT_OF_MEMORY', 'COMPLETING', 'CONFIGURING', 'RESIZING', 'RESV_DEL_HOLD', 'REQUEUED',
  'REQUEUE_FED', 'REQUEUE_HOLD', 'REVOKED', 'SIGNALING', 'SPECIAL_EXIT', 'STAGE_OUT', 'STOPPED',
].join(',');

type StateFilter = 'default' | 'all' | readonly (JobState | JobFlag)[];

function parseStates(names: readonly string[] | null | undefined): { filter: StateFilter } | { errors: string[] } {
  if (names === null || names === undefined || names.length === 0) return { filter: 'default' };
  if (names.length === 1 && names[0]?.toLowerCase() === 'all') return { filter: 'all' };
  const out: (JobState | JobFlag)[] = [];
  for (const n of names) {
    const s = parseStateName(n);
    if (s === undefined) {
      return { errors: [`Invalid job state specified: ${n}`, `Valid job states include: ${ALL_STATE_NAMES}\n`] };
    }
    out.push(s);
  }
  return { filter: out };
}

const isFlag = (s: string): s is JobFlag => Object.hasOwn(JobFlags, s);

function stateMatches(job: JobView, filter: StateFilter): boolean {
  if (filter === 'all') return true;
  if (filter === 'default') {
    return job.state === 'PENDING' || job.state === 'RUNNING' || job.state === 'SUSPENDED'
      || job.flags.includes('COMPLETING') || job.flags.includes('STAGE_OUT');
  }
  // A base state matches only a job in exactly that state with no flag (Slurm compares the
  // whole state word), so `-t R` misses a RUNNING+CONFIGURING job; flags match by bit.
  return filter.some((s) => (isFlag(s) ? job.flags.includes(s) : job.state === s && job.flags.length === 0));
}

const inList = (list: readonly string[] | null | undefined, value: string, fold: boolean): boolean =>
  list === null || list === undefined || list.some((x) => (fold ? x.toLowerCase() === value.toLowerCase() : x === value));

function userMatches(users: readonly string[] | null | undefined, job: JobView): boolean {
  if (users === null || users === undefined) return true;
  return users.some((u) => u === job.user.name || (/^\d+$/.test(u) && Number(u) === job.user.uid));
}

function partitionMatches(parts: readonly string[] | null | undefined, job: JobView): boolean {
  if (parts === null || parts === undefined) return true;
  const mine = job.req.partition.split(',');
  return parts.some((p) => mine.includes(p));
}

type Cmp = (a: JobView, b: JobView) => number;
const order = <T>(x: T, y: T): number => (x < y ? -1 : x > y ? 1 : 0);
const num = (f: (j: JobView) => number): Cmp => (a, b) => order(f(a), f(b));
const str = (f: (j: JobView) => string): Cmp => (a, b) => order(f(a), f(b));

function sortKeys(now: number): Readonly<Record<string, Cmp | null>> {
  const start = (j: JobView): number => {
    if (j.startTime === null) return Number.POSITIVE_INFINITY;
    return j.state === 'PENDING' && j.startTime < now ? now : j.startTime;
  };
  return {
    B: str((j) => j.nodeList[0] ?? ''),
    C: num(jobCpus),
    D: num(jobNodeCount),
    e: num((j) => endTimeMs(j) ?? 0),
    g: str((j) => j.user.group),
    G: num((j) => j.user.gid),
    i: num((j) => j.id),
    j: str((j) => j.req.name),
    l: num((j) => j.req.timeLimit ?? Number.POSITIVE_INFINITY),
    L: num((j) => (j.req.timeLimit === null ? Number.POSITIVE_INFINITY : j.req.timeLimit - timeUsedSecs(j, now))),
    m: num((j) => minMemory(j).mib),
    M: num((j) => timeUsedSecs(j, now)),
    N: str((j) => j.nodeList[0] ?? ''),
    p: num(shownPriority),
    P: str((j) => j.req.partition),
    Q: num(shownPriority),
    S: num(start),
    t: str((j) => stateCompact(j.state, j.flags)),
    T: str((j) => stateLong(j.state, j.flags)),
    u: str((j) => j.user.name),
    U: num((j) => j.user.uid),
    V: num((j) => j.submitTime),
    // Accepted by Slurm but not sorted on.
    b: null, c: null, d: null, f: null, h: null, n: null, O: null, v: null, z: null,
  };
}

/** Parse `-S`: keys left to right, `-` reverses one, `+`/`,` separate; `cluster` is a no-op. */
export function parseSort(spec: string, now: number): Cmp[] | string {
  const keys = sortKeys(now);
  const out: Cmp[] = [];
  const s = spec.replace(/cluster/gi, ',');
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? '';
    if (c === ',' || c === '+' || c === '-') continue;
    const cmp = keys[c];
    if (cmp === undefined) return `Invalid sort specification: ${c}`;
    if (cmp === null) continue;
    out.push(s[i - 1] === '-' ? (a, b) => -cmp(a, b) : cmp);
  }
  return out;
}

/** Filter and order the jobs of a squeue call. */
export function selectJobs(jobs: readonly JobView[], opts: SqueueSelectOptions, now: number): SelectResult {
  const states = parseStates(opts.states);
  if ('errors' in states) return { ok: false, errors: states.errors };
  const sort = parseSort(opts.sort ?? SQUEUE_DEFAULT_SORT, now);
  if (typeof sort === 'string') return { ok: false, errors: [sort] };
  const filter = states.filter;
  const picked = jobs.filter((j) =>
    (opts.jobIds === null || opts.jobIds === undefined || opts.jobIds.includes(j.id))
    && stateMatches(j, filter)
    && userMatches(opts.users, j)
    && partitionMatches(opts.partitions, j)
    && inList(opts.names, j.req.name, true)
    && inList(opts.accounts, j.req.account, true)
    && inList(opts.qos, j.req.qos, true));
  picked.sort((a, b) => {
    for (const cmp of sort) {
      const d = cmp(a, b);
      if (d !== 0) return d;
    }
    return a.id - b.id || (a.array?.taskId ?? 0) - (b.array?.taskId ?? 0);
  });
  return { ok: true, jobs: picked };
}
