import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from './store.ts';
import { acctWhere } from './acct-sql.ts';
import { acctMatches } from '../api/acct-query.ts';
import type { AcctQuery } from '../api/acct-query.ts';
import { compactJobsBody, decodeJobs } from '../api/job-codec.ts';
import type { CompactJobs } from '../api/job-codec.ts';
import { makeJob } from '../cli/format/job-fixture.ts';
import type { JobOverrides } from '../cli/format/job-fixture.ts';

const T = (s: number): number => 1_000_000_000 + s;
const ms = (s: number | null): number | null => (s === null ? null : T(s) * 1000 + 123);

function job(id: number, sub: number, start: number | null, end: number | null, o: JobOverrides = {}): ReturnType<typeof makeJob> {
  const state = end !== null ? 'COMPLETED' : start !== null ? 'RUNNING' : 'PENDING';
  return makeJob({ id, state, submitTime: ms(sub) ?? 0, eligibleTime: ms(sub), startTime: ms(start), endTime: ms(end), ...o });
}

test('the SQL selection answers as acctMatches over many queries, from the accounting index', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ratchet-acct-'));
  const store = new Store(dir);
  try {
    const alice = { uid: 1000, gid: 1000, name: 'alice', group: 'alice' };
    const jobs = [
      job(1, 10, 20, 50), job(2, 10, 20, 100), job(3, 150, 160, null), job(4, 200, null, null), job(5, 50, null, null, { eligibleTime: null }),
      job(6, 150, null, null), job(7, 10, 120, 180, { user: alice, req: { account: 'phys', partition: 'big', name: 'sim' } }),
      job(8, 10, 20, 100, { state: 'FAILED' }), job(9, 10, 20, 200, { state: 'TIMEOUT' }), job(10, 10, 90, null),
      job(11, 10, 150, 150, { state: 'CANCELLED' }), job(12, 250, null, null), job(13, 10, 90, null, { state: 'SUSPENDED' }),
      job(14, 10, 100, 200, { state: 'OUT_OF_MEMORY' }),
    ];
    for (const j of jobs) store.write(j, 'test', 0);
    store.commitNow();
    const base: AcctQuery = {
      ids: null, start: T(100), end: T(200), uids: null, accounts: null, partitions: null, names: null, states: null, duplicates: false,
    };
    const queries: AcctQuery[] = [
      base, { ...base, ids: [1, 2, 5, 12] }, { ...base, ids: [1, 5], start: 0, end: T(300) }, { ...base, uids: [1000] },
      { ...base, accounts: ['phys'] }, { ...base, partitions: ['debug'] }, { ...base, names: ['sim', 'wrap'] },
      { ...base, states: ['RUNNING'] }, { ...base, states: ['PENDING'] }, { ...base, states: ['FAILED', 'TIMEOUT'] },
      { ...base, states: ['COMPLETED', 'OUT_OF_MEMORY'] }, { ...base, states: ['CANCELLED'], start: T(150), end: T(150) },
      { ...base, states: ['PENDING'], start: T(300), end: T(300) }, { ...base, states: ['SUSPENDED'] }, { ...base, uids: [] },
      { ...base, states: ['RUNNING'], ids: [3, 10] }, { ...base, start: T(0), end: T(1000) },
    ];
    for (const q of queries) {
      const sql = acctWhere(q);
      assert.ok(sql !== null);
      const got = decodeJobs(JSON.parse(compactJobsBody(0, store.acctRows(sql.where, sql.args))) as CompactJobs).map((j) => j.id);
      assert.deepEqual(got, jobs.filter((j) => acctMatches(j, q)).map((j) => j.id), JSON.stringify(q));
    }
    assert.equal(acctWhere({ ...base, duplicates: true }), null);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
