// Real processes in real cgroups of this machine: exit codes, signals, OOM, time limit,
// cancel, suspend/resume, launch errors, privilege drop. Needs root and a cgroup memory
// controller; skipped with a message otherwise. Subtests run concurrently (~10 s total).

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Job, JobRequest, UserIdentity } from '../core/job.ts';
import { asJobId } from '../core/job.ts';
import { newJob } from '../core/job-new.ts';
import type { LaunchRequest } from '../api/wire.ts';
import type { CgroupDriver } from './cgroup.ts';
import { detectCgroups } from './cgroup.ts';
import { jobSpoolDir, oomNotice } from './launch.ts';
import { isCgroupFs, procState } from './proc.ts';
import { V2Driver } from './cgroup-v2.ts';
import type { RunReport } from './job-runner.ts';
import { JobRunner, batchStepOutcome } from './job-runner.ts';

const ROOT: UserIdentity = { name: 'root', uid: 0, gid: 0, group: 'root' };

const isRoot = (process.getuid?.() ?? -1) === 0;

/** A temp dir every user can traverse (mkdtemp makes 0700, which a setpriv'd job cannot enter). */
function tempDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(d, 0o755);
  return d;
}

interface JobSpec {
  id: number;
  script: string;
  dir: string;
  timeLimit?: number | null;
  killWait?: number;
  memLimitBytes?: number | null;
  user?: UserIdentity;
  workDir?: string;
  stdout?: string;
  stderr?: string;
  stdin?: string;
  openMode?: 'truncate' | 'append';
  env?: Record<string, string>;
  extraEnv?: Record<string, string>;
  argv?: string[];
}

function makeLaunch(s: JobSpec): LaunchRequest {
  const stdout = s.stdout ?? path.join(s.dir, `slurm-${s.id}.out`);
  const req: JobRequest = {
    name: `job${s.id}`,
    script: s.script,
    scriptPath: null,
    signal: null,
    argv: s.argv ?? [],
    workDir: s.workDir ?? s.dir,
    stdout,
    stderr: s.stderr ?? null,
    stdin: s.stdin ?? '/dev/null',
    openMode: s.openMode ?? 'truncate',
    partition: 'debug',
    timeLimit: s.timeLimit ?? null,
    nodes: 1,
    ntasks: 1,
    cpusPerTask: 1,
    ntasksGiven: false,
    cpusPerTaskGiven: false,
    memPerNode: null,
    memPerCpu: 256,
    env: s.env ?? { PATH: '/usr/bin:/bin' },
    comment: null,
    account: 'root',
    qos: 'normal',
    requeue: true,
    submitHost: 'localhost',
    submitSid: 1,
    nice: 0,
  };
  const user = s.user ?? ROOT;
  const job: Job = {
    ...newJob(asJobId(s.id), req, user, 0, false, 'None', 1),
    state: 'RUNNING', startTime: 0, nodeList: ['n1'], allocCpus: 1, allocMem: 256,
  };
  return {
    job,
    attempt: 0,
    killWait: s.killWait ?? 1,
    env: s.extraEnv ?? { SLURM_JOB_ID: String(s.id) },
    memLimitBytes: s.memLimitBytes ?? null,
    cpus: 1,
    stdout,
    stderr: s.stderr ?? stdout,
    stdin: s.stdin ?? '/dev/null',
    user,
  };
}

/** Polls `cond` every 20 ms until it holds; throws after `ms`. */
async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function readOr(file: string, dflt = ''): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return dflt;
  }
}

// ---- environment ----------------------------------------------------------------------

const NODE = 'rtR';

function realDriver(): { driver: CgroupDriver | null; why: string } {
  if (!isRoot) return { driver: null, why: 'needs root (cgroups, setpriv)' };
  try {
    const d = detectCgroups();
    const probe = d.kind === 'v1' ? '/sys/fs/cgroup/memory/cgroup.procs' : path.join(d.root, 'cgroup.controllers');
    if (d.kind === 'v1' && !fs.existsSync(probe)) return { driver: null, why: 'no cgroup v1 memory controller' };
    if (d.kind === 'v2' && !fs.readFileSync(probe, 'utf8').includes('memory')) return { driver: null, why: 'no cgroup v2 memory controller' };
    return { driver: d, why: '' };
  } catch (err) {
    return { driver: null, why: `no usable cgroups: ${String(err)}` };
  }
}

const { driver, why } = realDriver();
const skip = driver === null ? `skipped: ${why}` : false;
const dir = tempDir('ratchet-runner-');
const spool = path.join(dir, 'spool');
let nextId = 7100 + (process.pid % 50) * 40;

after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  // The per-node cgroup parents outlive their jobs (an agent reuses them); tidy up.
  if (driver === null) return;
  const parents = driver.kind === 'v2' ? [driver.root] : ['memory', 'freezer', 'cpuacct', 'pids'].map((c) => path.join(driver.root, c));
  for (const p of parents) {
    try {
      fs.rmdirSync(path.join(p, `ratchet_${NODE}`));
    } catch {
      // absent, or a job of another run is still there
    }
  }
});

interface Started {
  runner: JobRunner;
  report: Promise<RunReport>;
  limits: number[];
  out: string;
  id: number;
}

function start(spec: Omit<JobSpec, 'id' | 'dir'> & { id?: number }, extra: { timeScale?: number; timeLimitScope?: 'batch' | 'all' } = {}): Started {
  if (driver === null) throw new Error('no driver');
  const id = spec.id ?? nextId++;
  const launch = makeLaunch({ ...spec, id, dir });
  const limits: number[] = [];
  let completions = 0;
  const runner = JobRunner.start({
    launch,
    node: NODE,
    spoolDir: spool,
    cgroups: driver,
    ...extra,
    onTimeLimit: (at) => limits.push(at),
    onComplete: () => {
      completions++;
      assert.equal(completions, 1, 'onComplete is called once');
    },
  });
  return { runner, report: runner.done, limits, out: launch.stdout, id };
}

const bash = (body: string): string => `#!/bin/bash\n${body}\n`;

const BANNER = (id: number, suffix: string): RegExp =>
  new RegExp(`^slurmstepd-${NODE}: error: \\*\\*\\* JOB ${id} ON ${NODE} CANCELLED AT \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d${suffix} \\*\\*\\*$`, 'm');

const EAT = (mb: number): string => `python3 -c '
a = bytearray(${mb} * 1024 * 1024)
for i in range(0, len(a), 4096):
    a[i] = 1
print("allocated ${mb}MB and survived")
'`;

// ---- pure helpers ---------------------------------------------------------------------

describe('batch step outcome', () => {
  it('derives the batch step state: OOM wins, a signal is CANCELLED, exit 0/≠0 COMPLETED/FAILED', () => {
    assert.deepEqual(batchStepOutcome({ exitCode: 0, signal: null, oomKills: 1 }), { state: 'OUT_OF_MEMORY', exitCode: { code: 0, signal: 125 } });
    assert.deepEqual(batchStepOutcome({ exitCode: null, signal: 9, oomKills: 0 }), { state: 'CANCELLED', exitCode: { code: 0, signal: 9 } });
    assert.deepEqual(batchStepOutcome({ exitCode: 0, signal: null, oomKills: 0 }), { state: 'COMPLETED', exitCode: { code: 0, signal: 0 } });
    assert.deepEqual(batchStepOutcome({ exitCode: 137, signal: null, oomKills: 0 }), { state: 'FAILED', exitCode: { code: 137, signal: 0 } });
  });
});

// ---- real jobs ------------------------------------------------------------------------

describe('JobRunner with real processes and cgroups', { skip, concurrency: true }, () => {
  for (const code of [0, 1, 3]) {
    it(`exit ${code}: wait status, step state, spool and cgroup removed`, async () => {
      const j = start({ script: bash(`echo about to exit ${code}; exit ${code}`) });
      const { evidence, steps } = await j.report;
      assert.equal(evidence.exitCode, code);
      assert.equal(evidence.signal, null);
      assert.equal(evidence.launchError, null);
      assert.equal(evidence.oomKills, 0);
      assert.equal(evidence.timeLimitAt, null);
      assert.ok(evidence.endedAt >= evidence.startedAt);
      assert.equal(steps.length, 1);
      assert.equal(steps[0]?.id, 'batch');
      assert.equal(steps[0]?.state, code === 0 ? 'COMPLETED' : 'FAILED');
      assert.deepEqual(steps[0]?.exitCode, { code, signal: 0 });
      assert.deepEqual(steps[0]?.nodeList, [NODE]);
      assert.equal(readOr(j.out), `about to exit ${code}\n`);
      assert.equal(fs.existsSync(jobSpoolDir(spool, j.id)), false, 'spool dir removed');
      assert.equal(driver?.list(NODE).includes(j.id), false, 'cgroup removed');
    });
  }

  it('reports before its cgroup and spool are gone; a new run of the same job waits for them', async () => {
    const real = driver as CgroupDriver;
    // The real driver, with each removal held back 300 ms: the second run would start inside
    // that window if it did not wait, and lose its script to the first run's cleanup.
    const slow: CgroupDriver = {
      kind: real.kind, root: real.root, list: (n) => real.list(n), cleanupStale: (n) => real.cleanupStale(n),
      create: async (n, id, attempt) => {
        const cg = await real.create(n, id, attempt);
        return Object.assign(Object.create(cg) as typeof cg, { remove: async () => {
          await new Promise((r) => setTimeout(r, 300));
          await cg.remove();
        } });
      },
    };
    const id = nextId++;
    const second = new Promise<{ runner: JobRunner; out: string }>((resolve) => {
      const first = makeLaunch({ id, dir, script: bash('echo first') });
      JobRunner.start({
        launch: first, node: NODE, spoolDir: spool, cgroups: slow, onTimeLimit: () => undefined,
        // Relaunched the moment the first run reports, as a requeue could: same id, same spool.
        onComplete: () => {
          const again = { ...makeLaunch({ id, dir, script: bash('sleep 0.5; echo second; tail -1 "$0"') }), attempt: 1 };
          resolve({ runner: JobRunner.start({ launch: again, node: NODE, spoolDir: spool, cgroups: slow, onTimeLimit: () => undefined, onComplete: () => undefined }), out: again.stdout });
        },
      });
    });
    const { runner, out } = await second;
    const { evidence } = await runner.done;
    assert.equal(evidence.launchError, null);
    assert.equal(evidence.exitCode, 0);
    assert.equal(readOr(out), 'second\nsleep 0.5; echo second; tail -1 "$0"\n');
    assert.equal(fs.existsSync(jobSpoolDir(spool, id)), false);
    assert.equal(driver?.list(NODE).includes(id), false);
  });

  it('kill -9 $$: signal 9, batch step CANCELLED 0:9', async () => {
    const j = start({ script: bash('echo killing myself; kill -9 $$') });
    const { evidence, steps } = await j.report;
    assert.equal(evidence.signal, 9);
    assert.equal(evidence.exitCode, null);
    assert.equal(steps[0]?.state, 'CANCELLED');
    assert.deepEqual(steps[0]?.exitCode, { code: 0, signal: 9 });
    assert.equal(readOr(j.out), 'killing myself\n');
  });

  it('the script runs from the spool, inside its cgroup, in its own session, with exactly the job env', async () => {
    const j = start({
      script: bash('echo "0=$0 1=$1 2=$2"; cat /proc/self/cgroup; cut -d" " -f1,5,6 /proc/$$/stat; tr "\\0" "\\n" </proc/$$/environ | sort; pwd'),
      env: { PATH: '/usr/bin:/bin', FOO: 'bar baz', EMPTY: '' },
      extraEnv: { SLURM_JOB_ID: '1', SLURM_JOB_NAME: 'x' },
      argv: ['a b', 'c'],
      workDir: '/tmp',
    });
    const { evidence } = await j.report;
    assert.equal(evidence.exitCode, 0);
    const out = readOr(j.out).split('\n');
    assert.equal(out[0], `0=${path.join(jobSpoolDir(spool, j.id), 'slurm_script')} 1=a b 2=c`);
    assert.ok(out.some((l) => l.includes(`/ratchet_${NODE}/job_${j.id}`)), 'in the job cgroup from the first instruction');
    const stat = out.find((l) => /^\d+ \d+ \d+$/.test(l))?.split(' ');
    assert.ok(stat !== undefined);
    assert.equal(stat[0], stat[1], 'own process group');
    assert.equal(stat[0], stat[2], 'own session');
    const env = out.filter((l) => /^[A-Z_]+=/.test(l));
    assert.deepEqual(env, ['EMPTY=', 'FOO=bar baz', 'PATH=/usr/bin:/bin', 'SLURM_JOB_ID=1', 'SLURM_JOB_NAME=x']);
    assert.equal(out.at(-2), '/tmp');
  });

  it('separate stdout/stderr, stdin, append mode', async () => {
    const o = path.join(dir, 'sep.out');
    const e = path.join(dir, 'sep.err');
    const i = path.join(dir, 'sep.in');
    fs.writeFileSync(o, 'old out\n');
    fs.writeFileSync(e, 'old err\n');
    fs.writeFileSync(i, 'line from stdin\n');
    const j = start({ script: bash('read x; echo "out: $x"; echo "err: $x" >&2'), stdout: o, stderr: e, stdin: i, openMode: 'append' });
    await j.report;
    assert.equal(readOr(o), 'old out\nout: line from stdin\n');
    assert.equal(readOr(e), 'old err\nerr: line from stdin\n');
  });

  it('OOM as last command: oom_kill counted, OUT_OF_MEMORY 0:125, bash names slurm_script, notice appended', async () => {
    const j = start({ script: bash(`echo start\n${EAT(200)}`), memLimitBytes: 50 * 1024 * 1024 });
    const { evidence, steps } = await j.report;
    assert.ok(evidence.oomKills >= 1, `oomKills=${evidence.oomKills}`);
    assert.equal(evidence.memLimitBytes, 50 * 1024 * 1024);
    assert.ok(evidence.peakMemBytes !== null && evidence.peakMemBytes > 30 * 1024 * 1024 && evidence.peakMemBytes <= 50 * 1024 * 1024, `peak=${evidence.peakMemBytes}`);
    assert.equal(steps[0]?.state, 'OUT_OF_MEMORY');
    assert.deepEqual(steps[0]?.exitCode, { code: 0, signal: 125 });
    assert.equal(steps[0]?.maxRssBytes, evidence.peakMemBytes);
    const out = readOr(j.out);
    const script = path.join(jobSpoolDir(spool, j.id), 'slurm_script');
    assert.match(out, new RegExp(`^start\n${script.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: line 8: +\\d+ Killed +python3 -c '`));
    assert.ok(out.endsWith(oomNotice(NODE, j.id, evidence.oomKills)), out);
    assert.ok(!out.split('\n').includes('allocated 200MB and survived'), 'python3 did not survive');
  });

  it('OOM, script goes on and exits 0: still OUT_OF_MEMORY', async () => {
    const j = start({ script: bash(`${EAT(200)}\necho "python exit status $?"\necho "script goes on and exits 0"\nexit 0`), memLimitBytes: 50 * 1024 * 1024 });
    const { evidence, steps } = await j.report;
    assert.equal(evidence.exitCode, 0);
    assert.ok(evidence.oomKills >= 1);
    assert.equal(steps[0]?.state, 'OUT_OF_MEMORY');
    assert.match(readOr(j.out), /python exit status 137\nscript goes on and exits 0\nslurmstepd-rtR: error: Detected \d+ oom-kill event\(s\) in StepId=\d+\.batch\./);
  });

  it('control: 200 MB under a 300 MB limit completes', async () => {
    const j = start({ script: bash(EAT(200)), memLimitBytes: 300 * 1024 * 1024 });
    const { evidence, steps } = await j.report;
    assert.equal(evidence.oomKills, 0);
    assert.equal(evidence.exitCode, 0);
    assert.ok(evidence.peakMemBytes !== null && evidence.peakMemBytes >= 200 * 1024 * 1024);
    assert.ok(evidence.userCpu + evidence.systemCpu > 0, 'CPU time measured');
    assert.equal(steps[0]?.state, 'COMPLETED');
    assert.equal(readOr(j.out), 'allocated 200MB and survived\n');
  });

  it('time limit 2 s on sleep 300: TERM on time, banner, onTimeLimit, CANCELLED 0:15', async () => {
    const j = start({ script: bash('echo start; sleep 300; echo not reached'), timeLimit: 2, killWait: 5 });
    const { evidence, steps } = await j.report;
    assert.ok(evidence.timeLimitAt !== null);
    const late = evidence.timeLimitAt - evidence.startedAt;
    assert.ok(Math.abs(late - 2000) <= 200, `TERM after ${late} ms`);
    assert.deepEqual(j.limits, [evidence.timeLimitAt]);
    assert.equal(evidence.signal, 15);
    assert.equal(evidence.killedAfterWait, false);
    assert.ok(evidence.endedAt - evidence.timeLimitAt < 1000, 'plain sleep dies on TERM');
    assert.deepEqual(steps[0]?.exitCode, { code: 0, signal: 15 });
    const out = readOr(j.out);
    assert.match(out, BANNER(j.id, ' DUE TO TIME LIMIT'));
    assert.ok(out.startsWith('start\nslurmstepd-'));
    assert.ok(!out.includes('not reached'));
  });

  it('time limit, shell traps TERM and exits 0: wait is interrupted, COMPLETED', async () => {
    const j = start({ script: bash('trap \'echo "caught SIGTERM, exiting 0"; exit 0\' TERM\necho start\nsleep 300 &\nwait\necho not reached'), timeLimit: 1, killWait: 5 });
    const { evidence, steps } = await j.report;
    assert.equal(evidence.exitCode, 0);
    assert.ok(evidence.timeLimitAt !== null);
    assert.equal(evidence.killedAfterWait, false);
    assert.equal(steps[0]?.state, 'COMPLETED');
    const out = readOr(j.out).split('\n');
    assert.equal(out[0], 'start');
    assert.match(out[1] ?? '', BANNER(j.id, ' DUE TO TIME LIMIT'));
    assert.equal(out[2], 'caught SIGTERM, exiting 0');
  });

  it('time limit, shell traps TERM and goes on: only the shell got TERM (golden b_timeout job 9), SIGKILL after KillWait', async () => {
    const j = start({ script: bash('trap \'echo caught SIGTERM\' TERM\nwhile :; do sleep 0.1; done'), timeLimit: 1, killWait: 1 });
    const { evidence, steps } = await j.report;
    assert.equal(evidence.signal, 9);
    assert.equal(evidence.killedAfterWait, true);
    assert.ok(evidence.timeLimitAt !== null);
    const wait = evidence.endedAt - evidence.timeLimitAt;
    assert.ok(wait >= 950 && wait < 1500, `killed ${wait} ms after TERM`);
    assert.deepEqual(steps[0]?.exitCode, { code: 0, signal: 9 });
    const out = readOr(j.out).split('\n');
    assert.match(out[0] ?? '', BANNER(j.id, ' DUE TO TIME LIMIT'));
    assert.deepEqual(out.slice(1), ['caught SIGTERM', ''], 'no bash "Terminated" line: the sleep child was not signalled');
  });

  it('timeLimitScope all: the TERM reaches the foreground child too', async () => {
    const j = start({ script: bash('trap \'echo caught SIGTERM\' TERM\necho start\nsleep 300\necho after'), timeLimit: 1, killWait: 5 }, { timeLimitScope: 'all' });
    const { evidence } = await j.report;
    assert.equal(evidence.exitCode, 0);
    assert.equal(evidence.killedAfterWait, false);
    assert.match(readOr(j.out), /caught SIGTERM\nafter\n$/);
  });

  it('timeScale shrinks the limit (60 s x 0.02 = 1.2 s)', async () => {
    const j = start({ script: bash('sleep 300'), timeLimit: 60, killWait: 5 }, { timeScale: 0.02 });
    const { evidence } = await j.report;
    assert.ok(evidence.timeLimitAt !== null);
    const late = evidence.timeLimitAt - evidence.startedAt;
    assert.ok(Math.abs(late - 1200) <= 200, `TERM after ${late} ms`);
  });

  it('cancel (batch scope) of a TERM-trapping shell: its foreground sleep keeps running until KillWait', async () => {
    const j = start({ script: bash('trap "echo got TERM" TERM; echo started; sleep 300'), killWait: 1 });
    await until('started', () => readOr(j.out).includes('started'));
    const t0 = Date.now();
    j.runner.terminate('cancel', 'batch');
    j.runner.terminate('cancel', 'batch');
    const { evidence, steps } = await j.report;
    assert.equal(evidence.signal, 9);
    assert.equal(evidence.killedAfterWait, true);
    assert.equal(evidence.timeLimitAt, null);
    assert.ok(Date.now() - t0 >= 950, 'waited KillWait');
    assert.deepEqual(steps[0]?.exitCode, { code: 0, signal: 9 });
    const out = readOr(j.out);
    assert.match(out, BANNER(j.id, ''));
    assert.ok(!out.includes('got TERM'), 'bash defers the trap while its foreground child runs');
  });

  it('cancel with scope all (scancel --full): TERM reaches every process, no KillWait', async () => {
    const j = start({ script: bash('trap "echo got TERM" TERM; echo started; sleep 300; echo after'), killWait: 5 });
    await until('started', () => readOr(j.out).includes('started'));
    j.runner.terminate('cancel', 'all');
    const { evidence } = await j.report;
    assert.equal(evidence.killedAfterWait, false);
    assert.equal(evidence.exitCode, 0);
    assert.ok(evidence.endedAt - evidence.startedAt < 4000);
    assert.match(readOr(j.out), /\*\*\*\n(Terminated\n)?got TERM\nafter\n$/);
  });

  it('signal USR1 to the batch shell only, then cancel', async () => {
    const j = start({ script: bash('trap "echo got USR1" USR1; echo started; for i in $(seq 100); do sleep 0.1; done'), killWait: 1 });
    await until('started', () => readOr(j.out).includes('started'));
    j.runner.signal(10, 'batch');
    await until('got USR1', () => readOr(j.out).includes('got USR1'));
    j.runner.terminate('cancel', 'batch');
    const { evidence } = await j.report;
    assert.equal(evidence.signal, 15);
    assert.match(readOr(j.out), /^started\ngot USR1\nslurmstepd-rtR: error: \*\*\* JOB \d+ ON rtR CANCELLED AT [-0-9T:]+ \*\*\*\n$/);
  });

  it('processes left behind by the batch shell are killed when it exits', async () => {
    const pidFile = path.join(dir, 'bg.pid');
    const j = start({ script: bash(`sleep 300 & echo $! > ${pidFile}; exit 0`) });
    const { evidence } = await j.report;
    assert.equal(evidence.exitCode, 0);
    assert.ok(evidence.endedAt - evidence.startedAt < 3000);
    const bg = Number(readOr(pidFile));
    assert.ok(bg > 0);
    assert.ok([null, 'Z'].includes(procState(bg)), 'background sleep is dead');
  });

  it('launch into a nonexistent workDir: launchError, no step, nothing left behind', async () => {
    const j = start({ script: bash('echo should not run'), workDir: '/nonexistent/ratchet-wd' });
    const { evidence, steps } = await j.report;
    assert.equal(evidence.launchError, 'chdir(/nonexistent/ratchet-wd): No such file or directory');
    assert.deepEqual(steps, []);
    assert.equal(readOr(j.out, 'absent'), 'absent');
    assert.equal(fs.existsSync(jobSpoolDir(spool, j.id)), false);
    assert.equal(driver?.list(NODE).includes(j.id), false);
  });

  it('launch with an unwritable stdout: launchError names the file', async () => {
    const j = start({ script: bash('echo x'), stdout: '/nonexistent/dir/out.txt' });
    const { evidence } = await j.report;
    assert.equal(evidence.launchError, 'open(/nonexistent/dir/out.txt): No such file or directory');
  });

  it('suspend freezes every process of a forking tree; resume continues it', async () => {
    const ticks = path.join(dir, 'ticks');
    const j = start({ script: bash(`( while :; do echo x >> ${ticks}; sleep 0.05; done ) &\nbash -c 'while :; do sleep 0.05; done' &\nwait`), killWait: 1 });
    await until('ticking', () => readOr(ticks).length > 10);
    const cg = j.runner.cgroupPath;
    assert.ok(cg !== null);
    const procs = (): number[] => readOr(path.join(cg, 'cgroup.procs')).split('\n').filter(Boolean).map(Number);
    assert.ok(procs().length >= 4, `tree: ${procs().join(' ')}`);
    j.runner.suspend();
    assert.equal(j.runner.phase, 'suspended');
    await until('all stopped', () => procs().every((p) => ['D', 'T', 't', null].includes(procState(p))), 2000);
    const size = readOr(ticks).length;
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(readOr(ticks).length, size, 'no progress while suspended');
    j.runner.resume();
    assert.equal(j.runner.phase, 'running');
    await until('ticking again', () => readOr(ticks).length > size + 4, 2000);
    j.runner.terminate('cancel', 'all');
    const { evidence } = await j.report;
    assert.equal(evidence.signal, 15);
  });

  it('suspended time does not count toward the time limit', async () => {
    const j = start({ script: bash('sleep 300'), timeLimit: 1, killWait: 1 });
    await new Promise((r) => setTimeout(r, 300));
    j.runner.suspend();
    await new Promise((r) => setTimeout(r, 1200));
    assert.deepEqual(j.limits, [], 'no time limit while suspended');
    j.runner.resume();
    const { evidence } = await j.report;
    assert.ok(evidence.timeLimitAt !== null);
    const late = evidence.timeLimitAt - evidence.startedAt;
    assert.ok(Math.abs(late - 2200) <= 250, `TERM after ${late} ms (1 s run + 1.2 s suspended)`);
  });

  it('cancel while suspended: thawed and SIGKILLed at once, no banner', async () => {
    const j = start({ script: bash('echo started; sleep 300'), killWait: 5 });
    await until('started', () => readOr(j.out).includes('started'));
    j.runner.suspend();
    const t0 = Date.now();
    j.runner.terminate('cancel', 'batch');
    const { evidence } = await j.report;
    assert.equal(evidence.signal, 9);
    assert.ok(Date.now() - t0 < 2000);
    assert.equal(readOr(j.out), 'started\n');
  });

  it('terminate before the script exists: the launch is abandoned and reported', async () => {
    const j = start({ script: bash('echo should not run'), killWait: 5 });
    j.runner.terminate('cancel', 'all');
    const { evidence, steps } = await j.report;
    assert.equal(evidence.launchError, 'terminated (cancel) before the script started');
    assert.deepEqual(steps, []);
    assert.equal(readOr(j.out, 'absent'), 'absent');
  });

  it('a launcher stuck before the script (stdout is a FIFO nobody reads) is killed by terminate', async () => {
    const fifo = path.join(dir, 'fifo.out');
    execFileSync('mkfifo', [fifo]);
    const j = start({ script: bash('echo never'), stdout: fifo, killWait: 5 });
    // The launcher is running (it has a pid) but blocks opening the FIFO.
    for (const deadline = Date.now() + 10_000; j.runner.pid === null && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 10));
    assert.notEqual(j.runner.pid, null);
    assert.equal(j.runner.phase, 'starting');
    j.runner.terminate('cancel', 'batch');
    const { evidence, steps } = await j.report;
    assert.equal(evidence.launchError, 'killed (cancel) before the script started');
    assert.deepEqual(steps, []);
  });

  it('a signal sent while the launcher runs is delivered once the script runs', async () => {
    const j = start({ script: bash('sleep 300'), killWait: 5 });
    j.runner.signal(10, 'batch');
    const { evidence } = await j.report;
    assert.equal(evidence.signal, 10);
    assert.equal(evidence.launchError, null);
  });

  it('a time limit beyond setTimeout\'s range does not fire early', async () => {
    const j = start({ script: bash('sleep 0.3'), timeLimit: 2 ** 40 });
    const { evidence } = await j.report;
    assert.equal(evidence.timeLimitAt, null);
    assert.equal(evidence.exitCode, 0);
  });

  it('runs as a non-root user: own uid/gid, files owned by the user', { skip: nobody() === null ? 'skipped: no nobody user' : false }, async () => {
    const u = nobody();
    assert.ok(u !== null);
    const wd = path.join(dir, 'nobody');
    fs.mkdirSync(wd, { mode: 0o777 });
    fs.chmodSync(wd, 0o777);
    const j = start({ script: bash('id -u; id -g; id -G; touch mine'), user: u, workDir: wd, stdout: path.join(wd, 'out') });
    const { evidence } = await j.report;
    assert.equal(evidence.launchError, null);
    assert.equal(evidence.exitCode, 0);
    assert.equal(readOr(j.out), `${u.uid}\n${u.gid}\n${u.gid}\n`);
    assert.equal(fs.statSync(j.out).uid, u.uid);
    assert.equal(fs.statSync(path.join(wd, 'mine')).uid, u.uid);
  });

  it('a uid unknown to this machine: setpriv fails, reported as launchError', async () => {
    const j = start({ script: bash('id'), user: { name: 'ghost', uid: 54321, gid: 54321, group: 'ghost' } });
    const { evidence } = await j.report;
    assert.match(evidence.launchError ?? '', /setpriv: uid 54321 not found/);
  });

  it('a broken cgroup driver becomes a launchError completion, not a crash', async () => {
    const broken: CgroupDriver = {
      kind: 'v2',
      root: '/nonexistent',
      create: () => Promise.reject(new Error('mkdir: EACCES')),
      list: () => [],
      cleanupStale: () => Promise.resolve(0),
    };
    const reports: RunReport[] = [];
    const r = JobRunner.start({
      launch: makeLaunch({ id: nextId++, script: bash('true'), dir }),
      node: NODE,
      spoolDir: spool,
      cgroups: broken,
      onTimeLimit: () => undefined,
      onComplete: (rep) => {
        reports.push(rep);
        throw new Error('a throwing callback must not escape');
      },
    });
    r.terminate('cancel', 'all');
    const { evidence, steps } = await r.done;
    assert.equal(evidence.launchError, 'launch setup: mkdir: EACCES');
    assert.deepEqual(steps, []);
    assert.equal(reports.length, 1);
  });
});

function nobody(): UserIdentity | null {
  try {
    const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('nobody:'));
    const f = line?.split(':');
    if (f === undefined || f.length < 4) return null;
    return { name: 'nobody', uid: Number(f[2]), gid: Number(f[3]), group: 'nogroup' };
  } catch {
    return null;
  }
}


// The v2 driver end to end, on a hybrid system's controller-less unified mount: joining,
// freezing and killing are cgroup2 core features, so they work there for real.
const unified = '/sys/fs/cgroup/unified';
const hybrid = isRoot && driver?.kind === 'v1' && isCgroupFs(unified) && fs.existsSync(path.join(unified, 'cgroup.controllers'));

describe('JobRunner on cgroup v2 (hybrid unified mount)', { skip: hybrid ? false : 'skipped: no hybrid cgroup2 mount (or not root)', concurrency: true }, () => {
  const v2 = new V2Driver(unified, false);
  const node = `rtV${process.pid}`;
  const run = (spec: Omit<JobSpec, 'dir'>): JobRunner => JobRunner.start({
    launch: makeLaunch({ ...spec, dir }),
    node,
    spoolDir: spool,
    cgroups: v2,
    onTimeLimit: () => undefined,
    onComplete: () => undefined,
  });

  after(() => {
    try {
      fs.rmdirSync(path.join(unified, `ratchet_${node}`));
    } catch {
      // absent
    }
  });

  it('runs in the v2 job cgroup, suspends with cgroup.freeze, cancels, removes the cgroup', async () => {
    const id = nextId++;
    const out = path.join(dir, `v2-${id}.out`);
    const r = run({ id, script: bash('cat /proc/self/cgroup; sleep 300 & sleep 300'), stdout: out, killWait: 1 });
    await until('started', () => readOr(out).includes(`0::/ratchet_${node}/job_${id}`));
    r.suspend();
    await until('frozen', () => readOr(path.join(unified, `ratchet_${node}/job_${id}/cgroup.events`)).includes('frozen 1'));
    r.resume();
    await until('thawed', () => readOr(path.join(unified, `ratchet_${node}/job_${id}/cgroup.events`)).includes('frozen 0'));
    r.terminate('cancel', 'all');
    const { evidence } = await r.done;
    assert.equal(evidence.signal, 15);
    assert.equal(evidence.peakMemBytes, null, 'no memory controller on this mount');
    assert.equal(fs.existsSync(path.join(unified, `ratchet_${node}/job_${id}`)), false);
  });

  it('a memory limit without a memory controller is a launch error', async () => {
    const r = run({ id: nextId++, script: bash('true'), memLimitBytes: 1 << 26 });
    const { evidence } = await r.done;
    assert.match(evidence.launchError ?? '', /^launch setup: cgroup v2: the memory controller is not enabled/);
  });
});
