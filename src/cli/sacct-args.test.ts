import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOpts } from './opts.ts';
import type { Opt } from './opts.ts';
import { sacctArgs } from './sacct-args.ts';
import type { SacctArgs } from './sacct-args.ts';

process.env.TZ = 'UTC';

const OPTS: readonly Opt[] = [
  { key: 'jobs', short: 'j', arg: 'required' },
  { key: 'user', short: 'u', arg: 'required' },
  { key: 'allusers', short: 'a' },
  { key: 'account', short: 'A', arg: 'required' },
  { key: 'state', short: 's', arg: 'required' },
  { key: 'start', short: 'S', arg: 'required' },
  { key: 'end', short: 'E', arg: 'required' },
  { key: 'duplicates', short: 'D' },
  { key: 'units', long: ['units'], arg: 'required' },
  { key: 'partition', short: 'r', arg: 'required' },
  { key: 'name', long: ['name'], arg: 'required' },
];

const NOW = Date.UTC(2026, 10, 21, 7, 40, 13) / 1000;
const MIDNIGHT = Date.UTC(2026, 10, 21) / 1000;
const USERS: Record<string, number> = { root: 0, alice: 1000, bob: 1001, 1000: 1000 };

function args(argv: string[], uid = 1000): SacctArgs {
  const r = sacctArgs(parseOpts('sacct', argv, OPTS), { now: NOW, uid, uidOf: (u) => USERS[u] });
  assert.ok(r.ok, JSON.stringify(r));
  return r.args;
}
function refused(argv: string[]): readonly string[] {
  const r = sacctArgs(parseOpts('sacct', argv, OPTS), { now: NOW, uid: 1000, uidOf: (u) => USERS[u] });
  assert.ok(!r.ok);
  return r.stderr;
}
const win = (a: SacctArgs): [number, number] => [a.query.start, a.query.end];

test('time window defaults: today 00:00 to now; -j from the epoch; -s at the instant now (epoch with -j)', () => {
  // A defaulted end (now) includes the current second: NOW + 1, exclusive.
  assert.deepEqual(win(args([])), [MIDNIGHT, NOW + 1]);
  assert.deepEqual(win(args(['-j', '5'])), [0, NOW + 1]);
  assert.deepEqual(win(args(['-s', 'CD'])), [NOW, NOW]);
  assert.deepEqual(win(args(['-s', 'CD', '-j', '5'])), [0, NOW + 1]);
  assert.deepEqual(win(args(['-s', 'R', '-S', '05:00'])), [MIDNIGHT + 5 * 3600, MIDNIGHT + 5 * 3600], '-s: -E defaults to -S');
  assert.deepEqual(win(args(['-S', '2026-11-20'])), [MIDNIGHT - 86400, NOW + 1]);
  assert.deepEqual(win(args(['-E', '06:00'])), [MIDNIGHT, MIDNIGHT + 6 * 3600]);
  assert.deepEqual(win(args(['-S', 'now-1hours', '-E', 'now'])), [NOW - 3600, NOW]);
  assert.deepEqual(win(args(['-S', 'T'])), [MIDNIGHT, NOW + 1], 'a time that parses to 0 is "not set"');
  assert.deepEqual(refused(['-S', 'now+1hours']),
    ['sacct: error: Start time (2026-11-21T08:40:13) requested is after end time (2026-11-21T07:40:13).']);
});

test('bad times, states, users, units and job ids: sacct wording, first bad option wins', () => {
  assert.deepEqual(refused(['-S', '25:00']), ['Invalid time specification (pos=0): 25:00']);
  assert.deepEqual(refused(['-E', 'now-1d', '-S', 'x']), ['Invalid time specification (pos=4): now-1d']);
  assert.deepEqual(refused(['-S', '11/21', '-E', '11/20']),
    ['sacct: error: Start time (2026-11-21T00:00:00) requested is after end time (2026-11-20T00:00:00).']);
  assert.deepEqual(refused(['-s', 'XX']), ["sacct: fatal: unrecognized job state value 'XX'"]);
  assert.deepEqual(refused(['-s', 'R,CF']), ['sacct: fatal: job state CF is not supported / accounted']);
  assert.deepEqual(refused(['-u', 'nosuch']), ['sacct: error: Invalid user id: nosuch']);
  assert.deepEqual(refused(['--units=X']), ["sacct: error: Invalid unit type 'X'. Possible options are 'KMGTP'", 'sacct: fatal: Invalid unit type']);
  assert.deepEqual(refused(['--units=']), ["sacct: error: Invalid unit type '", 'sacct: fatal: Invalid unit type']);
  assert.deepEqual(refused(['-j', '5,abc']), ['sacct: fatal: Bad job/step specified: abc']);
});

test('users: the caller alone unless root, -a, -u -1 or -j; -u lists add up; a later -u undoes -a', () => {
  assert.deepEqual(args([]).query.uids, [1000]);
  assert.equal(args([], 0).query.uids, null);
  assert.equal(args(['-a']).query.uids, null);
  assert.equal(args(['-u', '-1']).query.uids, null);
  assert.equal(args(['-j', '7']).query.uids, null);
  assert.deepEqual(args(['-j', '7', '-u', 'bob']).query.uids, [1001]);
  assert.deepEqual(args(['-u', 'bob,root', '-u', '1000']).query.uids, [1001, 0, 1000]);
  assert.deepEqual(args(['-a', '-u', 'bob']).query.uids, [1001]);
  assert.equal(args(['-u', 'bob', '-a']).query.uids, null);
});

test('filters and units', () => {
  const a = args(['-A', 'x,y', '-A', 'z', '-r', 'debug', '--name', 'j1', '-s', 'cd,COMPLETED,to', '-D', '--units=g']);
  assert.deepEqual(a.query.accounts, ['x', 'y', 'z']);
  assert.deepEqual(a.query.partitions, ['debug']);
  assert.deepEqual(a.query.names, ['j1']);
  assert.deepEqual(a.query.states, ['COMPLETED', 'TIMEOUT']);
  assert.equal(a.query.duplicates, true);
  assert.equal(a.units, 3);
  assert.equal(args(['--units=kilo']).units, 1);
  assert.deepEqual(args(['-j', '12x,13.batch,14_2']).query.ids, [12, 13, 14]);
});
