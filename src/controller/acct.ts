// The accounting answer (GET /v1/acct). Under PrivateData=jobs a non-operator's query is
// first narrowed to their own uid, whatever users it named (-a, -u other). Then either
//  - streamed (the CLI's `fmt=l`): the selection runs in SQL (acct-sql.ts) over the store,
//    flushed first so every row is as fresh as the live job, and the stored compact texts
//    are sent as SQLite reads them; or
//  - objects (or -D, which has no SQL form): the store's rows for the window, the live job
//    instead of its row where the job is in memory, then slurmdbd's selection
//    (api/acct-query.ts) in JS.

import type { Job } from '../core/job.ts';
import type { AcctQuery } from '../api/acct-query.ts';
import { acctMatches } from '../api/acct-query.ts';
import { cachedJobTexts, compactJobLines } from '../api/job-codec.ts';
import { RawStream } from '../lib/http.ts';
import type { Controller } from './controller.ts';
import { acctWhere } from './acct-sql.ts';

function narrow(asked: AcctQuery, onlyUid: number | null): AcctQuery {
  if (onlyUid === null) return asked;
  return { ...asked, uids: asked.uids === null ? [onlyUid] : asked.uids.filter((u) => u === onlyUid) };
}

export function accountingJobs(ctl: Controller, asked: AcctQuery, onlyUid: number | null): Job[] {
  const q = narrow(asked, onlyUid);
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

/** The streamed form (fmt=l): rows sent as SQLite reads them, the reader told whether to reorder. */
export async function accountingLines(ctl: Controller, asked: AcctQuery, onlyUid: number | null): Promise<RawStream> {
  const sql = acctWhere(narrow(asked, onlyUid));
  if (sql === null) {
    const jobs = accountingJobs(ctl, asked, onlyUid);
    return new RawStream(compactJobLines(ctl.clock(), jobs.some((j) => j.array !== null), jobs.map(cachedJobTexts)));
  }
  await ctl.store.flush();
  const arrays = ctl.store.acctHasArrays(sql.where, sql.args);
  return new RawStream(compactJobLines(ctl.clock(), arrays, ctl.store.acctRows(sql.where, sql.args)));
}
