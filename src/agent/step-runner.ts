// One srun step's tasks on this node: the agent's slurmstepd for a `J.N` step. Each task
// runs in the step's own cgroup inside its job's (`job_<id>/step_<n>`: the job's limits,
// the step's own oom_kill counter, peak memory and CPU time), as the job's user, with its
// stdout/stderr streamed back to srun as StepMsg lines. When every task has exited, what
// they left in the step cgroup is killed (as Slurm does) and the step's record is sent.
//
// Launch: a /bin/sh stage as root writes its pid into the step cgroup, then execs
// setpriv (when the user is not the agent's) and `env -C cwd -i VARS... argv`, so the task
// has exactly the environment srun sent plus its SLURM_* task variables.
//
// Test hooks: `setpriv` overrides discovery; `done` resolves with the end message.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { StepLaunchRequest, StepMsg } from '../api/step-wire.ts';
import type { StepRecord } from '../core/job.ts';
import { stepOomNotice, stepOutcome, taskEnv } from '../core/step.ts';
import type { TaskEnd } from '../core/step.ts';
import type { JobCgroup } from './cgroup.ts';
import { cgroupEvidence, drainCgroup } from './cgroup.ts';
import { stepDirName } from './cgroup-tree.ts';
import { fanOut } from './step-input.ts';
import { findEnv, findSetpriv, oomNotice } from './launch.ts';
import { SIG, errText, sendSignal, signalNumber } from './proc.ts';

const STAGE = `
while [ "$1" != -- ]; do
  { printf '%s\\n' "$$" >"$1"; } 2>/dev/null || { printf 'slurmstepd: error: cannot add pid %s to %s\\n' "$$" "$1" >&2; exit 125; }
  shift
done
shift
p=$1 u=$2 g=$3 e=$4 d=$5
shift 5
if [ -n "$p" ]; then exec "$p" --reuid="$u" --regid="$g" --init-groups -- "$e" -C "$d" -i "$@"; fi
exec "$e" -C "$d" -i "$@"
`;

export interface StepRunnerOptions {
  readonly req: StepLaunchRequest;
  readonly node: string;
  /** The job's cgroup; the step's is created inside it. */
  readonly parent: JobCgroup;
  readonly uid: number;
  readonly gid: number;
  readonly killWait: number;
  send(msg: StepMsg): void;
  log?(message: string): void;
  readonly setpriv?: string | null;
  /** srun's stdin, copied to every task; none = the tasks' stdin is closed at once. */
  readonly input?: Readable | null;
}

export interface StepEnd {
  readonly tasks: TaskEnd[];
  readonly oomKills: number;
  readonly record: StepRecord;
}

export class StepRunner {
  readonly jobId: number;
  readonly stepId: number;
  readonly done: Promise<StepEnd>;
  private resolveDone!: (e: StepEnd) => void;
  private readonly opts: StepRunnerOptions;
  private cg: JobCgroup | null = null;
  private readonly children: ChildProcess[] = [];
  private readonly ends: TaskEnd[] = [];
  private aborted = false;
  private killTimer: NodeJS.Timeout | null = null;
  private finished = false;

  private constructor(opts: StepRunnerOptions) {
    this.opts = opts;
    this.jobId = opts.req.jobId;
    this.stepId = opts.req.stepId;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  static start(opts: StepRunnerOptions): StepRunner {
    const r = new StepRunner(opts);
    r.run().catch((err: unknown) => {
      opts.log?.(`step ${r.jobId}.${r.stepId}: ${errText(err)}`);
      r.send({ t: 'error', message: errText(err) });
    });
    return r;
  }

  get isAborted(): boolean {
    return this.aborted;
  }

  /** The step's cgroup while it runs (sstat reads it); null before it exists. */
  get cgroup(): JobCgroup | null {
    return this.finished ? null : this.cg;
  }

  /** Tasks of the step on this node. */
  get taskCount(): number {
    return this.opts.req.tasks.length;
  }

  private send(msg: StepMsg): void {
    try {
      this.opts.send(msg);
    } catch {
      // srun went away: the step still runs to its end and is accounted
    }
  }

  private async run(): Promise<void> {
    const { req } = this.opts;
    const started = Date.now();
    this.cg = this.opts.parent.child(stepDirName(req.stepId));
    const envPath = findEnv();
    if (envPath === null) throw new Error('env(1) not found in /usr/bin or /bin');
    const me = process.getuid?.() ?? 0;
    const priv = this.opts.uid !== me || (me === 0 && this.opts.gid !== (process.getgid?.() ?? 0))
      ? (this.opts.setpriv !== undefined ? this.opts.setpriv : findSetpriv()) : '';
    if (priv === null) throw new Error(`cannot run as uid ${this.opts.uid}: setpriv (util-linux) not found`);
    const exits: Promise<void>[] = [];
    req.tasks.forEach((task, local) => {
      const env = { ...req.env, ...taskEnv(task, local, req.nodeIndex, this.opts.node, req.tasks) };
      const pairs = Object.entries(env).filter(([k]) => k !== '' && !k.includes('=')).map(([k, v]) => `${k}=${v}`);
      const args = ['-c', STAGE, 'ratchet-step', ...(this.cg?.procFiles ?? []), '--', priv, String(this.opts.uid), String(this.opts.gid),
        envPath, req.cwd, ...pairs, ...req.argv];
      const child = spawn('/bin/sh', args, { cwd: '/', env: {}, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
      this.children.push(child);
      child.stdout.on('data', (d: Buffer) => this.send({ t: 'o', i: task, d: d.toString('base64') }));
      child.stderr.on('data', (d: Buffer) => this.send({ t: 'e', i: task, d: d.toString('base64') }));
      exits.push(new Promise((resolve) => {
        child.on('error', () => {
          this.ends.push({ task, code: 2, signal: null });
          resolve();
        });
        child.on('exit', (code, signal) => {
          this.ends.push({ task, code: signal === null ? code : null, signal: signalNumber(signal) });
          resolve();
        });
      }));
    });
    fanOut(this.opts.input ?? null, this.children.map((c) => c.stdin).filter((s): s is Writable => s !== null));
    await Promise.all(exits);
    // Slurm ends a step's leftovers once its tasks are gone; their pipes then close too.
    await drainCgroup(this.cg, 5000);
    await Promise.all(this.children.map((c) => new Promise<void>((resolve) => {
      if (c.stdout?.readableEnded !== false && c.stderr?.readableEnded !== false) return resolve();
      c.on('close', () => resolve());
      setTimeout(resolve, 2000).unref();
    })));
    this.finish(started);
  }

  private finish(started: number): void {
    if (this.killTimer !== null) clearTimeout(this.killTimer);
    const cg = this.cg;
    let ev = { oomKills: 0, peak: null as number | null, cpu: { user: 0, system: 0 } };
    try {
      if (cg !== null) ev = cgroupEvidence(cg);
    } catch (err) {
      this.opts.log?.(`step ${this.jobId}.${this.stepId}: reading cgroup counters: ${errText(err)}`);
    }
    const out = stepOutcome(this.ends, ev.oomKills);
    const { req } = this.opts;
    const record: StepRecord = {
      id: req.stepId, name: req.name, state: out.state, exitCode: out.exitCode, start: started, end: Date.now(),
      maxRssBytes: ev.peak, cpus: req.tasks.length * (req.cpusPerTask ?? 1), nodeList: [this.opts.node],
      userCpu: ev.cpu.user, systemCpu: ev.cpu.system,
    };
    const notice = ev.oomKills > 0 ? stepOomNotice(oomNotice(this.opts.node, this.jobId, ev.oomKills), this.jobId, this.stepId) : null;
    this.finished = true;
    this.send({ t: 'end', tasks: this.ends, oomKills: ev.oomKills, notice, record });
    void cg?.remove().catch((err: unknown) => this.opts.log?.(`step ${this.jobId}.${this.stepId}: ${errText(err)}`));
    this.resolveDone({ tasks: this.ends, oomKills: ev.oomKills, record });
  }

  /**
   * SIGKILL and SIGCONT reach every process of the step; any other signal only the tasks
   * themselves (Slurm's proctrack/cgroup: a trapping shell's `sleep` child is left alone,
   * golden b_timeout b2).
   */
  signal(sig: number): void {
    if (this.finished) return;
    if (sig === SIG.KILL || sig === SIG.CONT) {
      this.cg?.killAll(sig);
      return;
    }
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null && c.pid !== undefined) sendSignal(c.pid, sig);
  }

  /**
   * The job ends under the step: srun prints `lines` (the step's banner, maybe the job's)
   * and waits; the tasks get SIGCONT+SIGTERM, then SIGKILL after KillWait.
   */
  abort(lines: string[]): void {
    if (this.finished || this.aborted) return;
    this.aborted = true;
    this.send({ t: 'abort', lines, wait: this.opts.killWait + 2 });
    this.signal(SIG.CONT);
    this.signal(SIG.TERM);
    this.killTimer = setTimeout(() => this.signal(SIG.KILL), this.opts.killWait * 1000);
    this.killTimer.unref();
  }
}
