// slurmdbd's record selection (api/acct-query.ts) as an SQL WHERE over the store's columns,
// so sacct over 100k jobs is answered without parsing a single row. Mirrors acctMatches
// for the job's current record: times compared in whole seconds, an unset time as 0.
// With -D (earlier runs count) there is no SQL form: the caller filters in JS.

import type { AcctQuery, AcctState } from '../api/acct-query.ts';

const SUB = '(submit_time / 1000)';
const EL = '(coalesce(eligible_time, 0) / 1000)';
const ST = '(coalesce(start_time, 0) / 1000)';
const EN = '(coalesce(end_time, 0) / 1000)';

type Arg = number | string;

function stateTest(s: AcctState, q: AcctQuery, args: Arg[]): string {
  switch (s) {
    case 'PENDING':
      args.push(q.end, q.start, q.start);
      return `(${EL} != 0 AND ? > ${EL} AND ((${ST} != 0 AND ? < ${ST}) OR (${ST} = 0 AND ${EN} != 0 AND ? < ${EN})`
        + ` OR (${ST} = 0 AND ${EN} = 0 AND state = 'PENDING')))`;
    case 'RUNNING':
      args.push(q.start, q.end);
      return `(${ST} != 0 AND (? < ${EN} OR (${EN} = 0 AND state = 'RUNNING')) AND ? > ${ST})`;
    case 'SUSPENDED':
      args.push(q.end);
      return `(state = 'SUSPENDED' AND ${ST} <= ?)`;
    default:
      args.push(s, q.start, q.end);
      return `(state = ? AND ${EN} != 0 AND ${EN} >= ? AND ${EN} <= ?)`;
  }
}

const inList = (col: string, xs: readonly Arg[], args: Arg[]): string => {
  args.push(...xs);
  return `${col} IN (${xs.map(() => '?').join(',') || 'NULL'})`;
};

/** The WHERE clause and its arguments; null when the query needs the JS path (-D). */
export function acctWhere(q: AcctQuery): { where: string; args: Arg[] } | null {
  if (q.duplicates) return null;
  const args: Arg[] = [];
  const parts: string[] = [];
  // An array's id also names every task record split off it.
  if (q.ids !== null) parts.push(`(${inList('id', q.ids, args)} OR ${inList('array_job_id', q.ids, args)})`);
  if (q.uids !== null) parts.push(inList('uid', q.uids, args));
  if (q.names !== null) parts.push(inList('name', q.names, args));
  if (q.accounts !== null) parts.push(inList('account', q.accounts, args));
  if (q.partitions !== null) parts.push(inList('part', q.partitions, args));
  if (q.states !== null) {
    parts.push(`(${q.states.map((s) => stateTest(s, q, args)).join(' OR ') || '0'})`);
  } else if (q.ids !== null) {
    args.push(q.end, q.start);
    parts.push(`(${SUB} < ? AND (${EN} >= ? OR ${EN} = 0))`);
  } else {
    args.push(q.end, q.start);
    parts.push(`(${EL} != 0 AND ${EL} < ? AND (${EN} >= ? OR ${EN} = 0))`);
  }
  return { where: parts.join(' AND '), args };
}
