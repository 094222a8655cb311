// The accounting answer (GET /v1/acct): the store's rows for the query's window, the live
// job instead of its row where the job is still in memory (fresher than its last commit),
// then slurmdbd's selection (api/acct-query.ts). Under PrivateData=jobs a non-operator's
// query is narrowed to their own uid, whatever users it named (-a, -u other).

import type { Job } from '../core/job.ts';
import type { AcctQuery } from '../api/acct-query.ts';
import { acctMatches } from '../api/acct-query.ts';
import type { Controller } from './controller.ts';

export function accountingJobs(ctl: Controller, asked: AcctQuery, onlyUid: number | null): Job[] {
  const q: AcctQuery = onlyUid === null ? asked
    : { ...asked, uids: asked.uids === null ? [onlyUid] : asked.uids.filter((u) => u === onlyUid) };
  if (q.uids !== null && q.uids.length === 0) return [];
  // The SQL bounds are a superset of every record test: whatever ended did so after the
  // window opened, and whatever counts was submitted before it closed.
  const stored = ctl.store.accounting({ ids: q.ids, start: q.start * 1000, end: q.end * 1000 + 999, uids: q.uids });
  const out: Job[] = [];
  for (const row of stored) {
    const job = ctl.jobs.get(row.id) ?? row;
    if (acctMatches(job, q)) out.push(job);
  }
  return out;
}
