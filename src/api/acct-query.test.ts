import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acctMatches, acctQueryParams, parseAcctQuery } from './acct-query.ts';
import type { AcctQuery } from './acct-query.ts';
import { makeJob } from '../cli/format/job-fixture.ts';
import type { JobOverrides } from '../cli/format/job-fixture.ts';

const T = (s: number): number => 1_000_000_000 + s;
const ms = (s: number): number => T(s) * 1000;
const Q = (o: Partial<AcctQuery> = {}): AcctQuery => ({
  ids: null, start: T(100), end: T(200), uids: null, accounts: null, partitions: null, names: null, states: null, duplicates: false, ...o,
});

/** A job submitted and eligible at `sub`, started at `start`, ended at `end` (seconds after T(0)). */
function job(id: number, sub: number, start: number | null, end: number | null, o: JobOverrides = {}): ReturnType<typeof makeJob> {
  const state = end !== null ? 'COMPLETED' : start !== null ? 'RUNNING' : 'PENDING';
  return makeJob({
    id, state, submitTime: ms(sub), eligibleTime: ms(sub), startTime: start === null ? null : ms(start), endTime: end === null ? null : ms(end), ...o,
  });
}

const ids = (jobs: ReturnType<typeof job>[], q: AcctQuery): number[] => jobs.filter((j) => acctMatches(j, q)).map((j) => j.id);

test('no -s: eligible before the end, not ended before the start; held (never eligible) jobs only with -j', () => {
  const jobs = [
    job(1, 10, 20, 50), // ended before the window
    job(2, 10, 20, 100), // ended at its start: included
    job(3, 150, 160, null), // running
    job(4, 200, null, null), // eligible at the end: excluded ([start, end))
    job(5, 50, null, null, { eligibleTime: null }), // held
    job(6, 150, null, null),
  ];
  assert.deepEqual(ids(jobs, Q()), [2, 3, 6]);
  assert.deepEqual(ids(jobs, Q({ ids: [1, 2, 5], start: 0, end: T(300) })), [1, 2, 5]);
  assert.deepEqual(ids(jobs, Q({ ids: [2, 5] })), [2, 5]);
});

test('-s: pending and running at some point of the window, finished states by end time, both ends included', () => {
  const jobs = [
    job(1, 10, 120, 180), // ran inside
    job(2, 10, 20, 100, { state: 'FAILED' }),
    job(3, 10, 20, 200, { state: 'TIMEOUT' }),
    job(4, 10, null, null), // pending throughout
    job(5, 10, 90, null), // started before the window, still running
    job(6, 10, 150, 150, { state: 'CANCELLED' }), // cancelled while pending (start = end)
    job(7, 250, null, null), // eligible after the window
  ];
  assert.deepEqual(ids(jobs, Q({ states: ['RUNNING'] })), [1, 3, 5, 6]);
  assert.deepEqual(ids(jobs, Q({ states: ['PENDING'] })), [1, 4, 6], '5 was running the whole window');
  assert.deepEqual(ids(jobs, Q({ states: ['FAILED', 'TIMEOUT'] })), [2, 3]);
  assert.deepEqual(ids(jobs, Q({ states: ['COMPLETED'] })), [1]);
  assert.deepEqual(ids(jobs, Q({ states: ['CANCELLED'], start: T(150), end: T(150) })), [6], '-s at an instant');
  assert.deepEqual(ids(jobs, Q({ states: ['PENDING'], start: T(300), end: T(300) })), [4, 7]);
});

test('users, accounts, partitions, names; -D lets an earlier run match', () => {
  const base = job(1, 10, 120, 180);
  const alice = job(2, 10, 120, 180, { user: { uid: 1000, gid: 1000, name: 'alice', group: 'alice' }, req: { account: 'phys', partition: 'big', name: 'sim' } });
  assert.deepEqual(ids([base, alice], Q({ uids: [1000] })), [2]);
  assert.deepEqual(ids([base, alice], Q({ accounts: ['phys'] })), [2]);
  assert.deepEqual(ids([base, alice], Q({ partitions: ['debug'] })), [1]);
  assert.deepEqual(ids([base, alice], Q({ names: ['sim', 'wrap'] })), [1, 2]);
  const requeued = job(3, 10, 300, null, {
    runs: [{ ...base.runs[0], ...{
      attempt: 0, state: 'NODE_FAIL', reason: 'None', exitCode: { code: 0, signal: 0 }, derivedExitCode: { code: 0, signal: 0 },
      startTime: ms(120), endTime: ms(150), submitTime: ms(10), eligibleTime: ms(10), nodeList: ['n1'], allocCpus: 1, memPerNode: null,
      memPerCpu: null, timeLimit: null, partition: 'debug', cancelledBy: null, steps: [], evidence: null,
    } }],
  });
  assert.deepEqual(ids([requeued], Q({ states: ['NODE_FAIL'] })), []);
  assert.deepEqual(ids([requeued], Q({ states: ['NODE_FAIL'], duplicates: true })), [3]);
});

test('the query survives the URL', () => {
  const q = Q({ ids: [5, 6], uids: [0], accounts: ['a'], partitions: ['p'], names: ['n'], states: ['PENDING', 'OUT_OF_MEMORY'], duplicates: true });
  assert.deepEqual(parseAcctQuery(new URLSearchParams(acctQueryParams(q))), q);
  assert.deepEqual(parseAcctQuery(new URLSearchParams(acctQueryParams(Q()))), Q());
  assert.equal(parseAcctQuery(new URLSearchParams('start=1&end=2&states=BOGUS')), null);
  assert.equal(parseAcctQuery(new URLSearchParams('start=x&end=2')), null);
  assert.equal(parseAcctQuery(new URLSearchParams('ids=1,a')), null);
});
