import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDependency, parseDependency, targetJobIds } from './dependency.ts';

/** What the peer's `scontrol show job` printed right after submission (P=320, Q=321 held). */
const show = (spec: string): string => {
  const r = parseDependency(spec);
  assert.ok(r.ok, `${spec} should parse`);
  return formatDependency(r.dependency);
};

test('accepted specs display as Slurm 22.05 shows them before any is fulfilled', () => {
  const cases: [string, string][] = [
    ['afterok:320', 'afterok:320(unfulfilled)'],
    ['after:320+5', 'after:320+5(unfulfilled)'],
    ['afterok:320+5', 'afterok:320+5(unfulfilled)'],
    ['afterany:320+5', 'afterany:320+5(unfulfilled)'],
    ['320', 'afterany:320(unfulfilled)'],
    ['320,320', 'afterany:320(unfulfilled)'],
    ['320,321', 'afterany:320(unfulfilled),afterany:321(unfulfilled)'],
    ['AFTEROK:320', 'afterok:320(unfulfilled)'],
    ['Afterany:320', 'afterany:320(unfulfilled)'],
    ['afterburstbuffer:320', 'afterburstbuffer:320(unfulfilled)'],
    ['afterburstb:320', 'afterburstbuffer:320(unfulfilled)'],
    ['afterburstbzz:320', 'afterburstbuffer:320(unfulfilled)'],
    ['afterok:320:320', 'afterok:320(unfulfilled)'],
    ['aftercorr:320', 'aftercorr:320(unfulfilled)'],
    ['singleton', 'singleton(unfulfilled)'],
    ['SINGLETON', 'singleton(unfulfilled)'],
    ['singleton?singleton', 'singleton(unfulfilled)'],
    ['singleton,afterok:320', 'singleton(unfulfilled),afterok:320(unfulfilled)'],
    ['afterok:320?singleton', 'afterok:320(unfulfilled)?singleton(unfulfilled)'],
    // `?` anywhere makes the whole list "any"; duplicates (same type and id) are dropped.
    ['afterok:320?afterok:320,afterany:320', 'afterok:320(unfulfilled)?afterany:320(unfulfilled)'],
    ['afterok:320,afterany:320?afterok:320', 'afterok:320(unfulfilled)?afterany:320(unfulfilled)'],
    ['afterany:320?afterok:320,after:320', 'afterany:320(unfulfilled)?afterok:320(unfulfilled)?after:320(unfulfilled)'],
    ['afterok:320:321?afterany:320', 'afterok:320(unfulfilled)?afterok:321(unfulfilled)?afterany:320(unfulfilled)'],
    ['afterany:320,afterok:320', 'afterany:320(unfulfilled),afterok:320(unfulfilled)'],
    ['afterany:43:44', 'afterany:43(unfulfilled),afterany:44(unfulfilled)'],
    // A delay carries to the ids after it; what follows `+N` is ignored; strtol-style ids.
    ['afterany:320+5:321', 'afterany:320+5(unfulfilled),afterany:321+5(unfulfilled)'],
    ['after:320+5:321+2', 'after:320+5(unfulfilled),after:321+2(unfulfilled)'],
    ['afterok:320+1+2', 'afterok:320+1(unfulfilled)'],
    ['after:320+1x', 'after:320+1(unfulfilled)'],
    ['after:0320', 'after:320(unfulfilled)'],
    ['after:320+99999999999', 'after:320+70427578(unfulfilled)'],
    ['afterok:-1', 'afterok:4294967295(unfulfilled)'],
    ['afterok:99999999999999999999', 'afterok:4294967295(unfulfilled)'],
    ['afterok:+5', 'afterok:5(unfulfilled)'],
    // Array targets: the grammar is complete, existence is the resolver's question.
    ['afterok:320_1', 'afterok:320_1(unfulfilled)'],
    ['afterok:320_*', 'afterok:320_*(unfulfilled)'],
    ['afterok:320_', 'afterok:320_0(unfulfilled)'],
    ['afterok:320_1+3', 'afterok:320_1+3(unfulfilled)'],
    ['320_1', 'afterany:320_1(unfulfilled)'],
    ['afterok:320_[1-3]+3', 'afterok:320_1+3(unfulfilled),afterok:320_2+3(unfulfilled),afterok:320_3+3(unfulfilled)'],
    ['afterok:320_[1,3-4]', 'afterok:320_1(unfulfilled),afterok:320_3(unfulfilled),afterok:320_4(unfulfilled)'],
  ];
  for (const [spec, shown] of cases) assert.equal(show(spec), shown, spec);
});

test('empty and 0 mean no dependency', () => {
  assert.deepEqual(parseDependency(''), { ok: true, dependency: null });
  assert.deepEqual(parseDependency('0'), { ok: true, dependency: null });
  assert.equal(formatDependency(null), '(null)');
});

test('the spec is kept verbatim (SLURM_JOB_DEPENDENCY) and ? sets any', () => {
  const r = parseDependency('after:270,afterany:261?afterok:999');
  assert.ok(r.ok && r.dependency !== null);
  assert.equal(r.dependency.spec, 'after:270,afterany:261?afterok:999');
  assert.equal(r.dependency.any, true);
  assert.deepEqual(targetJobIds(r.dependency), [270, 261, 999]);
});

test('specs the peer rejected with "Job dependency problem"', () => {
  const bad = [
    'after:320+0', 'after:320+-3', 'after:320+abc', 'after:320+', 'afternotok:320+4294967295',
    'singleton:1', 'singleton:', 'singletonx', 'afterburst:320', 'afterfoo:320', 'afterokx:320', 'bogus:1',
    'afterok:320:', 'afterok::320', 'afterok:320,', 'afterok:320,,afterany:320', 'afterok:320?', '?afterok:320',
    ',afterok:320', 'afterok:1.5', 'afterok:320abc', 'afterok:abc', 'afterok:0', 'afterok:4294967296',
    'afterok', 'afterok:', ':320', 'afterok:320 ', ' afterok:320', '320:321', '320?321', 'abc', '320+5',
    'afterok:320:afterany:321', 'afterok:320_x', 'afterok:320_[]', 'afterok:320_[3-1]', 'afterok:320_[1,2',
    'afterok:320_[0-5000]', 'afterok:320_[1-2]x',
  ];
  for (const spec of bad) assert.deepEqual(parseDependency(spec), { ok: false, error: 'invalid' }, spec);
});

test('expand is refused as unsupported', () => {
  assert.deepEqual(parseDependency('expand:320'), { ok: false, error: 'unsupported' });
});

test('bracket task lists respect MaxArraySize', () => {
  assert.equal(parseDependency('afterok:5_[0-1000]').ok, true);
  assert.equal(parseDependency('afterok:5_[0-1001]').ok, false);
  assert.equal(parseDependency('afterok:5_[0-1001]', { maxArraySize: 2000 }).ok, true);
});
