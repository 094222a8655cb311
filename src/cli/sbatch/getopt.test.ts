import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getopt } from './getopt.ts';
import type { OptionSpec } from './getopt.ts';
import { SBATCH_SPEC } from './option-table.ts';

const spec: OptionSpec = {
  long: [
    { name: 'job-name', arg: 'required', key: 'job-name' },
    { name: 'hold', arg: 'none', key: 'hold' },
    { name: 'nice', arg: 'optional', key: 'nice' },
    { name: 'ntasks', arg: 'required', key: 'ntasks' },
    { name: 'ntasks-per-node', arg: 'required', key: 'ntasks-per-node' },
    { name: 'ntasks-per-core', arg: 'required', key: 'ntasks-per-core' },
    { name: 'tasks-per-node', arg: 'required', key: 'ntasks-per-node' },
    { name: 'wrap', arg: 'required', key: 'wrap' },
  ],
  short: new Map([
    ['J', { char: 'J', arg: 'required', key: 'job-name' }],
    ['H', { char: 'H', arg: 'none', key: 'hold' }],
    ['n', { char: 'n', arg: 'required', key: 'ntasks' }],
    ['k', { char: 'k', arg: 'optional', key: 'no-kill' }],
  ]),
};

test('short options: attached, separate, bundled flags, flag then valued option', () => {
  const r = getopt(['-Jx', '-J', 'y', '-HH', '-Hn2', '-n', '-5', 'script', '-J', 'z'], spec);
  assert.equal(r.error, null);
  assert.deepEqual(r.opts, [
    { key: 'job-name', value: 'x' },
    { key: 'job-name', value: 'y' },
    { key: 'hold', value: null },
    { key: 'hold', value: null },
    { key: 'hold', value: null },
    { key: 'ntasks', value: '2' },
    { key: 'ntasks', value: '-5' },
  ]);
  assert.equal(r.optind, 7);
});

test('optional arguments are only taken when attached', () => {
  assert.deepEqual(getopt(['-k', '-kx', '--nice', '--nice=7'], spec).opts, [
    { key: 'no-kill', value: null },
    { key: 'no-kill', value: 'x' },
    { key: 'nice', value: null },
    { key: 'nice', value: '7' },
  ]);
  const r = getopt(['--nice', '5', 'script'], spec);
  assert.equal(r.optind, 1, '"5" is the first non-option');
});

test('long options: =value, separate value (even one starting with -), exact beats prefix', () => {
  const r = getopt(['--job-name=a=b', '--wrap', '--hold', '--ntasks=3'], spec);
  assert.equal(r.error, null);
  assert.deepEqual(r.opts, [
    { key: 'job-name', value: 'a=b' },
    { key: 'wrap', value: '--hold' },
    { key: 'ntasks', value: '3' },
  ]);
});

test('unambiguous prefixes, and prefixes of two names for one option', () => {
  assert.deepEqual(getopt(['--job=x', '--ho', '--w', 'cmd'], spec).opts, [
    { key: 'job-name', value: 'x' },
    { key: 'hold', value: null },
    { key: 'wrap', value: 'cmd' },
  ]);
  // ntasks-per-node and tasks-per-node are one option: --ntasks-per-n is not ambiguous.
  assert.deepEqual(getopt(['--ntasks-per-n=2'], spec).opts, [{ key: 'ntasks-per-node', value: '2' }]);
});

test('glibc error texts', () => {
  assert.equal(getopt(['--bogus-option'], spec).error, "unrecognized option '--bogus-option'");
  assert.equal(getopt(['--bogus=1'], spec).error, "unrecognized option '--bogus=1'");
  assert.equal(getopt(['-J', 'x', '--wrap'], spec).error, "option '--wrap' requires an argument");
  assert.equal(getopt(['--wr'], spec).error, "option '--wrap' requires an argument");
  assert.equal(getopt(['--hold=1'], spec).error, "option '--hold' doesn't allow an argument");
  assert.equal(getopt(['-Z'], spec).error, "invalid option -- 'Z'");
  assert.equal(getopt(['-HZ'], spec).error, "invalid option -- 'Z'");
  assert.equal(getopt(['-J'], spec).error, "option requires an argument -- 'J'");
  assert.equal(getopt(['--ntasks-per=1'], spec).error,
    "option '--ntasks-per=1' is ambiguous; possibilities: '--ntasks-per-node' '--ntasks-per-core'");
});

test('options before an error are returned, in order', () => {
  const r = getopt(['-H', '--bogus', '-J', 'x'], spec);
  assert.deepEqual(r.opts, [{ key: 'hold', value: null }]);
  assert.equal(r.error, "unrecognized option '--bogus'");
});

test('-- ends the options; - and the first word are non-options', () => {
  let r = getopt(['-H', '--', '-J', 'x'], spec);
  assert.equal(r.optind, 2);
  assert.deepEqual(r.opts, [{ key: 'hold', value: null }]);
  r = getopt(['-', '-H'], spec);
  assert.equal(r.optind, 0);
  r = getopt(['script.sh', '-H'], spec);
  assert.equal(r.optind, 0);
  assert.deepEqual(r.opts, []);
  r = getopt([], spec);
  assert.equal(r.optind, 0);
});

test('the sbatch table: Slurm short letters and prefixes', () => {
  const r = getopt(['--partit=debug', '-N1-2', '-t5', '--mem-per-c=10', '--export=NONE', '--export-f=x', '-W'], SBATCH_SPEC);
  assert.equal(r.error, null);
  assert.deepEqual(r.opts.map((o) => o.key), ['partition', 'nodes', 'time', 'mem-per-cpu', 'export', 'export-file', 'wait']);
  // An exact name wins over the longer names it is a prefix of; a shorter prefix is ambiguous.
  assert.equal(getopt(['--exp=x'], SBATCH_SPEC).error,
    "option '--exp=x' is ambiguous; possibilities: '--export' '--export-file'");
  assert.equal(getopt(['--ex=1'], SBATCH_SPEC).error,
    "option '--ex=1' is ambiguous; possibilities: '--exclude' '--exclusive' '--export' '--export-file' '--extra-node-info'");
  assert.equal(getopt(['--mem'], SBATCH_SPEC).error, "option '--mem' requires an argument");
});
