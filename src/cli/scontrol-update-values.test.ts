import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuCount, memoryValue } from './scontrol-update-values.ts';
import { CliError } from './client.ts';

const lines = (f: () => unknown): readonly string[] => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof CliError);
    return e.lines;
  }
  assert.fail('no error');
};

test('MinMemoryNode / MinMemoryCPU take plain MiB counts as scontrol does', () => {
  assert.equal(memoryValue('MinMemoryNode', '500'), 500);
  assert.equal(memoryValue('MinMemoryNode', '007'), 7);
  assert.equal(memoryValue('MinMemoryNode', '+5'), 5);
  assert.equal(memoryValue('MinMemoryNode', ' 5'), 5);
  assert.equal(memoryValue('MinMemoryNode', ''), 0);
  for (const bad of ['abc', '1G', '-5', '1.5', '99999999999999999999']) {
    assert.deepEqual(lines(() => memoryValue('MinMemoryNode', bad)), [`scontrol: error: Invalid MinMemoryNode value: ${bad}`]);
  }
  assert.deepEqual(lines(() => memoryValue('MinMemoryCPU', 'x')), ['scontrol: error: Invalid MinMemoryCPU value: x']);
});

test('NumCPUs: counts, ranges (minimum kept), k multipliers and Slurm\'s complaints', () => {
  assert.equal(cpuCount('2'), 2);
  assert.equal(cpuCount('+2'), 2);
  assert.equal(cpuCount('1-2'), 1);
  assert.equal(cpuCount('1k'), 1024);
  for (const bad of ['x', '1-x', '3-', '-2', '2x', '1.5']) {
    assert.deepEqual(lines(() => cpuCount(bad)),
      [`scontrol: error: Invalid numeric value "${bad}" for NumCPUs.`, `scontrol: error: Invalid NumCPUs value: ${bad}`]);
  }
  assert.deepEqual(lines(() => cpuCount('0')), ['scontrol: error: Invalid NumCPUs value: 0']);
  assert.deepEqual(lines(() => cpuCount('2-1')), ['scontrol: error: Invalid NumCPUs value: 2-1']);
  assert.deepEqual(lines(() => cpuCount('99999999999')),
    ['scontrol: error: Numeric argument (99999999999) to big for NumCPUs.', 'scontrol: error: Invalid NumCPUs value: 99999999999']);
});
