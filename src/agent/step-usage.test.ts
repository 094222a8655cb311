import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { UsageSampler, cpuFreqMHz, ioChars, majorFaults, vmSizeBytes } from './step-usage.ts';

test('parsers: VmSize, rchar/wchar, major faults (v1 total_ first, v2), CPU frequency', () => {
  assert.equal(vmSizeBytes('Name:\tbash\nVmPeak:\t 9000 kB\nVmSize:\t    8124 kB\n'), 8124 * 1024);
  assert.equal(vmSizeBytes('Name:\tkworker\n'), null);
  assert.equal(vmSizeBytes(null), null);
  assert.deepEqual(ioChars('rchar: 1950\nwchar: 12\nsyscr: 7\n'), { read: 1950, write: 12 });
  assert.equal(ioChars('syscr: 7\n'), null);
  assert.equal(majorFaults('pgmajfault 3\ntotal_pgmajfault 5\n'), 5);
  assert.equal(majorFaults('pgfault 100\npgmajfault 3\n'), 3);
  assert.equal(majorFaults(null), null);
  assert.equal(cpuFreqMHz(null, ['2600000\n', '2400000\n']), 2500);
  assert.equal(cpuFreqMHz('cpu MHz\t\t: 2445.428\ncpu MHz\t\t: 2445.428\n', []), 2445);
  assert.equal(cpuFreqMHz('no cpus', []), null);
});

test('the sampler sees a live process: its virtual memory and its I/O; nothing sampled is null', async () => {
  const empty = new UsageSampler().result(null);
  assert.equal(empty.maxVmBytes, null);
  assert.equal(empty.readBytes, null);
  const child = spawn('sleep', ['5'], { stdio: 'ignore' });
  try {
    const s = new UsageSampler();
    s.sample([child.pid ?? 0, 999_999_999]);
    const r = s.result('pgmajfault 0\n');
    assert.ok(r.maxVmBytes !== null && r.maxVmBytes > 0, 'sleep has a virtual size');
    assert.ok(r.readBytes !== null && r.readBytes >= 0);
    assert.equal(r.pages, 0);
  } finally {
    child.kill();
  }
});

test('a process that exited but is not reaped yet (a zombie) is seen, with no virtual memory', async () => {
  // sh forks `true` and then sleeps without waiting for it: the child stays a zombie.
  const parent = spawn('/bin/sh', ['-c', 'true & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const pid = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (d: Buffer) => resolve(d.toString()))));
    for (let i = 0; i < 100 && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8')); i++) await new Promise((r) => setTimeout(r, 10));
    assert.match(readFileSync(`/proc/${pid}/status`, 'utf8'), /^State:\s+Z/m);
    const s = new UsageSampler();
    s.sample([pid]);
    assert.equal(s.result(null).maxVmBytes, 0);
  } finally {
    parent.kill();
  }
});
