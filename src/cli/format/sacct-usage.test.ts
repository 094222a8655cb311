import { test } from 'node:test';
import assert from 'node:assert/strict';
import { USAGE_FIELDS, diskText, freqText } from './sacct-usage.ts';
import type { StepRecord } from '../../core/job.ts';

const step = (over: Partial<StepRecord> = {}): StepRecord => ({
  id: 'batch', name: 'batch', state: 'COMPLETED', exitCode: { code: 0, signal: 0 }, start: 0, end: 1000, maxRssBytes: 0,
  cpus: 1, nodeList: ['n1'], userCpu: 0.002, systemCpu: 0.001,
  usage: { maxVmBytes: 4096, pages: 1, readBytes: 0, writeBytes: 1, cpuFreqMHz: 2600 },
  ...over,
});
const f = (name: string, s: StepRecord): string | null => (USAGE_FIELDS[name] ?? (() => 'missing'))(s, null);

test('golden h_defaults: a batch step\'s usage fields as Slurm prints them', () => {
  const s = step();
  assert.deepEqual(['MaxVMSize', 'MaxVMSizeNode', 'MaxVMSizeTask', 'AveVMSize', 'MaxPages', 'MaxPagesNode', 'MaxPagesTask', 'AvePages']
    .map((n) => f(n, s)), ['4K', 'n1', '0', '4K', '1', 'n1', '0', '1']);
  assert.equal(f('AveCPUFreq', s), '2.60M');
  assert.deepEqual(['MaxDiskRead', 'MaxDiskReadNode', 'MaxDiskReadTask', 'AveDiskRead', 'MaxDiskWrite', 'MaxDiskWriteNode', 'MaxDiskWriteTask', 'AveDiskWrite']
    .map((n) => f(n, s)), ['0', 'n1', '0', '0', '0.00M', 'n1', '0', '0.00M']);
  assert.equal(f('TRESUsageInMax', s), 'cpu=00:00:00,energy=0,fs/disk=0,mem=0,pages=1,vmem=4K');
  assert.equal(f('TRESUsageInMaxNode', s), 'cpu=n1,energy=n1,fs/disk=n1,mem=n1,pages=n1,vmem=n1');
  assert.equal(f('TRESUsageInMaxTask', s), 'cpu=0,fs/disk=0,mem=0,pages=0,vmem=0');
  assert.equal(f('TRESUsageOutMax', s), 'energy=0,fs/disk=1');
  assert.equal(f('TRESUsageOutMaxNode', s), 'energy=n1,fs/disk=n1');
  assert.equal(f('TRESUsageOutMaxTask', s), 'fs/disk=0');
});

test('a step measured before usage was recorded: CPU and RSS only, the rest blank', () => {
  const { usage: _u, ...rest } = step({ maxRssBytes: 548864 });
  const s: StepRecord = rest;
  assert.equal(f('TRESUsageInAve', s), 'cpu=00:00:00,mem=536K');
  assert.equal(f('TRESUsageOutAve', s), null);
  assert.equal(f('MaxVMSize', s), null);
  assert.equal(f('AveCPUFreq', s), null);
});

test('disk and frequency units', () => {
  assert.equal(diskText(0, null), '0');
  assert.equal(diskText(5 * 1048576, null), '5M');
  assert.equal(diskText(1.5 * 1048576, null), '1.50M');
  assert.equal(freqText(800), '800K');
  assert.equal(freqText(2445), '2.44M');
});
