import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { errText, isCgroupFs, parentOf, parentsFirst, parseKeyed, procState, readInt, readPids, readText, removeCgroupDir, sendSignal, signalGroup, signalNumber, writeText } from './proc.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ratchet-proc-'));
after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('kernel file parsing', () => {
  it('parses key/value files, ignoring junk lines', () => {
    const m = parseKeyed('oom_kill_disable 0\nunder_oom 0\noom_kill 3\n\ngarbage\nuser x\n');
    assert.equal(m.get('oom_kill'), 3);
    assert.equal(m.get('under_oom'), 0);
    assert.equal(m.has('garbage'), false);
    assert.equal(m.has('user'), false);
    assert.equal(parseKeyed(null).size, 0);
  });

  it('reads pids and integers; absent or malformed files give empty/null', () => {
    const f = path.join(tmp, 'procs');
    fs.writeFileSync(f, '12\n345\n\n-1\nx\n0\n');
    assert.deepEqual(readPids(f), [12, 345]);
    assert.deepEqual(readPids(path.join(tmp, 'absent')), []);
    fs.writeFileSync(f, '9223372036854771712\n');
    assert.equal(readInt(f), 9223372036854771712);
    fs.writeFileSync(f, 'max\n');
    assert.equal(readInt(f), null);
    assert.equal(readInt(path.join(tmp, 'absent')), null);
    assert.equal(readText(path.join(tmp, 'absent')), null);
  });

  it('writeText names the file in its error', () => {
    assert.throws(() => writeText('/nonexistent/dir/file', '1'), /write \/nonexistent\/dir\/file \("1"\): ENOENT/);
  });
});

describe('processes', () => {
  it('reads the state letter of a live process and null for a dead one', () => {
    assert.match(procState(process.pid) ?? '', /^[RS]$/);
    assert.equal(procState(4194400), null);
  });

  it('signals without throwing', () => {
    assert.equal(sendSignal(process.pid, 0), true);
    assert.equal(sendSignal(4194400, 15), false);
    assert.equal(sendSignal(0, 15), false, 'never the own process group');
    assert.equal(sendSignal(-5, 15), false);
    assert.equal(signalGroup(1, 15), false, 'never init');
    assert.equal(signalGroup(4194400, 15), false);
  });

  it('maps Node signal names to numbers', () => {
    assert.equal(signalNumber('SIGKILL'), 9);
    assert.equal(signalNumber('SIGTERM'), 15);
    assert.equal(signalNumber(null), null);
    assert.equal(signalNumber(undefined), null);
  });

  it('formats errors with their code once', () => {
    const e = Object.assign(new Error('no such file'), { code: 'ENOENT' });
    assert.equal(errText(e), 'ENOENT: no such file');
    assert.equal(errText(new Error('ENOENT: x')), 'ENOENT: x');
    assert.equal(errText('plain'), 'plain');
  });
});

describe('cgroup directories', () => {
  it('tells cgroupfs from an ordinary directory', () => {
    assert.equal(isCgroupFs(tmp), false);
    assert.equal(isCgroupFs('/nonexistent'), false);
    for (const p of ['/sys/fs/cgroup/memory', '/sys/fs/cgroup/unified']) {
      if (fs.existsSync(path.join(p, 'cgroup.procs'))) assert.equal(isCgroupFs(p), true, p);
    }
  });

  it('removes a fake cgroup directory recursively; a missing one counts as removed', async () => {
    const d = path.join(tmp, 'job_1');
    fs.mkdirSync(d);
    fs.writeFileSync(path.join(d, 'cgroup.procs'), '');
    assert.equal(await removeCgroupDir(d, false, () => undefined), true);
    assert.equal(fs.existsSync(d), false);
    assert.equal(await removeCgroupDir(d, true, () => undefined), true);
  });

  it('gives up after its timeout, calling beforeRetry in between', async () => {
    const d = path.join(tmp, 'busy');
    fs.mkdirSync(d);
    fs.writeFileSync(path.join(d, 'f'), '');
    let retries = 0;
    // real=true on an ordinary non-empty directory: rmdir keeps failing (ENOTEMPTY).
    assert.equal(await removeCgroupDir(d, true, () => retries++, 100), false);
    assert.ok(retries >= 2);
  });
});

describe('parentsFirst', () => {
  it('puts each process after its parent, whatever the pid order (pids wrap)', () => {
    // shell 30001 -> child 12 -> grandchild 7; an unrelated 500 whose parent is outside.
    const ppid = new Map([[7, 12], [12, 30001], [30001, 1], [500, 1]]);
    assert.deepEqual(parentsFirst([7, 12, 500, 30001], (p) => ppid.get(p) ?? null), [500, 30001, 12, 7]);
    assert.deepEqual(parentsFirst([], () => null), []);
    // gone processes (no parent known) keep their place among the roots
    assert.deepEqual(parentsFirst([9, 3], () => null), [9, 3]);
  });

  it('reads the parent from /proc', () => {
    assert.equal(parentOf(process.pid), process.ppid);
    assert.equal(parentOf(0x7ffffff0), null);
  });
});
