// Suspend on this machine's real cgroups: the kernel freezer stops a whole forking tree of
// busy processes at once (no process runs, none gains CPU time) and thawing continues all
// of them; a frozen job is ended by SIGKILL then thaw (v1 keeps a SIGKILLed frozen task
// until thawed; v2 kills it frozen). Drivers: the detected one (v1 on a hybrid machine,
// v2 on a pure one) and, on a hybrid machine, the v2 driver on the controller-less unified
// mount. Without a freezer the runner falls back to SIGSTOP/SIGCONT. Needs root.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CgroupDriver, JobCgroup } from './cgroup.ts';
import { detectCgroups, nodeDirName } from './cgroup.ts';
import { V1Driver } from './cgroup-v1.ts';
import { V2Driver } from './cgroup-v2.ts';
import { isCgroupFs, procState, readText } from './proc.ts';
import { JobRunner } from './job-runner.ts';
import type { LaunchRequest } from '../api/wire.ts';
import type { JobRequest, UserIdentity } from '../core/job.ts';
import { asJobId } from '../core/job.ts';
import { newJob } from '../core/job-new.ts';

const isRoot = (process.getuid?.() ?? -1) === 0;
const NODE = `rtF${process.pid}`;

function detected(): CgroupDriver | string {
  if (!isRoot) return 'skipped: needs root';
  try {
    return detectCgroups();
  } catch (err) {
    return `skipped: ${String(err)}`;
  }
}
const real = detected();
const unified = '/sys/fs/cgroup/unified';
const hybrid = typeof real !== 'string' && real.kind === 'v1' && isCgroupFs(unified) && fs.existsSync(path.join(unified, 'cgroup.controllers'));

/** utime + stime of a process in clock ticks; null once it is gone. */
function cpuTicks(pid: number): number | null {
  const t = readText(`/proc/${pid}/stat`);
  if (t === null) return null;
  const f = t.slice(t.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The per-node parents outlive their jobs (an agent reuses them); tests tidy up. */
function rmdirQuiet(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    // already gone
  }
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Two busy children, each with a busy grandchild, under one shell: five processes. */
const TREE = "for i in 1 2; do sh -c 'sh -c \"while :; do :; done\" & while :; do :; done' & done; wait";

/** Starts TREE inside `cg`: the shell waits for a line on stdin until it has been moved in. */
async function busyTree(cg: JobCgroup): Promise<number> {
  const child = spawn('/bin/bash', ['-c', `read _; ${TREE}`], { stdio: ['pipe', 'ignore', 'ignore'] });
  const pid = child.pid;
  assert.ok(pid !== undefined);
  cg.addProcess(pid);
  child.stdin.end('\n');
  await until('five processes', () => cg.procs().length >= 5);
  // Every busy loop has had CPU time: the measurement below is meaningful.
  await until('all busy', () => cg.procs().every((p) => p === pid || (cpuTicks(p) ?? 0) > 0));
  return pid;
}

/** Over `ms`, which processes of `pids` gained CPU time. */
async function gaining(pids: number[], ms: number): Promise<number[]> {
  const before = pids.map(cpuTicks);
  await pause(ms);
  return pids.filter((p, i) => (cpuTicks(p) ?? 0) > (before[i] ?? 0));
}

function drivers(): { name: string; d: CgroupDriver | string }[] {
  return [
    { name: typeof real === 'string' ? 'detected driver' : `detected driver (${real.kind})`, d: real },
    { name: 'v2 driver on the hybrid unified mount', d: hybrid ? new V2Driver(unified, false) : 'skipped: not a hybrid cgroup system (or not root)' },
  ];
}

for (const { name, d } of drivers()) {
  describe(`freezer: ${name}`, { skip: typeof d === 'string' ? d : false }, () => {
    const drv = d as CgroupDriver;

    after(async () => {
      await drv.cleanupStale(NODE);
      const parents = drv.kind === 'v2' ? [path.join(drv.root, nodeDirName(NODE))] : ['memory', 'freezer', 'cpuacct', 'pids'].map((c) => path.join(drv.root, c, nodeDirName(NODE)));
      for (const p of parents) rmdirQuiet(p);
    });

    it('freezes a forking tree of busy processes at once; thaw continues every one', async () => {
      const cg = await drv.create(NODE, 1, 0);
      const shell = await busyTree(cg);
      const pids = cg.procs();
      assert.ok(pids.includes(shell));
      cg.freeze();
      await until('frozen', () => cg.frozen());
      for (const p of pids) assert.notEqual(procState(p), 'R', `pid ${p} still running`);
      assert.deepEqual(await gaining(pids, 500), [], 'no process gains CPU time while frozen');
      cg.thaw();
      await until('thawed', () => !cg.frozen());
      const busy = pids.filter((p) => p !== shell);
      await until('every busy process runs again', () => busy.every((p) => procState(p) === 'R' || (cpuTicks(p) ?? 0) > 0));
      const moving = await gaining(busy, 500);
      assert.deepEqual(moving.sort(), [...busy].sort(), 'every busy process gains CPU time after thaw');
      await cg.remove();
      assert.equal(fs.existsSync(cg.path), false);
    });

    it('a frozen job ends with SIGKILL then thaw', async () => {
      const cg = await drv.create(NODE, 2, 0);
      await busyTree(cg);
      cg.freeze();
      await until('frozen', () => cg.frozen());
      cg.killAll(9);
      if (drv.kind === 'v1') {
        // The v1 freezer holds a SIGKILLed task until it is thawed.
        await pause(200);
        assert.ok(cg.procs().length >= 5, 'v1: SIGKILLed tasks stay frozen');
      } else {
        await until('v2: killed while frozen', () => cg.procs().length === 0);
      }
      cg.thaw();
      await until('all gone', () => cg.procs().length === 0);
      await cg.remove();
    });
  });
}

// ---- SIGSTOP fallback: the runner on a v1 layout without the freezer hierarchy --------

const ROOT_USER: UserIdentity = { name: 'root', uid: 0, gid: 0, group: 'root' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ratchet-freezer-'));
fs.chmodSync(dir, 0o755);
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function launchOf(id: number, script: string): LaunchRequest {
  const stdout = path.join(dir, `slurm-${id}.out`);
  const req: JobRequest = {
    name: `job${id}`, script, scriptPath: null, signal: null, argv: [], workDir: dir, stdout, stderr: null,
    stdin: '/dev/null', openMode: 'truncate', partition: 'debug', timeLimit: null, nodes: 1, ntasks: 1, cpusPerTask: 1,
    ntasksGiven: false, cpusPerTaskGiven: false, memPerNode: null, memPerCpu: 256, env: { PATH: '/usr/bin:/bin' },
    comment: null, account: 'root', qos: 'normal', requeue: true, submitHost: 'localhost', submitSid: 1, nice: 0,
  };
  const job = { ...newJob(asJobId(id), req, ROOT_USER, 0, false, 'None', 1), state: 'RUNNING' as const, nodeList: ['n1'], allocCpus: 1 };
  return {
    job, attempt: 1, killWait: 5, env: { SLURM_JOB_ID: String(id) }, memLimitBytes: null, cpus: 1, stdout, stderr: stdout,
    stdin: '/dev/null', user: ROOT_USER,
  };
}

const noFreezer = typeof real !== 'string' && real.kind === 'v1';

describe('runner without a kernel freezer (SIGSTOP fallback)', { skip: noFreezer ? false : 'skipped: needs the v1 layout (root)' }, () => {
  const drv = new V1Driver(typeof real === 'string' ? '/sys/fs/cgroup' : real.root, ['memory', 'cpuacct', 'pids']);
  const node = `rtS${process.pid}`;

  after(async () => {
    await drv.cleanupStale(node);
    for (const c of ['memory', 'cpuacct', 'pids']) rmdirQuiet(path.join(drv.root, c, nodeDirName(node)));
  });

  it('stops every process with SIGSTOP, continues them with SIGCONT, and a cancel while stopped kills at once', async () => {
    const r = JobRunner.start({
      launch: launchOf(4242, `#!/bin/bash\n${TREE}\n`), node, spoolDir: path.join(dir, 'spool'), cgroups: drv,
      onTimeLimit: () => undefined, onComplete: () => undefined,
    });
    const cgDir = (): string => r.cgroupPath ?? '';
    const procs = (): number[] => (readText(path.join(cgDir(), 'cgroup.procs')) ?? '').split('\n').filter(Boolean).map(Number);
    await until('five processes', () => r.phase === 'running' && procs().length >= 5);
    const pids = procs();
    r.suspend();
    await until('all stopped', () => pids.every((p) => procState(p) === 'T'));
    assert.deepEqual(await gaining(pids, 400), []);
    r.resume();
    const busy = pids.filter((p) => p !== r.pid);
    await until('running again', () => busy.every((p) => procState(p) !== 'T'));
    assert.deepEqual((await gaining(busy, 400)).sort(), [...busy].sort(), 'every busy process gains CPU time after SIGCONT');
    r.suspend();
    await until('stopped again', () => pids.every((p) => procState(p) === 'T'));
    const t0 = Date.now();
    r.terminate('cancel', 'batch');
    const { evidence } = await r.done;
    assert.equal(evidence.signal, 9, 'a suspended job gets no nice termination');
    assert.ok(Date.now() - t0 < 3000);
    for (const p of pids) assert.ok([null, 'Z'].includes(procState(p)), `pid ${p} gone`);
  });
});

describe('runner with the kernel freezer', { skip: typeof real === 'string' ? real : false }, () => {
  const drv = real as CgroupDriver;
  const node = `rtK${process.pid}`;

  after(async () => {
    await drv.cleanupStale(node);
    const parents = drv.kind === 'v2' ? [path.join(drv.root, nodeDirName(node))] : ['memory', 'freezer', 'cpuacct', 'pids'].map((c) => path.join(drv.root, c, nodeDirName(node)));
    for (const p of parents) rmdirQuiet(p);
  });

  it('a suspend that arrives before the script runs (a job suspended before its launch) freezes it once it does', async () => {
    const out = path.join(dir, 'early.out');
    const r = JobRunner.start({
      launch: { ...launchOf(4343, '#!/bin/bash\nfor i in $(seq 100); do echo $i; sleep 0.02; done\n'), stdout: out, stderr: out },
      node, spoolDir: path.join(dir, 'spool'), cgroups: drv, onTimeLimit: () => undefined, onComplete: () => undefined,
    });
    r.suspend();
    assert.equal(r.phase, 'starting');
    await until('suspended once running', () => r.phase === 'suspended');
    const cgFile = drv.kind === 'v1' ? path.join(drv.root, 'freezer', nodeDirName(node), 'job_4343', 'freezer.state') : path.join(r.cgroupPath ?? '', 'cgroup.events');
    await until('frozen', () => /FROZEN|frozen 1/.test(readText(cgFile) ?? ''));
    const lines = (readText(out) ?? '').split('\n').length;
    await pause(300);
    assert.equal((readText(out) ?? '').split('\n').length, lines, 'no output while frozen');
    r.resume();
    const { evidence } = await r.done;
    assert.equal(evidence.exitCode, 0);
    assert.match(readText(out) ?? '', /^100$/m);
  });
});
