// Which jobs squeue lists and in what order. Filters are ANDed; the state filter defaults to
// the live states (pending, running, suspended, anything completing or staging out); `-j`
// narrows without widening it. Sorting follows `-S` (default `P,t,-p`): keys applied as in
// Slurm, comparing partition names, then the compact state *strings* (so `CD` < `F` < `PD`
// < `R`, as golden e_deps shows), then priority descending; ties as sortJobs says.

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
  | { readonly ok: true; readonly jobs: readonly JobView[]; readonly notices: readonly string[] }
  /** `options` errors come before any output; a `sort` error after the header, as squeue sorts after printing it. */
  | { readonly ok: false; readonly phase: 'options' | 'sort'; readonly errors: readonly string[] };

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

/** The start time squeue sorts on: an expected start already past counts as now. */
function startOf(j: JobView, now: number): number {
  const t = j.startTime ?? 0;
  // Slurm's times are whole seconds: jobs started in the same second tie.
  return Math.floor((j.state === 'PENDING' && t < now ? now : t) / 1000);
}

/** `S` is not a comparator: see startPass. */
const START = 'start';

function sortKeys(now: number): Readonly<Record<string, Cmp | null | typeof START>> {
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
    S: START,
    t: str((j) => stateCompact(j.state, j.flags)),
    T: str((j) => stateLong(j.state, j.flags)),
    u: str((j) => j.user.name),
    U: num((j) => j.user.uid),
    V: num((j) => j.submitTime),
    // Accepted by Slurm but not sorted on, or sorted on values every Ratchet job shares
    // (tmp disk, sockets/cores/threads, reservation, S:C:T).
    c: null, d: null, f: null, h: null, H: null, I: null, J: null, n: null, O: null, v: null, z: null,
  };
}

/** One sort pass: a comparator, or squeue's start-time pass, either way maybe reversed. */
export type SortPass = { readonly kind: 'cmp'; readonly cmp: Cmp } | { readonly kind: 'start'; readonly reverse: boolean };

export interface ParsedSort {
  /** Passes, most significant key first. */
  readonly passes: readonly SortPass[];
  /** Informational messages squeue prints (`Invalid sort specification: b`) and goes on. */
  readonly notices: readonly string[];
}

const CLUSTER = 'cluster';

/**
 * Parse `-S` as squeue does: right to left, so the last bad key is the one reported; `-`
 * before a key reverses it, `+` and `,` separate; `cluster` (any case) is a key of its
 * own that orders nothing on one cluster; `b` (gres) is refused with a notice only.
 */
export function parseSort(spec: string, now: number): ParsedSort | string {
  const table = sortKeys(now);
  const passes: SortPass[] = [];
  const notices: string[] = [];
  for (let i = spec.length - 1; i >= 0; i--) {
    const c = spec[i] ?? '';
    if (c === ',' || c === '+' || c === '-') continue;
    if (i + 1 >= CLUSTER.length && spec.slice(i + 1 - CLUSTER.length, i + 1).toLowerCase() === CLUSTER) {
      i -= CLUSTER.length - 1;
      continue;
    }
    if (c === 'b') {
      notices.push('Invalid sort specification: b');
      continue;
    }
    const key = table[c];
    if (key === undefined) return `Invalid sort specification: ${c}`;
    if (key === null) continue;
    const reverse = i > 0 && spec[i - 1] === '-';
    if (key === START) passes.unshift({ kind: 'start', reverse });
    else passes.unshift({ kind: 'cmp', cmp: reverse ? (a, b) => -key(a, b) : key });
  }
  return { passes, notices };
}

/**
 * squeue's start-time pass. Its comparator calls a job that has no start time greater than
 * anything, the other job included, so glibc's merge sort puts jobs with a start time
 * first (ascending, or descending when reversed) and the jobs without one after them in
 * the reverse of their order so far. The peer shows both: `--start` lists never-started
 * jobs by ascending id, `-S b` (no sort key at all) by descending id.
 */
function startPass(jobs: readonly JobView[], reverse: boolean, now: number): JobView[] {
  const timed = jobs.filter((j) => j.startTime !== null);
  const untimed = jobs.filter((j) => j.startTime === null).reverse();
  if (!reverse) timed.sort((a, b) => startOf(a, now) - startOf(b, now));
  else {
    // Reversed, jobs that started in the same second come out in the reverse of their
    // order so far (golden f_arrays: two tasks started together list as J_1, J_0).
    const rank = new Map(timed.map((j, k) => [j, k]));
    timed.sort((a, b) => startOf(b, now) - startOf(a, now) || (rank.get(b) ?? 0) - (rank.get(a) ?? 0));
  }
  return timed.concat(untimed);
}

/**
 * The controller's list order: creation order, which is id order, except that an array's
 * record of unstarted tasks is re-created at each split, so it comes after its newest task.
 */
function listOrder(jobs: readonly JobView[]): JobView[] {
  const newest = new Map<number, number>();
  for (const j of jobs) if (j.array !== null && j.id !== j.array.jobId) newest.set(j.array.jobId, Math.max(newest.get(j.array.jobId) ?? 0, j.id));
  const pos = (j: JobView): number => (j.array !== null && j.id === j.array.jobId ? Math.max(j.id, (newest.get(j.id) ?? 0) + 0.5) : j.id);
  return [...jobs].sort((a, b) => pos(a) - pos(b));
}

/**
 * Order as squeue does: the jobs as the controller lists them (listOrder), then a reversed
 * start-time pass, then one stable pass per key from the last key to the first. Without
 * an `S` key that is one sort by the keys in order, ties keeping the first pass's order.
 */
function sortJobs(jobs: readonly JobView[], passes: readonly SortPass[], now: number): JobView[] {
  let list = startPass(listOrder(jobs), true, now);
  if (passes.every((p) => p.kind === 'cmp')) {
    const rank = new Map(list.map((j, k) => [j, k]));
    const cmps = passes.map((p) => p.cmp);
    return list.sort((a, b) => {
      for (const cmp of cmps) {
        const d = cmp(a, b);
        if (d !== 0) return d;
      }
      return (rank.get(a) ?? 0) - (rank.get(b) ?? 0);
    });
  }
  for (const p of [...passes].reverse()) list = p.kind === 'start' ? startPass(list, p.reverse, now) : list.sort(p.cmp);
  return list;
}

/** Filter and order the jobs of a squeue call. */
export function selectJobs(jobs: readonly JobView[], opts: SqueueSelectOptions, now: number): SelectResult {
  const states = parseStates(opts.states);
  if ('errors' in states) return { ok: false, phase: 'options', errors: states.errors };
  const sort = parseSort(opts.sort ?? SQUEUE_DEFAULT_SORT, now);
  if (typeof sort === 'string') return { ok: false, phase: 'sort', errors: [sort] };
  const filter = states.filter;
  const ids = opts.jobIds === null || opts.jobIds === undefined ? null : new Set(opts.jobIds);
  const picked = jobs.filter((j) =>
    (ids === null || ids.has(j.id) || (j.array !== null && ids.has(j.array.jobId)))
    && stateMatches(j, filter)
    && userMatches(opts.users, j)
    && partitionMatches(opts.partitions, j)
    && inList(opts.names, j.req.name, true)
    && inList(opts.accounts, j.req.account, true)
    && inList(opts.qos, j.req.qos, true));
  return { ok: true, jobs: sortJobs(picked, sort.passes, now), notices: sort.notices };
}
