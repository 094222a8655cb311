// The accounting query sacct sends (GET /v1/acct) and which job records it selects, as
// slurmdbd 22.05 selects them (as_mysql_jobacct_process.c). sacct settles the defaults
// (time window, users) before asking; the controller applies the selection and, with
// PrivateData=jobs, narrows the users further. Times in the query are epoch seconds and
// are compared with whole seconds, as Slurm's database does.
//
// Without -s: a job is listed when it was eligible before the end of the window and had
// not ended before its start; with -j instead when it was submitted before the end (held
// and never-eligible jobs included). With -s each state has its own test: PENDING = was
// eligible and still pending at some point after the start; RUNNING = ran at some point in
// the window; a finished state = ended in that state within the window (both ends
// included). SUSPENDED is approximated: suspended now and started before the end (Ratchet
// keeps no history of suspensions).

import type { Job } from '../core/job.ts';
import type { JobState } from '../core/job-state.ts';

/** States sacct -s accepts (_supported_state); the rest are "not supported / accounted". */
export const ACCT_STATES = [
  'PENDING', 'RUNNING', 'SUSPENDED', 'COMPLETED', 'CANCELLED', 'FAILED', 'TIMEOUT', 'NODE_FAIL', 'PREEMPTED',
  'BOOT_FAIL', 'DEADLINE', 'OUT_OF_MEMORY', 'REQUEUED', 'RESIZING', 'REVOKED',
] as const;
export type AcctState = (typeof ACCT_STATES)[number];

export interface AcctQuery {
  /** -j: job ids; null = any job. */
  readonly ids: readonly number[] | null;
  /** Window start and end, epoch seconds (sacct always settles both). */
  readonly start: number;
  readonly end: number;
  /** uids; null = every user. */
  readonly uids: readonly number[] | null;
  readonly accounts: readonly string[] | null;
  readonly partitions: readonly string[] | null;
  readonly names: readonly string[] | null;
  readonly states: readonly AcctState[] | null;
  /** -D: earlier runs of a job count as records of their own. */
  readonly duplicates: boolean;
}

const LISTS = ['ids', 'uids', 'accounts', 'partitions', 'names', 'states'] as const;

export function acctQueryParams(q: AcctQuery): string {
  const p = new URLSearchParams();
  p.set('start', String(q.start));
  p.set('end', String(q.end));
  for (const k of LISTS) {
    const v = q[k];
    if (v !== null) p.set(k, v.join(','));
  }
  if (q.duplicates) p.set('dup', '1');
  return p.toString();
}

const isAcctState = (s: string): s is AcctState => (ACCT_STATES as readonly string[]).includes(s);

/** Read a query back; null when a number or a state is not one. */
export function parseAcctQuery(p: URLSearchParams): AcctQuery | null {
  const start = Number(p.get('start') ?? 0);
  const end = Number(p.get('end') ?? Number.MAX_SAFE_INTEGER);
  if (!Number.isFinite(start) || !Number.isFinite(end)) return null;
  const strs = (k: string): string[] | null => {
    const v = p.get(k);
    return v === null ? null : v.split(',').filter((x) => x !== '');
  };
  const nums = (k: string): number[] | null | undefined => {
    const v = strs(k);
    if (v === null) return null;
    const n = v.map(Number);
    return n.every(Number.isInteger) ? n : undefined;
  };
  const ids = nums('ids');
  const uids = nums('uids');
  const states = strs('states');
  if (ids === undefined || uids === undefined || (states !== null && !states.every(isAcctState))) return null;
  return {
    ids, start, end, uids, accounts: strs('accounts'), partitions: strs('partitions'), names: strs('names'),
    states: states as AcctState[] | null, duplicates: p.get('dup') === '1',
  };
}

/** One accounting record: the job's current run or (with -D) an earlier one. */
interface Rec {
  readonly state: JobState | 'REQUEUED';
  readonly submit: number;
  readonly eligible: number;
  readonly start: number;
  readonly end: number;
}

const sec = (ms: number | null): number => (ms === null ? 0 : Math.floor(ms / 1000));

function stateMatches(r: Rec, s: AcctState, q: AcctQuery): boolean {
  switch (s) {
    case 'PENDING':
      return r.eligible !== 0 && q.end > r.eligible
        && ((r.start !== 0 && q.start < r.start) || (r.start === 0 && r.end !== 0 && q.start < r.end)
          || (r.start === 0 && r.end === 0 && r.state === 'PENDING'));
    case 'RUNNING':
      return r.start !== 0 && (q.start < r.end || (r.end === 0 && r.state === 'RUNNING')) && q.end > r.start;
    case 'SUSPENDED':
      return r.state === 'SUSPENDED' && r.start <= q.end;
    default:
      return r.state === s && r.end !== 0 && r.end >= q.start && r.end <= q.end;
  }
}

function recordMatches(r: Rec, q: AcctQuery): boolean {
  if (q.states !== null) return q.states.some((s) => stateMatches(r, s, q));
  if (q.ids !== null) return r.submit < q.end && (r.end >= q.start || r.end === 0);
  return r.eligible !== 0 && r.eligible < q.end && (r.end >= q.start || r.end === 0);
}

function records(job: Job, duplicates: boolean): Rec[] {
  const current: Rec = {
    state: job.state, submit: sec(job.submitTime), eligible: sec(job.eligibleTime), start: sec(job.startTime), end: sec(job.endTime),
  };
  if (!duplicates) return [current];
  return [...job.runs.map((r) => ({
    state: r.state, submit: sec(r.submitTime), eligible: sec(r.eligibleTime), start: sec(r.startTime), end: sec(r.endTime),
  })), current];
}

/** Whether sacct lists `job` for query `q`. */
export function acctMatches(job: Job, q: AcctQuery): boolean {
  // An array's id names each of its task records too.
  if (q.ids !== null && !q.ids.includes(job.id) && (job.array === null || !q.ids.includes(job.array.jobId))) return false;
  if (q.uids !== null && !q.uids.includes(job.user.uid)) return false;
  if (q.accounts !== null && !q.accounts.includes(job.req.account)) return false;
  if (q.partitions !== null && !q.partitions.includes(job.req.partition)) return false;
  if (q.names !== null && !q.names.includes(job.req.name)) return false;
  return records(job, q.duplicates).some((r) => recordMatches(r, q));
}
