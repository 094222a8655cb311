// One run of one batch job on this node, from cgroup creation to the completion report:
// the agent's slurmstepd. Created by the agent's launch route, driven by terminate /
// signal / suspend / resume, and it reports back through two callbacks:
//   onTimeLimit(at)  the moment the runner acts on the time limit (TERM sent), so the
//                    controller can mark TIMEOUT without waiting for the exit;
//   onComplete(r)    once, with the kernel's evidence and the batch StepRecord.
//
// Slurm behaviour reproduced here (golden b_timeout, c_exitcodes, d_suspend, a_oom):
// - time limit, counted from the job's StartTime with suspended time excluded (limit-clock.ts): banner
//   `... DUE TO TIME LIMIT ***` on the job's stderr, SIGCONT+SIGTERM to the batch shell
//   (Slurm's proctrack/cgroup sends non-KILL signals to the task only; `timeLimitScope`
//   'all' reaches every process), SIGKILL to everything left after KillWait;
// - cancel: banner, SIGCONT+SIGTERM to the batch shell only (scope 'batch'; a TERM-trapping
//   shell's foreground child keeps running) or to all ('all', scancel --full), KillWait,
//   SIGKILL; a suspended job gets no "nice" termination: thawed and SIGKILLed at once;
// - when the batch shell exits, whatever it left behind in the cgroup is SIGKILLed (Slurm
//   kills a step's remaining processes when its task ends);
// - an OOM kill anywhere in the cgroup appends Slurm 22.05's oom-kill notice to stderr.
// Nothing escapes from timers or callbacks: any failure becomes a completion with
// evidence.launchError set (before the script ran) or is logged (after).
//
// Test hooks: `timeScale` shrinks the time limit and KillWait; `done` resolves with the
// report; `pid` is the batch shell.

import type { LaunchRequest } from '../api/wire.ts';
import type { JobCgroup } from './cgroup.ts';
import type { LaunchExit, TerminateCause } from './launch.ts';
import type { JobRunnerOptions, RunnerPhase, SignalScope } from './job-runner-options.ts';
import { appendToJobFile, cancelBanner, findSetpriv, launchBatch, launchSpecOf, oomNotice } from './launch.ts';
import { RunTraces } from './run-traces.ts';
import { LimitClock, MAX_TIMER_MS } from './limit-clock.ts';
import { NO_COUNTERS, endOfRunCounters, runReport } from './run-report.ts';
import type { RunReport } from './run-report.ts';
import { SIG, errText, sendSignal } from './proc.ts';
import { RunGather } from './step-usage.ts';
import { TreeStopper } from './tree-stop.ts';

export { batchStepOutcome } from './run-report.ts';
export type { RunReport } from './run-report.ts';

export type { JobRunnerOptions, RunnerPhase, SignalScope, TerminateCause } from './job-runner-options.ts';

/** How long a terminate waits for a launcher that has not reached the script yet. */
const START_GRACE_MS = 1000;

export class JobRunner {
  readonly jobId: number;
  readonly attempt: number;
  readonly done: Promise<RunReport>;
  private phaseNow: RunnerPhase = 'starting';
  private cg: JobCgroup | null = null;
  private shellPid: number | null = null;
  private shellExit: LaunchExit | null = null;
  private startedAt = Date.now();
  private readonly scale: number;
  private timeLimitAt: number | null = null;
  private killedAfterWait = false;
  private readonly clock: LimitClock;
  private killTimer: NodeJS.Timeout | null = null;
  private readonly gather = new RunGather((what, fn) => this.guard(what, fn));
  private readonly stopper = new TreeStopper();
  /** Actions that arrived before the script was running; replayed once it is. */
  private pending: (() => void)[] = [];
  /** Why the runner was stopped before the script existed (terminate or limit while starting). */
  private abortedBeforeLaunch: string | null = null;
  private startGrace: NodeJS.Timeout | null = null;
  private resolveDone!: (r: RunReport) => void;
  private readonly opts: JobRunnerOptions;
  private readonly traces: RunTraces;

  private constructor(opts: JobRunnerOptions) {
    this.opts = opts;
    this.jobId = opts.launch.job.id;
    this.attempt = opts.launch.attempt;
    this.scale = opts.timeScale !== undefined && opts.timeScale > 0 ? opts.timeScale : 1;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    const l = opts.launch;
    this.traces = new RunTraces({
      cgroups: opts.cgroups, cgroupName: opts.cgroupName ?? opts.node, spoolDir: opts.spoolDir, jobId: this.jobId,
      attempt: this.attempt, script: l.job.req.script, uid: l.user.uid, gid: l.user.gid, memLimitBytes: l.memLimitBytes,
      log: (m) => this.log(m),
    });
    const req = opts.launch.job.req;
    this.clock = new LimitClock({
      limitMs: req.timeLimit === null ? null : this.seconds(req.timeLimit),
      warnBeforeMs: req.signal === null ? null : this.seconds(req.signal.secs),
      onLimit: () => this.onLimit(),
      onWarn: () => this.onWarn(),
      guard: (what, fn) => this.guard(what, fn),
    });
  }

  static start(opts: JobRunnerOptions): JobRunner {
    const r = new JobRunner(opts);
    r.run().catch((err: unknown) => r.log(`job ${r.jobId}: runner failure: ${errText(err)}`));
    return r;
  }

  get phase(): RunnerPhase {
    return this.phaseNow;
  }

  /** The batch shell's pid (its session and process group too); null before launch. */
  get pid(): number | null {
    return this.shellPid;
  }

  get cgroupPath(): string | null {
    return this.cg?.path ?? null;
  }

  /** What the controller sent to start this run. */
  get launchRequest(): LaunchRequest {
    return this.opts.launch;
  }

  /** The job's cgroup, once created: srun steps get theirs inside it. */
  get cgroup(): JobCgroup | null {
    return this.phaseNow === 'running' || this.phaseNow === 'suspended' ? this.cg : null;
  }

  private log(msg: string): void {
    try {
      this.opts.log?.(msg);
    } catch {
      // a broken logger must not break the job
    }
  }

  /** Runs `fn`, logging instead of throwing: used by every timer and public entry point. */
  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log(`job ${this.jobId}: ${what}: ${errText(err)}`);
    }
  }

  private seconds(s: number): number {
    return s * 1000 * this.scale;
  }

  private async run(): Promise<void> {
    let exit: LaunchExit;
    try {
      exit = await this.launchAndWait();
    } catch (err) {
      exit = { code: null, signal: null, launchError: `launch setup: ${errText(err)}` };
    }
    if (exit.launchError === null && this.abortedBeforeLaunch !== null) exit = { ...exit, launchError: this.abortedBeforeLaunch };
    this.shellExit = exit;
    await this.finish(exit);
  }

  private async launchAndWait(): Promise<LaunchExit> {
    const { launch } = this.opts;
    let made: { cg: JobCgroup; scriptPath: string };
    try {
      made = await this.traces.make();
    } finally {
      // whichever was made is removed by finish(), even when the other failed
      this.cg = this.traces.cg;
    }
    const { cg, scriptPath } = made;
    if (this.abortedBeforeLaunch !== null) return { code: null, signal: null, launchError: this.abortedBeforeLaunch };
    const launched = launchBatch(launchSpecOf(launch, scriptPath, cg.procFiles),
      this.opts.setpriv !== undefined ? this.opts.setpriv : findSetpriv());
    this.shellPid = launched.pid;
    this.startedAt = Date.now();
    const shell = launched.pid;
    if (shell === null) return launched.exit;
    this.gather.first(shell);
    // Slurm's limit runs from the job's StartTime (the controller's decision), so a launch
    // that arrives late does not lengthen the job: count the delay as time already run.
    // (A gap over a minute means another clock, not a slow launch: then count from the spawn.)
    // The limit also covers a launcher that never gets to the script (an output path that
    // is a FIFO nobody reads blocks its open forever).
    const decided = launch.job.startTime;
    const gap = decided === null ? -1 : this.startedAt - decided;
    this.clock.start(this.startedAt, gap >= 0 && gap < 60_000 ? gap : 0);
    await launched.ready;
    if (this.startGrace !== null) clearTimeout(this.startGrace);
    if (this.phaseNow === 'starting') {
      this.phaseNow = 'running';
      this.gather.start(cg);
      const queued = this.pending;
      this.pending = [];
      for (const action of queued) action();
    }
    return launched.exit;
  }

  // ---- time limit ---------------------------------------------------------------------

  /** `scontrol update TimeLimit=` on a running job: the limit counts from the start as before. */
  setTimeLimit(seconds: number | null): void {
    this.guard('set time limit', () => this.clock.setLimit(seconds === null ? null : this.seconds(seconds)));
  }

  /**
   * `--signal=[B:]SIG@secs`: SIGCONT then SIG, `secs` before the limit (on time, where Slurm
   * may be up to 60 s early). With B: the batch shell gets it; without, only job steps do.
   */
  private onWarn(): void {
    const w = this.opts.launch.job.req.signal;
    if (w === null || this.phaseNow !== 'running') return;
    if (!w.batch) {
      this.opts.steps?.signal(w.signal);
      return;
    }
    this.signal(SIG.CONT, 'batch');
    this.signal(w.signal, 'batch');
  }

  private onLimit(): void {
    if (this.phaseNow !== 'running' && this.phaseNow !== 'starting') return;
    const at = Date.now();
    this.timeLimitAt = at;
    if (this.phaseNow === 'starting') this.killBeforeScript('time limit');
    else this.beginTermination('timeout', this.opts.timeLimitScope ?? 'batch', at);
    try {
      this.opts.onTimeLimit(at);
    } catch (err) {
      this.log(`job ${this.jobId}: onTimeLimit: ${errText(err)}`);
    }
  }

  // ---- control ------------------------------------------------------------------------

  /** Ends the job: banner, SIGCONT+SIGTERM per scope, KillWait, SIGKILL. Idempotent. */
  terminate(cause: TerminateCause, scope: SignalScope): void {
    this.guard('terminate', () => {
      if (this.phaseNow === 'starting') {
        if (this.shellPid === null) {
          this.abortedBeforeLaunch = `terminated (${cause}) before the script started`;
          return;
        }
        // The launcher normally reaches the script within milliseconds; replay then. One
        // stuck before it (blocked open) is killed after a grace period.
        this.pending.push(() => this.terminate(cause, scope));
        this.startGrace ??= setTimeout(() => this.guard('terminate', () => {
          if (this.phaseNow === 'starting') this.killBeforeScript(cause);
        }), START_GRACE_MS);
        return;
      }
      if (this.phaseNow === 'suspended') {
        // Slurm does not bother with a nice termination of a suspended job. SIGKILL first,
        // then thaw: a frozen task acts on the pending SIGKILL as it leaves the freezer,
        // without running another instruction of the job's code.
        this.phaseNow = 'terminating';
        this.clock.stop();
        this.killEverything();
        this.thawAll();
        return;
      }
      if (this.phaseNow !== 'running') return;
      this.beginTermination(cause, scope, Date.now());
    });
  }

  /** The launcher has not reached the script yet: nothing to be nice to, kill it. */
  private killBeforeScript(why: string): void {
    this.abortedBeforeLaunch = `killed (${why}) before the script started`;
    this.phaseNow = 'terminating';
    this.clock.stop();
    this.pending = [];
    this.killEverything();
  }

  private beginTermination(cause: TerminateCause, scope: SignalScope, at: number): void {
    this.phaseNow = 'terminating';
    this.clock.stop();
    const banner = cancelBanner(this.opts.node, this.jobId, cause, at);
    // Running steps print their own banner first; an srun writing to the job's stderr file
    // takes the job's banner too, so the file reads in Slurm's order.
    const delegated = this.opts.steps?.abort(cause, at, banner, this.opts.launch.stderr) ?? false;
    if (!delegated) this.appendToStderr(banner);
    this.deliver(SIG.CONT, scope);
    this.deliver(SIG.TERM, scope);
    this.killTimer = setTimeout(() => this.guard('KillWait', () => {
      this.killTimer = null;
      if (this.phaseNow !== 'terminating') return;
      if (this.killEverything() > 0) this.killedAfterWait = true;
    }), Math.min(MAX_TIMER_MS, this.seconds(this.opts.launch.killWait)));
  }

  /** Before the script runs, an action waits for it (replayed once it does); true when deferred. */
  private deferWhileStarting(action: () => void): boolean {
    if (this.phaseNow !== 'starting') return false;
    this.pending.push(action);
    return true;
  }

  /** Sends `sig` to the batch shell only ('batch') or to every process of the job ('all'). */
  signal(sig: number, scope: SignalScope): void {
    this.guard('signal', () => {
      if (this.deferWhileStarting(() => this.signal(sig, scope))) return;
      if (this.phaseNow === 'finishing' || this.phaseNow === 'done') return;
      this.deliver(sig, scope);
    });
  }

  private deliver(sig: number, scope: SignalScope): void {
    if (scope === 'steps') {
      // The job's srun steps (step-hooks.ts); without any, nobody, as in Slurm.
      this.opts.steps?.signal(sig);
      return;
    }
    if (scope === 'batch') {
      if (this.shellPid !== null && this.shellExit === null) sendSignal(this.shellPid, sig);
      return;
    }
    this.cg?.killAll(sig);
  }

  private killEverything(): number {
    let n = this.cg?.killAll(SIG.KILL) ?? 0;
    if (this.shellPid !== null && this.shellExit === null && sendSignal(this.shellPid, SIG.KILL)) n = Math.max(n, 1);
    return n;
  }

  /** Stops every process of the job: kernel freezer, else SIGSTOP. Pauses the time limit. */
  suspend(): void {
    this.guard('suspend', () => {
      if (this.deferWhileStarting(() => this.suspend())) return;
      if (this.phaseNow !== 'running' || this.cg === null) return;
      this.phaseNow = 'suspended';
      this.clock.pause(Date.now());
      const freezerError = this.stopper.stop(this.cg, this.shellPid);
      if (freezerError !== null) this.log(`job ${this.jobId}: freezer failed, using SIGSTOP: ${freezerError}`);
    });
  }

  /** Continues a suspended job; the time limit resumes where it stopped. */
  resume(): void {
    this.guard('resume', () => {
      if (this.deferWhileStarting(() => this.resume())) return;
      if (this.phaseNow !== 'suspended') return;
      this.thawAll();
      this.phaseNow = 'running';
      this.clock.resume(Date.now());
    });
  }

  private thawAll(): void {
    if (this.cg !== null) this.stopper.cont(this.cg, this.shellPid);
  }

  // ---- completion ---------------------------------------------------------------------

  private appendToStderr(text: string): void {
    const err = appendToJobFile(this.opts.launch.stderr, this.opts.launch.user.uid, text);
    if (err !== null) this.log(`job ${this.jobId}: ${err}`);
  }

  private async finish(exit: LaunchExit): Promise<void> {
    if (this.phaseNow === 'done' || this.phaseNow === 'finishing') return;
    // The batch script ended by itself: steps it left running (`srun ... &`) end with it.
    if (this.phaseNow !== 'terminating') this.opts.steps?.signal(SIG.KILL);
    this.phaseNow = 'finishing';
    this.clock.stop();
    if (this.killTimer !== null) clearTimeout(this.killTimer);
    this.gather.stop();
    if (this.startGrace !== null) clearTimeout(this.startGrace);
    this.killTimer = null;
    const cg = this.cg;
    const waitMs = this.seconds(this.opts.launch.killWait);
    const counters = await endOfRunCounters(cg, this.opts.steps, waitMs, () => this.thawAll())
      .catch((err: unknown) => {
        this.log(`job ${this.jobId}: reading cgroup counters: ${errText(err)}`);
        return NO_COUNTERS;
      });
    const { oomKills } = counters;
    const usage = this.gather.result(cg);
    if (oomKills > 0 && exit.launchError === null) this.appendToStderr(oomNotice(this.opts.node, this.jobId, oomKills));
    const report = runReport({
      exit, ...counters, timeLimitAt: this.timeLimitAt, killedAfterWait: this.killedAfterWait,
      memLimitBytes: this.opts.launch.memLimitBytes, cpus: this.opts.launch.cpus, node: this.opts.node,
      startedAt: this.startedAt, endedAt: Date.now(), usage,
    });
    // The report goes out first; the cgroup and the spool directory go meanwhile (run-traces.ts).
    const removed = this.traces.remove();
    try {
      this.opts.onComplete(report);
    } catch (err) {
      this.log(`job ${this.jobId}: onComplete: ${errText(err)}`);
    }
    await removed;
    this.phaseNow = 'done';
    this.resolveDone(report);
  }
}
