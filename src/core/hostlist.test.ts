import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compressHostlist, expandHostlist, natCompare } from './hostlist.ts';

test('expandHostlist: names, ranges, lists, padding', () => {
  assert.deepEqual(expandHostlist('n1'), ['n1']);
  assert.deepEqual(expandHostlist('n[1-2]'), ['n1', 'n2']);
  assert.deepEqual(expandHostlist('n[01-03]'), ['n01', 'n02', 'n03']);
  assert.deepEqual(expandHostlist('n[1-2,5]'), ['n1', 'n2', 'n5']);
  assert.deepEqual(expandHostlist('a,b'), ['a', 'b']);
  assert.deepEqual(expandHostlist('n[1-2],m[3-4]'), ['n1', 'n2', 'm3', 'm4']);
  assert.deepEqual(expandHostlist('ALL'), ['ALL']);
  assert.deepEqual(expandHostlist('n[8-11]'), ['n8', 'n9', 'n10', 'n11']);
  assert.deepEqual(expandHostlist('n[08-10]'), ['n08', 'n09', 'n10']);
  assert.deepEqual(expandHostlist('n[001-3]'), ['n001', 'n002', 'n003']); // the low bound sets the width
  assert.deepEqual(expandHostlist('n[5-]'), ['n5']); // Slurm reads `5-` as 5
  assert.deepEqual(expandHostlist('[16821-16822]'), ['16821', '16822']);
  assert.deepEqual(expandHostlist('a b\tc,,d'), ['a', 'b', 'c', 'd']);
  assert.deepEqual(expandHostlist('n1,n1'), ['n1', 'n1']);
  assert.deepEqual(expandHostlist(''), []);
  assert.deepEqual(expandHostlist(' , '), []);
  assert.deepEqual(expandHostlist('127.0.0.1'), ['127.0.0.1']);
  assert.deepEqual(expandHostlist('10.0.0.[1-2]'), ['10.0.0.1', '10.0.0.2']);
});

test('expandHostlist: ranges in the prefix multiply, outer first', () => {
  assert.deepEqual(expandHostlist('rack[1-2]n[1-2]'), ['rack1n1', 'rack1n2', 'rack2n1', 'rack2n2']);
  assert.deepEqual(expandHostlist('r[1,3]-n[01-02]'), ['r1-n01', 'r1-n02', 'r3-n01', 'r3-n02']);
  assert.deepEqual(expandHostlist('a[1-2]b[3]c[4]'), ['a1b3c4', 'a2b3c4']);
});

test('expandHostlist: syntax errors are null', () => {
  for (const s of ['n[', 'n[1-2', 'n1]', 'n[]', 'n[a]', 'n[2-1]', 'n[1-2]x', 'n[1--2]', 'n[-1]', 'n[1,,2]',
    'n[[1]]', 'n[1 2]', 'n[+1]', 'n[1x2]', 'x]y[1]']) {
    assert.equal(expandHostlist(s), null, s);
  }
});

test('expandHostlist: huge expansions are refused, not attempted', () => {
  assert.equal(expandHostlist('n[0-65535]')?.length, 65536);
  assert.equal(expandHostlist('n[0-65536]'), null); // Slurm's MAX_RANGE
  assert.equal(expandHostlist('a[0-999]b[0-999]c[0-9]'), null); // over 1,000,000 names
  assert.equal(expandHostlist('a[0-999]b[0-999]')?.length, 1_000_000);
  assert.equal(expandHostlist('n[0-99999999999999999999]'), null);
});

test('compressHostlist: ranged strings', () => {
  assert.equal(compressHostlist([]), '');
  assert.equal(compressHostlist(['n1']), 'n1');
  assert.equal(compressHostlist(['n1', 'n2']), 'n[1-2]');
  assert.equal(compressHostlist(['n1', 'n3', 'n4', 'n5']), 'n[1,3-5]');
  assert.equal(compressHostlist(['n2', 'n1', 'n2', 'n1']), 'n[1-2]');
  assert.equal(compressHostlist(['n10', 'n9', 'n11', 'n2']), 'n[2,9-11]');
  assert.equal(compressHostlist(['n01', 'n02', 'n03']), 'n[01-03]');
  assert.equal(compressHostlist(['n09', 'n10']), 'n[09-10]');
  assert.equal(compressHostlist(['n1', 'n01']), 'n[1,01]');
  assert.equal(compressHostlist(['login', 'n1', 'n2']), 'login,n[1-2]');
  assert.equal(compressHostlist(['m2', 'n1', 'm1']), 'm[1-2],n1');
  assert.equal(compressHostlist(['vm', 'vm1']), 'vm,vm1');
  assert.equal(compressHostlist(['a', 'b', 'a']), 'a,b');
  assert.equal(compressHostlist(['rack2n1', 'rack10n1', 'rack1n1']), 'rack1n1,rack2n1,rack10n1');
  assert.equal(compressHostlist(['1', '2', '3']), '[1-3]');
});

test('compress and expand round-trip', () => {
  for (const names of [['n1', 'n2', 'n7'], ['c01', 'c02', 'c10', 'gpu1'], ['x', 'y1', 'y2', 'z9', 'z10']]) {
    assert.deepEqual(expandHostlist(compressHostlist(names)), names);
  }
});

test('natCompare: Slurm strnatcmp order', () => {
  assert.ok(natCompare('n2', 'n10') < 0);
  assert.ok(natCompare('n10', 'n2') > 0);
  assert.ok(natCompare('rack2n', 'rack10n') < 0);
  assert.equal(natCompare('n', 'n'), 0);
  assert.ok(natCompare('a', 'b') < 0);
  assert.ok(natCompare('n', 'na') < 0);
  assert.ok(natCompare('x01', 'x1') < 0); // leading zero: left-aligned comparison
});
