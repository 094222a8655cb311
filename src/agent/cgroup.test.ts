// Both drivers against fake cgroup roots (temp dirs holding the control files), then the
// detected driver against this machine's real cgroups (root only), plus the cgroup2
// features that need no controller (procs, freeze, kill) on a hybrid system's unified mount.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CgroupDriver } from './cgroup.ts';
import { CgroupError, detectCgroups, favorDynmodsHint, jobDirName, nodeDirName, parseJobDirName } from './cgroup.ts';
import { V2Driver } from './cgroup-v2.ts';
import { isCgroupFs, procState } from './proc.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ratchet-cgroup-'));
after(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

let n = 0;
function fakeRoot(files: Record<string, string>): string {
  const root = path.join(tmp, `root${++n}`);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  fs.mkdirSync(root, { recursive: true });
  return root;
}

const put = (dir: string, name: string, text: string): void => fs.writeFileSync(path.join(dir, name), text);
const get = (dir: string, name: string): string => fs.readFileSync(path.join(dir, name), 'utf8');
/** Pids above the kernel's maximum (2^22): signalling them can never hit a real process. */
const FAKE_PIDS = '4194400\n4194401\n';

describe('names', () => {
  it('builds and parses the per-node and per-job directory names', () => {
    assert.equal(nodeDirName('n1'), 'ratchet_n1');
    assert.equal(jobDirName(42), 'job_42');
    assert.equal(parseJobDirName('job_42'), 42);
    assert.equal(parseJobDirName('job_042'), null);
    assert.equal(parseJobDirName('job_x'), null);
    assert.equal(parseJobDirName('cgroup.procs'), null);
  });

  it('rejects names that could escape the hierarchy', () => {
    for (const bad of ['', '..', 'a/b', '../x', 'n 1', '-x']) assert.throws(() => nodeDirName(bad), CgroupError, bad);
    for (const bad of [0, -1, 1.5, Number.NaN]) assert.throws(() => jobDirName(bad), CgroupError);
  });
});

describe('detectCgroups', () => {
  it('pure v2 when the root has cgroup.controllers', () => {
    const d = detectCgroups(fakeRoot({ 'cgroup.controllers': 'cpu memory pids\n' }));
    assert.equal(d.kind, 'v2');
  });

  it('v1 when controllers are mounted below the root (hybrid: the empty unified mount is ignored)', () => {
    const root = fakeRoot({ 'memory/cgroup.procs': '', 'freezer/cgroup.procs': '', 'unified/cgroup.controllers': '' });
    const d = detectCgroups(root);
    assert.equal(d.kind, 'v1');
    assert.equal(d.root, root);
  });

  it('v2 on the unified mount when only it holds the memory controller', () => {
    const root = fakeRoot({ 'unified/cgroup.controllers': 'memory pids\n' });
    const d = detectCgroups(root);
    assert.equal(d.kind, 'v2');
    assert.equal(d.root, path.join(root, 'unified'));
  });

  it('throws a CgroupError when nothing usable exists', () => {
    assert.throws(() => detectCgroups(fakeRoot({ 'x': '' })), CgroupError);
    assert.throws(() => detectCgroups('/nonexistent/cgroup/root'), CgroupError);
  });
});

describe('v1 driver on a fake root', () => {
  const root = fakeRoot({ 'memory/cgroup.procs': '', 'freezer/cgroup.procs': '', 'cpuacct/cgroup.procs': '', 'pids/cgroup.procs': '' });
  const driver = detectCgroups(root);

  it('lays the job out in every hierarchy and reads the kernel counters', async () => {
    const cg = await driver.create('n1', 7, 0);
    const mem = path.join(root, 'memory/ratchet_n1/job_7');
    assert.equal(cg.path, mem);
    assert.deepEqual(cg.procFiles, ['memory', 'freezer', 'cpuacct', 'pids'].map((c) => path.join(root, c, 'ratchet_n1/job_7/cgroup.procs')));
    assert.equal(cg.canFreeze, true);

    cg.setMemoryLimit(50 * 1024 * 1024);
    assert.equal(get(mem, 'memory.limit_in_bytes'), '52428800');
    assert.equal(fs.existsSync(path.join(mem, 'memory.memsw.limit_in_bytes')), false, 'memsw only where the kernel has it');
    // A kernel with swap accounting (asked once per parent directory: another node here).
    const swapped = await driver.create('n4', 7, 0);
    put(swapped.path, 'memory.memsw.limit_in_bytes', '9223372036854771712');
    swapped.setMemoryLimit(64 * 1024 * 1024);
    assert.equal(get(swapped.path, 'memory.memsw.limit_in_bytes'), '67108864');
    swapped.setMemoryLimit(null);
    assert.equal(get(swapped.path, 'memory.limit_in_bytes'), '-1');
    assert.equal(get(swapped.path, 'memory.memsw.limit_in_bytes'), '-1');
    await swapped.remove();
    cg.setMemoryLimit(null);
    assert.equal(get(mem, 'memory.limit_in_bytes'), '-1');

    assert.equal(cg.oomKills(), 0);
    put(mem, 'memory.oom_control', 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n');
    assert.equal(cg.oomKills(), 2);
    assert.equal(cg.peakBytes(), null);
    put(mem, 'memory.max_usage_in_bytes', '1404928\n');
    assert.equal(cg.peakBytes(), 1404928);

    const acct = path.join(root, 'cpuacct/ratchet_n1/job_7');
    put(acct, 'cpuacct.stat', 'user 150\nsystem 50\n');
    assert.deepEqual(cg.cpuUsage(), { user: 1.5, system: 0.5 });
    put(acct, 'cpuacct.usage_user', '2500000000\n');
    put(acct, 'cpuacct.usage_sys', '250000000\n');
    assert.deepEqual(cg.cpuUsage(), { user: 2.5, system: 0.25 });

    cg.freeze();
    assert.equal(get(path.join(root, 'freezer/ratchet_n1/job_7'), 'freezer.state'), 'FROZEN');
    assert.equal(cg.frozen(), true);
    cg.thaw();
    assert.equal(cg.frozen(), false);

    put(mem, 'cgroup.procs', FAKE_PIDS);
    put(path.join(root, 'pids/ratchet_n1/job_7'), 'cgroup.procs', '4194401\n4194402\n');
    // Membership is the same in every hierarchy, so the job's processes are read from the
    // first (memory); signals go to the union.
    assert.deepEqual(cg.procs().sort(), [4194400, 4194401]);
    assert.equal(cg.killAll(0), 0, 'no such processes');

    assert.deepEqual(driver.list('n1'), [7]);
    await cg.remove();
    assert.deepEqual(driver.list('n1'), []);
    for (const c of ['memory', 'freezer', 'cpuacct', 'pids']) assert.equal(fs.existsSync(path.join(root, c, 'ratchet_n1/job_7')), false);
  });

  it('create replaces a leftover cgroup of the same job, so counters start at zero', async () => {
    const first = await driver.create('n1', 8, 0);
    put(first.path, 'memory.oom_control', 'oom_kill 5\n');
    const second = await driver.create('n1', 8, 1);
    assert.equal(second.oomKills(), 0);
    await second.remove();
  });

  it('cleanupStale removes every job cgroup of the node and leaves other nodes alone', async () => {
    await driver.create('n2', 1, 0);
    await driver.create('n2', 2, 0);
    const other = await driver.create('n3', 1, 0);
    assert.equal(await driver.cleanupStale('n2'), 2);
    assert.deepEqual(driver.list('n2'), []);
    assert.deepEqual(driver.list('n3'), [1]);
    await other.remove();
  });

  it('a missing controller becomes a clear error, not a crash', async () => {
    const d = detectCgroups(fakeRoot({ 'freezer/cgroup.procs': '' }));
    const cg = await d.create('n1', 1, 0);
    assert.throws(() => cg.setMemoryLimit(1 << 20), /memory controller is not mounted/);
    assert.equal(cg.oomKills(), 0);
    assert.equal(cg.peakBytes(), null);
    assert.deepEqual(cg.cpuUsage(), { user: 0, system: 0 });
    await cg.remove();
  });
});

describe('v2 driver on a fake root', () => {
  it('enables controllers, lays out the job and reads the kernel counters', async () => {
    const root = fakeRoot({ 'cgroup.controllers': 'cpuset cpu io memory hugetlb pids rdma misc\n', 'cgroup.subtree_control': '' });
    const driver = detectCgroups(root);
    const cg = await driver.create('n1', 9, 0);
    const dir = path.join(root, 'ratchet_n1/job_9');
    assert.equal(cg.path, dir);
    assert.deepEqual(cg.procFiles, [path.join(dir, 'cgroup.procs')]);
    assert.equal(get(root, 'cgroup.subtree_control'), '+memory +cpu +pids');

    assert.throws(() => cg.setMemoryLimit(1 << 20), /memory controller is not enabled/);
    put(dir, 'memory.max', 'max\n');
    put(dir, 'memory.swap.max', 'max\n');
    cg.setMemoryLimit(50 * 1024 * 1024);
    assert.equal(get(dir, 'memory.max'), '52428800');
    assert.equal(get(dir, 'memory.swap.max'), '0', 'swap cannot hide an OOM');
    cg.setMemoryLimit(null);
    assert.equal(get(dir, 'memory.max'), 'max');
    assert.equal(get(dir, 'memory.swap.max'), 'max');

    put(dir, 'memory.events', 'low 0\nhigh 0\nmax 12\noom 1\noom_kill 3\noom_group_kill 0\n');
    assert.equal(cg.oomKills(), 3);

    assert.equal(cg.peakBytes(), null, 'no memory accounting at all');
    put(dir, 'memory.current', '100\n');
    cg.sample();
    put(dir, 'memory.current', '50\n');
    cg.sample();
    assert.equal(cg.peakBytes(), 100, 'sampled high-water mark without memory.peak');
    put(dir, 'memory.peak', '4096\n');
    assert.equal(cg.peakBytes(), 4096);

    put(dir, 'cpu.stat', 'usage_usec 3000000\nuser_usec 2500000\nsystem_usec 500000\n');
    assert.deepEqual(cg.cpuUsage(), { user: 2.5, system: 0.5 });

    put(dir, 'cgroup.freeze', '0\n');
    cg.freeze();
    assert.equal(get(dir, 'cgroup.freeze'), '1');
    put(dir, 'cgroup.events', 'populated 1\nfrozen 1\n');
    assert.equal(cg.frozen(), true);
    cg.thaw();
    assert.equal(get(dir, 'cgroup.freeze'), '0');

    put(dir, 'cgroup.procs', FAKE_PIDS);
    assert.deepEqual(cg.procs(), [4194400, 4194401]);
    assert.deepEqual(driver.list('n1'), [9]);
    assert.equal(await driver.cleanupStale('n1'), 1);
    assert.equal(fs.existsSync(dir), false);
  });
});

// ---- the real thing ---------------------------------------------------------------------

const isRoot = (process.getuid?.() ?? -1) === 0;

function realDriver(): CgroupDriver | string {
  if (!isRoot) return 'skipped: needs root';
  try {
    const d = detectCgroups();
    const mem = d.kind === 'v1' ? fs.existsSync('/sys/fs/cgroup/memory/cgroup.procs') : fs.readFileSync(path.join(d.root, 'cgroup.controllers'), 'utf8').includes('memory');
    return mem ? d : 'skipped: no memory controller';
  } catch (err) {
    return `skipped: ${String(err)}`;
  }
}

function sleeper(): ChildProcess {
  return spawn('/bin/sleep', ['30'], { stdio: 'ignore' });
}

const exited = (c: ChildProcess): Promise<NodeJS.Signals | null> =>
  new Promise((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve(c.signalCode) : c.on('exit', (_code, sig) => resolve(sig))));

async function until(what: string, cond: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const real = realDriver();

/** The per-node parents stay after their jobs (an agent reuses them); tests tidy up. */
function rmdirQuiet(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    // already gone
  }
}
const NODE = `rtC${process.pid}`;

describe(`real cgroups of this machine (${typeof real === 'string' ? real : real.kind})`, { skip: typeof real === 'string' ? real : false }, () => {
  const d = real as CgroupDriver;

  after(async () => {
    await d.cleanupStale(NODE);
    const parents = d.kind === 'v2' ? [path.join(d.root, nodeDirName(NODE))] : ['memory', 'freezer', 'cpuacct', 'pids'].map((c) => path.join(d.root, c, nodeDirName(NODE)));
    for (const p of parents) rmdirQuiet(p);
  });

  it('contains a process, limits memory, freezes, accounts CPU, kills and removes', async () => {
    const cg = await d.create(NODE, 1, 0);
    const child = sleeper();
    assert.ok(child.pid !== undefined);
    cg.addProcess(child.pid);
    assert.deepEqual(cg.procs(), [child.pid]);
    assert.match(fs.readFileSync(`/proc/${child.pid}/cgroup`, 'utf8'), new RegExp(`/ratchet_${NODE}/job_1$`, 'm'));

    cg.setMemoryLimit(64 * 1024 * 1024);
    const limitFile = d.kind === 'v1' ? 'memory.limit_in_bytes' : 'memory.max';
    assert.equal(fs.readFileSync(path.join(cg.path, limitFile), 'utf8').trim(), '67108864');
    if (d.kind === 'v1' && fs.existsSync(path.join(cg.path, 'memory.memsw.limit_in_bytes'))) {
      assert.equal(fs.readFileSync(path.join(cg.path, 'memory.memsw.limit_in_bytes'), 'utf8').trim(), '67108864');
    }
    cg.setMemoryLimit(null);
    assert.equal(cg.oomKills(), 0);
    assert.notEqual(cg.peakBytes(), null, 'memory high-water mark is readable');

    assert.equal(cg.canFreeze, true);
    cg.freeze();
    await until('frozen', () => cg.frozen());
    assert.ok(['D', 'S', 'T'].includes(procState(child.pid) ?? ''), `state ${procState(child.pid)}`);
    cg.thaw();
    await until('thawed', () => !cg.frozen());

    const cpu = cg.cpuUsage();
    assert.ok(cpu.user >= 0 && cpu.system >= 0);

    assert.equal(cg.killAll(9), 1);
    assert.equal(await exited(child), 'SIGKILL');
    await cg.remove();
    assert.deepEqual(d.list(NODE), []);
    assert.equal(fs.existsSync(cg.path), false);
  });

  it('remove() kills stragglers first, even when frozen', async () => {
    const cg = await d.create(NODE, 2, 0);
    const child = sleeper();
    assert.ok(child.pid !== undefined);
    cg.addProcess(child.pid);
    cg.freeze();
    await until('frozen', () => cg.frozen());
    await cg.remove();
    assert.equal(await exited(child), 'SIGKILL');
    assert.equal(fs.existsSync(cg.path), false);
  });

  it('cleanupStale empties and removes what a previous agent left', async () => {
    const cg = await d.create(NODE, 3, 0);
    const child = sleeper();
    assert.ok(child.pid !== undefined);
    cg.addProcess(child.pid);
    assert.equal(await d.cleanupStale(NODE), 1);
    assert.equal(await exited(child), 'SIGKILL');
    assert.deepEqual(d.list(NODE), []);
  });
});

const unified = '/sys/fs/cgroup/unified';
const hybridV2 = isRoot && typeof real !== 'string' && real.kind === 'v1' && isCgroupFs(unified) && fs.existsSync(path.join(unified, 'cgroup.controllers'));

describe('cgroup2 core features on the hybrid unified mount', { skip: hybridV2 ? false : 'skipped: not a hybrid cgroup system (or not root)' }, () => {
  const d = new V2Driver(unified, false);
  const node = `rtU${process.pid}`;

  after(() => {
    rmdirQuiet(path.join(unified, nodeDirName(node)));
  });

  it('procs, freeze and cgroup.kill work without any controller; memory says it cannot', async () => {
    const cg = await d.create(node, 1, 0);
    const child = sleeper();
    assert.ok(child.pid !== undefined);
    cg.addProcess(child.pid);
    assert.deepEqual(cg.procs(), [child.pid]);
    assert.throws(() => cg.setMemoryLimit(1 << 20), CgroupError);
    assert.equal(cg.peakBytes(), null);
    cg.freeze();
    await until('frozen', () => cg.frozen());
    cg.thaw();
    await until('thawed', () => !cg.frozen());
    assert.ok(cg.cpuUsage().user >= 0);
    cg.killAll(9);
    assert.equal(await exited(child), 'SIGKILL');
    await cg.remove();
    assert.equal(fs.existsSync(cg.path), false);
  });
});

describe('favorDynmodsHint', () => {
  const hybrid = 'cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0\ncgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0\n';
  it('suggests favordynmods on the cgroup2 mount, whichever layout', () => {
    assert.match(favorDynmodsHint(hybrid) ?? '', /`mount -o remount,favordynmods \/sys\/fs\/cgroup\/unified`/);
    assert.match(favorDynmodsHint('cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nsdelegate 0 0\n') ?? '', /remount,favordynmods \/sys\/fs\/cgroup`/);
  });
  it('says nothing when it is set or there is no cgroup2 mount', () => {
    assert.equal(favorDynmodsHint(hybrid.replace('rw,relatime 0 0', 'rw,relatime,favordynmods 0 0')), null);
    assert.equal(favorDynmodsHint('cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\n'), null);
  });
});
