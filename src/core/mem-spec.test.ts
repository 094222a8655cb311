import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytesAsKiB, formatExact, formatKiB, formatMiB, parseMemSpec } from './mem-spec.ts';

test('parseMemSpec: units, default MiB, K rounded up', () => {
  assert.equal(parseMemSpec('50M'), 50);
  assert.equal(parseMemSpec('300M'), 300);
  assert.equal(parseMemSpec('2000'), 2000);
  assert.equal(parseMemSpec('0'), 0); // golden: --mem=0 accepted
  assert.equal(parseMemSpec('1G'), 1024);
  assert.equal(parseMemSpec('100G'), 102400);
  assert.equal(parseMemSpec('10T'), 10 * 1024 * 1024);
  assert.equal(parseMemSpec('1K'), 1);
  assert.equal(parseMemSpec('1024K'), 1);
  assert.equal(parseMemSpec('1025k'), 2);
  assert.equal(parseMemSpec('0K'), 0);
  assert.equal(parseMemSpec('50MB'), 50);
  assert.equal(parseMemSpec('50mb'), 50);
  assert.equal(parseMemSpec('2gB'), 2048);
  assert.equal(parseMemSpec('+5'), 5); // strtoll accepts a sign
  assert.equal(parseMemSpec(' 5'), 5); // and leading blanks
  assert.equal(parseMemSpec('-0'), 0);
});

test('parseMemSpec rejects what str_to_mbytes rejects', () => {
  for (const s of ['abc', '-1', '-5M', '', 'M', '5X', '5MBB', '5 M', '5M ', '1.5G', '0x10', '5P', 'G5']) {
    assert.equal(parseMemSpec(s), null, JSON.stringify(s));
  }
  assert.equal(parseMemSpec('99999999999999999999T'), null);
});

test('formatMiB: exact conversion (ReqMem, MinMemoryNode, TRES mem=)', () => {
  assert.equal(formatMiB(50), '50M');
  assert.equal(formatMiB(256), '256M');
  assert.equal(formatMiB(768), '768M');
  assert.equal(formatMiB(1280), '1280M'); // golden h_defaults: 5 CPUs x 256M
  assert.equal(formatMiB(1024), '1G'); // golden h_defaults: 4 x 256M
  assert.equal(formatMiB(3000), '3000M'); // golden g_sbatch TRES mem=3000M
  assert.equal(formatMiB(6000), '6000M');
  assert.equal(formatMiB(0), '0'); // golden g_sbatch MinMemoryNode=0
  assert.equal(formatMiB(1536), '1.50G'); // halves are still "exact"
  assert.equal(formatMiB(2560), '2.50G');
  assert.equal(formatMiB(1024 * 1024), '1T');
  assert.equal(formatMiB(1024 ** 3), '1P');
  assert.equal(formatMiB(1024 ** 4), '1?'); // beyond PETA Slurm prints its unknown unit
  assert.equal(formatMiB(1100), '1100M');
});

test('formatKiB: MaxRSS / AveRSS', () => {
  assert.equal(formatKiB(0), '0');
  assert.equal(formatKiB(404), '404K');
  assert.equal(formatKiB(37880), '37880K'); // golden a_oom sstat/sacct
  assert.equal(formatKiB(224), '224K');
  assert.equal(formatKiB(2048), '2M');
  assert.equal(formatKiB(1024), '1M');
  assert.equal(formatKiB(1536), '1.50M');
});

test('formatBytesAsKiB: Slurm converts from bytes', () => {
  assert.equal(formatBytesAsKiB(null), '');
  assert.equal(formatBytesAsKiB(0), '0');
  assert.equal(formatBytesAsKiB(37880 * 1024), '37880K');
  assert.equal(formatBytesAsKiB(2 * 1024 * 1024), '2M');
  for (const kib of [1, 4, 224, 404, 1000, 4096, 37880, 52224]) {
    assert.equal(formatBytesAsKiB(kib * 1024), formatKiB(kib), String(kib));
  }
  assert.equal(formatBytesAsKiB(1000), '1000');
});

test('formatExact from a bare unit', () => {
  assert.equal(formatExact(4096, 0), '4K');
  assert.equal(formatExact(0.4, 2), '0');
});
