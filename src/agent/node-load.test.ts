import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableMiB, nodeLoad, osName } from './node-load.ts';

test('free memory is MemAvailable in MiB, MemFree when the kernel has no MemAvailable', () => {
  assert.equal(availableMiB('MemTotal:  4096000 kB\nMemFree:   1024000 kB\nMemAvailable:   2048000 kB\n'), 2000);
  assert.equal(availableMiB('MemTotal:  4096000 kB\nMemFree:   1024000 kB\n'), 1000);
  assert.equal(availableMiB('garbage'), null);
});

test('this machine: a load average and some free memory; OS names the kernel', () => {
  const l = nodeLoad();
  assert.ok(l.cpuLoad >= 0);
  assert.ok(l.freeMem !== null && l.freeMem > 0);
  assert.match(osName(), /^Linux \S+ #/);
});
