import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatSet, parseArraySpec, setFirst, setFromIndices, setHas, setIntersect, setMinus, setRemove, setSize, setTake,
  setUnion, taskListText,
} from './array-spec.ts';

const fmt = (spec: string, max = 1001): string | null => {
  const p = parseArraySpec(spec, max);
  return p === null ? null : taskListText(p.tasks, p.throttle);
};

test('accepted specs print as the peer Slurm 22.05 printed them (squeue %K)', () => {
  const cases: [string, string][] = [
    ['0-9%2', '0-9%2'], ['1000', '1000'], ['[1-3]', '1-3'], ['1,,2', '1-2'], ['%2', '0%2'], ['1-4%0', '1-4'],
    ['1-4%x', '1-4'], ['0-6:2%2', '0,2,4,6%2'], ['3,1,2', '1-3'], [' 1', '1'], ['1,1,1', '1'], ['%', '0'],
    ['1-3%2%3', '1-3%2'], ['01', '1'], ['2-2', '2'], ['1-1:5', '1'], ['0-30:2', '0-30:2'], ['0-20:2', '0-20:2'],
    ['0-10:2', '0,2,4,6,8,10'], ['1,3,5,7,9,11,13', '1-13:2'], ['0-1000:100', '0-1000:100'], ['5,1-3', '1-3,5'],
    ['1-3,2-5', '1-5'], ['1-3%-1', '1-3'], ['1%99999999999', '1%1215752191'], ['1-3%2a', '1-3%2'],
    ['0-100:7%3', '0-98:7%3'], ['1-3,', '1-3'], ['1-20:5', '1,6,11,16'],
  ];
  for (const [spec, want] of cases) assert.equal(fmt(spec), want, spec);
});

test('rejected specs', () => {
  for (const spec of ['abc', '1-', '5-3', '0-2000', '1001', '0-3:0', '-1', '1:2', '0x1', '1 - 3', '1-3:2:1']) {
    assert.equal(parseArraySpec(spec, 1001), null, spec);
  }
  assert.equal(parseArraySpec('0', 0), null, 'MaxArraySize=0 disables arrays');
});

test('step for SLURM_ARRAY_TASK_STEP is the first :N', () => {
  assert.equal(parseArraySpec('1-20:5', 1001)?.step, 5);
  assert.equal(parseArraySpec('0-9', 1001)?.step, 1);
  assert.equal(parseArraySpec('1,4-10:3,20-30:2', 1001)?.step, 3);
});

test('set operations', () => {
  const s = parseArraySpec('0-9', 1001)?.tasks ?? [];
  assert.equal(setSize(s), 10);
  assert.equal(setFirst(s), 0);
  const r = setRemove(s, 2);
  assert.equal(formatSet(r), '0-1,3-9');
  assert.equal(formatSet(setMinus(r, [[3, 4]])), '0-1,5-9');
  assert.equal(formatSet(setUnion(r, [[2, 2]])), '0-9');
  assert.equal(formatSet(setIntersect(s, [[5, 20]])), '5-9');
  assert.deepEqual(setTake(r, 4), [0, 1, 3, 4]);
  assert.equal(setHas(r, 2), false);
  assert.equal(setHas(r, 9), true);
  assert.equal(formatSet(setFromIndices([7, 1, 2, 3])), '1-3,7');
});

test('a million-task array is one run', () => {
  const p = parseArraySpec('0-999999', 4000001);
  assert.equal(p?.tasks.length, 1);
  assert.equal(setSize(p?.tasks ?? []), 1000000);
});

test('fuzz: no input throws; accepted output re-parses to the same set', () => {
  const alphabet = '0123456789-:,%[] x';
  let seed = 42;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let k = 0; k < 5000; k++) {
    let s = '';
    const len = rnd(12);
    for (let i = 0; i < len; i++) s += alphabet[rnd(alphabet.length)];
    const p = parseArraySpec(s, 1001);
    if (p === null) continue;
    assert.ok(setSize(p.tasks) > 0);
    const again = parseArraySpec(formatSet(p.tasks), 1001);
    assert.deepEqual(again?.tasks, p.tasks, s);
  }
});
