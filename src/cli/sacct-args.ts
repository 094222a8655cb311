// sacct's command line turned into the accounting query and the output settings, with
// sacct 22.05's rules. Options are read in order and the first bad one ends it (bad times,
// states, users, units, job ids), as sacct's getopt loop does. Then the defaults:
//  - users: -a or `-u -1` = everyone; otherwise the -u list; with no -u, everyone when -j
//    was given or the caller is root, else the caller alone (a later -u undoes an -a);
//  - window (slurmdb_job_cond_def_start_end): with -s, -S defaults to now (to the epoch
//    with -j) and -E to -S; with neither -s nor -j, -S defaults to today 00:00; -E
//    defaults to now (this second included: see below); a start after the end is refused.
// Pure: the time, the caller's uid and the user lookup come in.

import { parseDateSpec } from '../core/date-spec.ts';
import { parseStateName } from '../core/job-state.ts';
import { formatTimestamp } from '../core/time-spec.ts';
import type { AcctQuery, AcctState } from '../api/acct-query.ts';
import { ACCT_STATES } from '../api/acct-query.ts';
import type { Parsed } from './opts.ts';

/** --units: K=1 ... P=5, as Slurm's unit indexes (UNIT_KILO...). */
export type SacctUnits = 1 | 2 | 3 | 4 | 5;

export interface SacctArgs {
  readonly query: AcctQuery;
  readonly units: SacctUnits | null;
}

export type SacctArgsResult =
  | { readonly ok: true; readonly args: SacctArgs }
  | { readonly ok: false; readonly stderr: readonly string[] };

export interface SacctEnv {
  /** Epoch seconds. */
  readonly now: number;
  readonly uid: number;
  readonly uidOf: (user: string) => number | undefined;
}

const items = (s: string): string[] => s.split(',').map((x) => x.trim()).filter((x) => x !== '');
const fail = (...stderr: string[]): SacctArgsResult => ({ ok: false, stderr });
const isAcctState = (s: string): s is AcctState => (ACCT_STATES as readonly string[]).includes(s);

/** Today 00:00 local time, epoch seconds. */
function midnight(nowSec: number): number {
  const d = new Date(nowSec * 1000);
  return Math.floor(new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime() / 1000);
}

export function sacctArgs(p: Parsed, e: SacctEnv): SacctArgsResult {
  let ids: number[] | null = null;
  let allUsers = false;
  let uids: number[] | null = null;
  let states: AcctState[] | null = null;
  let start = 0;
  let end = 0;
  let units: SacctUnits | null = null;
  const lists: Record<'account' | 'partition' | 'name', string[] | null> = { account: null, partition: null, name: null };
  for (const { key, value } of p.order) {
    switch (key) {
      case 'jobs':
        for (const item of items(value)) {
          const m = /^\d+/.exec(item);
          if (m === null) return fail(`sacct: fatal: Bad job/step specified: ${item}`);
          (ids ??= []).push(Number(m[0]));
        }
        break;
      case 'allusers':
        allUsers = true;
        break;
      case 'user':
        if (value === '-1') {
          allUsers = true;
          break;
        }
        allUsers = false;
        for (const u of items(value)) {
          const uid = e.uidOf(u);
          if (uid === undefined) return fail(`sacct: error: Invalid user id: ${u}`);
          (uids ??= []).push(uid);
        }
        break;
      case 'state':
        for (const s of items(value)) {
          const st = parseStateName(s);
          if (st === undefined) return fail(`sacct: fatal: unrecognized job state value '${s}'`);
          if (!isAcctState(st)) return fail(`sacct: fatal: job state ${s} is not supported / accounted`);
          if (!(states ??= []).includes(st)) states.push(st);
        }
        break;
      case 'start':
      case 'end': {
        const t = parseDateSpec(value, e.now, true);
        if (!t.ok) return fail(`Invalid time specification (pos=${t.pos}): ${value}`);
        if (key === 'start') start = t.epoch;
        else end = t.epoch;
        break;
      }
      case 'units': {
        const k = 'KMGTP'.indexOf((value[0] ?? '').toUpperCase());
        // Slurm prints the offending char with %c: a missing one ends the line early.
        if (value === '') return fail("sacct: error: Invalid unit type '", 'sacct: fatal: Invalid unit type');
        if (k < 0) return fail(`sacct: error: Invalid unit type '${value[0] ?? ''}'. Possible options are 'KMGTP'`, 'sacct: fatal: Invalid unit type');
        units = (k + 1) as SacctUnits;
        break;
      }
      case 'account':
      case 'partition':
      case 'name':
        lists[key] = [...(lists[key] ?? []), ...items(value)];
        break;
      default:
        break;
    }
  }

  if (states !== null) {
    if (start === 0 && ids === null) start = e.now;
    if (start !== 0 && end === 0) end = start;
  } else if (ids === null && start === 0) {
    start = midnight(e.now);
  }
  const endIsNow = end === 0;
  if (endIsNow) end = e.now;
  if (start > end) {
    const text = (s: number): string => formatTimestamp(s * 1000, '');
    return fail(`sacct: error: Start time (${text(start)}) requested is after end time (${text(end)}).`);
  }
  // Deliberate difference: Slurm's window ends before the current second, so a job that
  // is submitted and done within one second (common here, never in Slurm) would be missed
  // by an immediate `sacct -j`; a defaulted end includes the current second.
  if (endIsNow) end += 1;

  if (uids === null && ids !== null) allUsers = true;
  if (uids === null && e.uid === 0) allUsers = true;
  const users = allUsers ? null : (uids ?? [e.uid]);
  return {
    ok: true,
    args: {
      query: {
        ids, start, end, uids: users, accounts: lists.account, partitions: lists.partition, names: lists.name,
        states, duplicates: p.values.has('duplicates'),
      },
      units,
    },
  };
}
