import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOpts } from './opts.ts';
import type { Opt } from './opts.ts';
import { SQUEUE_START_FORMAT, SQUEUE_USAGE, squeueArgs } from './squeue-args.ts';
import type { SqueueArgs, SqueueEnv } from './squeue-args.ts';
import { SQUEUE_DEFAULT_FORMAT, SQUEUE_LONG_FORMAT } from './format/squeue-format.ts';

const OPTS: readonly Opt[] = [
  { key: 'jobs', long: ['jobs'], short: 'j', arg: 'optional' },
  { key: 'states', short: 't', arg: 'required' },
  { key: 'user', long: ['user'], short: 'u', arg: 'required' },
  { key: 'me', long: ['me'] },
  { key: 'partition', short: 'p', arg: 'required' },
  { key: 'name', short: 'n', arg: 'required' },
  { key: 'noheader', short: 'h' },
  { key: 'long', short: 'l' },
  { key: 'format', short: 'o', arg: 'required' },
  { key: 'Format', short: 'O', arg: 'required' },
  { key: 'sort', short: 'S', arg: 'required' },
  { key: 'start', long: ['start'] },
];

const USERS: Record<string, number> = { root: 0, alice: 1000, 0: 0, 1000: 1000 };
const ENV = (env: Record<string, string> = {}): SqueueEnv => ({ env, euid: 1000, uidOf: (u) => USERS[u] });

function args(argv: string[], env: Record<string, string> = {}): SqueueArgs {
  const r = squeueArgs(parseOpts('squeue', argv, OPTS), ENV(env));
  assert.ok(r.ok, JSON.stringify(r));
  return r.args;
}

function refused(argv: string[], env: Record<string, string> = {}): { stderr: readonly string[]; stdout: string } {
  const r = squeueArgs(parseOpts('squeue', argv, OPTS), ENV(env));
  assert.ok(!r.ok);
  return { stderr: r.stderr, stdout: r.stdout };
}

test('-o and -O refuse each other, whichever comes second is named; -l refuses -o but takes -O', () => {
  assert.deepEqual(refused(['-o', '%i', '-O', 'jobid']).stderr, ['squeue: error: -O (--Format) is incompatible with -o (--format)']);
  assert.deepEqual(refused(['-O', 'jobid', '-o', '%i']).stderr, ['squeue: error: -o (--format) is incompatible with -O (--Format)']);
  assert.deepEqual(refused(['-l', '-o', '%i']).stderr,
    ['squeue: fatal: Options -o(--format) and -l(--long) are mutually exclusive. Please remove one and retry.']);
  const l = args(['-l', '-O', 'jobid:8,name']);
  assert.deepEqual([l.layout, l.dateLine], [{ kind: 'names', format: 'jobid:8,name' }, true]);
  assert.deepEqual(args(['-O', 'a', '-O', 'b']).layout, { kind: 'names', format: 'b' });
});

test('format choice: options, then SQUEUE_FORMAT over SQUEUE_FORMAT2 unless -l/-o/-O/--start, --start beats -O', () => {
  const env = { SQUEUE_FORMAT: '%i|%j', SQUEUE_FORMAT2: 'jobid:5,name:6' };
  assert.deepEqual(args([], env).layout, { kind: 'letters', format: '%i|%j' });
  assert.deepEqual(args([], { SQUEUE_FORMAT2: 'jobid:5' }).layout, { kind: 'names', format: 'jobid:5' });
  assert.deepEqual(args(['-l'], env).layout, { kind: 'letters', format: SQUEUE_LONG_FORMAT });
  assert.deepEqual(args(['-O', 'jobid'], env).layout, { kind: 'names', format: 'jobid' });
  assert.deepEqual(args(['-o', '%i'], env).layout, { kind: 'letters', format: '%i' });
  assert.deepEqual(args(['--start'], env).layout, { kind: 'letters', format: SQUEUE_START_FORMAT });
  // The peer: `squeue --start -O jobid` prints the --start columns.
  assert.deepEqual(args(['--start', '-O', 'jobid']).layout, { kind: 'letters', format: SQUEUE_START_FORMAT });
  assert.deepEqual(args(['--start', '-o', '%i']).layout, { kind: 'letters', format: '%i' });
  // An empty SQUEUE_FORMAT is a format that prints nothing (the peer prints empty lines).
  assert.deepEqual(args([], { SQUEUE_FORMAT: '' }).layout, { kind: 'letters', format: '' });
  assert.deepEqual(args([]).layout, { kind: 'letters', format: SQUEUE_DEFAULT_FORMAT });
});

test('--start defaults states PD and sort S; SQUEUE_SORT comes before it, -S over both', () => {
  assert.deepEqual([args(['--start']).states, args(['--start']).sort], [['PD'], 'S']);
  assert.deepEqual(args(['--start', '-t', 'R']).states, ['R']);
  assert.equal(args(['--start'], { SQUEUE_SORT: '-i' }).sort, '-i');
  assert.equal(args(['-S', 'j'], { SQUEUE_SORT: '-i' }).sort, 'j');
  assert.equal(args([]).sort, null);
});

test('-j: list or one operand after it, strtol ids, one id means a single-job request', () => {
  assert.deepEqual(args(['-j', '5']).jobIds, [5]);
  assert.equal(args(['-j', '5']).singleJob, 5);
  assert.deepEqual(args(['-j5,6']).jobIds, [5, 6]);
  assert.equal(args(['-j5,6']).singleJob, null);
  assert.deepEqual(args(['--jobs=7_3,,8x']).jobIds, [7, 8]);
  assert.deepEqual(args(['-j']).jobIds, null);
  assert.deepEqual(refused(['-j', 'abc']).stderr, ['squeue: error: Invalid job id: abc']);
  assert.deepEqual(refused(['-j', '0']).stderr, ['squeue: error: Invalid job id: 0']);
  assert.deepEqual(refused(['5']), { stderr: ['squeue: error: Unrecognized option: 5'], stdout: SQUEUE_USAGE });
  assert.deepEqual(refused(['-j', '1', '2']).stderr, ['squeue: error: Unrecognized option: 2']);
});

test('filters: the last option wins, SQUEUE_<name> when absent; users resolve to uids, unknown ones warn', () => {
  assert.deepEqual(args(['-t', 'PD', '-t', 'R,CD']).states, ['R', 'CD']);
  assert.deepEqual(args([], { SQUEUE_STATES: 'all' }).states, ['all']);
  assert.deepEqual(args(['-p', 'a', '-p', 'b,c']).partitions, ['b', 'c']);
  assert.deepEqual(args([], { SQUEUE_PARTITION: 'x' }).partitions, ['x']);
  assert.deepEqual(args(['-n', 'x'], { SQUEUE_NAMES: 'y' }).names, ['x']);
  assert.deepEqual(args(['-u', 'alice,root']).users, ['1000', '0']);
  assert.deepEqual(args(['--me']).users, ['1000']);
  assert.deepEqual(args(['--me', '-u', 'root']).users, ['0'], 'the later of -u and --me');
  assert.deepEqual(args(['-u', 'root', '--me']).users, ['1000']);
  assert.deepEqual(args([], { SQUEUE_USERS: 'root' }).users, ['0']);
  const bad = args(['-u', 'nosuch,root']);
  assert.deepEqual([bad.users, bad.warnings], [['0'], ['squeue: error: Invalid user: nosuch\n']]);
  assert.deepEqual(args(['-u', 'nosuch']).users, [], 'nobody named: no job matches');
  assert.equal(args([]).users, null);
  assert.deepEqual([args(['-h']).header, args(['-l', '-h']).dateLine], [false, true]);
});
