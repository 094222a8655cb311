// Runs the pure scheduler pass on every submit and completion (coalesced into one pass per
// event-loop turn) and on the controller's 1 s tick, then starts what it placed: the
// start is committed first, the launch is sent after, so a controller crash can never
// make a job run twice (the agent deduplicates a relaunch of the same attempt).

import type { Job } from '../core/job.ts';
import type { Reason } from '../core/reason.ts';
import { schedule } from '../sched/schedule.ts';
import type { SchedJob, SchedNode, SchedPartition } from '../sched/schedule.ts';
import type { Controller } from './controller.ts';
import { cpusPerNode, memPerNodeOf } from '../core/job-new.ts';
import { pendingTasks } from '../core/job-array.ts';
import { setIntersect, setSize, setTake } from '../core/array-spec.ts';
import { runningTasks, splitArrayTask } from './arrays.ts';
import { dependencySatisfied } from '../core/dependency-eval.ts';
import { timeGate } from './time-gate.ts';

/** Reasons the scheduler must not overwrite: the job is not eligible for other causes. */
const STICKY: ReadonlySet<Reason> = new Set<Reason>([
  'JobHeldUser', 'JobHeldAdmin', 'PartitionNodeLimit', 'PartitionConfig', 'PartitionTimeLimit',
  'Dependency', 'DependencyNeverSatisfied', 'BeginTime',
]);

/** The longest the tick goes without a full pass, whatever it knows. */
const SAFETY_MS = 5000;

export class SchedulerLoop {
  private pending = false;
  /** Requests that act on several jobs (scancel 1 2 3) run with passes deferred. */
  private deferred = 0;
  private wanted = false;

  private readonly ctl: Controller;
  // What the 1 s tick needs to know to skip a pass that could not change anything (with
  // 100k pending jobs a pass costs ~0.1 s): whether anything was asked for or changed since
  // the last pass, when its earliest time gate opens, whether a dependency could be met by
  // time alone; and a full pass at least every SAFETY_MS whatever happens.
  private dirty = true;
  private lastGen = -1;
  private lastNodes = '';
  private lastFullAt = 0;
  private nextGateAt = 0;
  private dependent = false;

  constructor(ctl: Controller) {
    this.ctl = ctl;
  }

  /**
   * Run `fn` with no scheduler pass in between its steps, one pass after it if any was asked
   * for: a multi-job scancel is one act, as it is to Slurm, so no job starts on what the
   * first cancel freed just before the next cancel would have removed it.
   */
  async batch<T>(fn: () => Promise<T>): Promise<T> {
    this.deferred++;
    try {
      return await fn();
    } finally {
      this.deferred--;
      if (this.deferred === 0 && this.wanted) {
        this.wanted = false;
        this.request();
      }
    }
  }

  /** The controller's tick: a pass when one could start a job or change a reason. */
  tick(now: number): void {
    const ctl = this.ctl;
    const nodes = ctl.nodes.signature();
    if (this.dirty || ctl.gen !== this.lastGen || nodes !== this.lastNodes || this.dependent || now >= this.nextGateAt
      || now - this.lastFullAt >= SAFETY_MS) this.request();
  }

  request(): void {
    this.dirty = true;
    if (this.deferred > 0) {
      this.wanted = true;
      return;
    }
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      void this.pass().catch((e: unknown) => {
        process.stderr.write(`ratchetctld: scheduler pass failed: ${String(e)}\n`);
      });
    });
  }

  private eligible(job: Job, now: number): boolean {
    if (job.state !== 'PENDING' || job.held !== null || STICKY.has(job.reason) || job.flags.includes('COMPLETING')) return false;
    if (job.eligibleTime !== null && job.eligibleTime > now) return false;
    return dependencySatisfied(job) || setSize(this.ctl.deps.readyTasks(job) ?? []) > 0;
  }

  /** Candidates for a job, one per array task that could start now (throttle, free CPUs). */
  private candidatesOf(job: Job, running: Map<number, number>, freeCpus: number, out: SchedJob[], limited: Job[]): void {
    const base = {
      id: job.id, partition: job.req.partition, priority: job.priority, nodes: job.req.nodes,
      cpusPerNode: cpusPerNode(job.req), memPerNode: memPerNodeOf(job.req),
      ...(job.req.requiredNodes !== undefined ? { required: job.req.requiredNodes } : {}),
      ...(job.req.exclusive === true ? { exclusive: true } : {}),
    };
    const all = pendingTasks(job);
    if (all.length === 0) {
      out.push(base);
      return;
    }
    // aftercorr: only the tasks whose corresponding task finished ok.
    const ready = this.ctl.deps.readyTasks(job);
    const pending = ready === null ? all : setIntersect(all, ready);
    const a = job.array;
    const room = a !== null && a.throttle > 0 ? a.throttle - (running.get(a.jobId) ?? 0) : Infinity;
    if (room <= 0) {
      limited.push(job);
      return;
    }
    // More candidates than could possibly fit would only cost time; one extra gets a reason.
    const fit = Math.floor(freeCpus / Math.max(1, base.cpusPerNode * base.nodes)) + 1;
    for (const task of setTake(pending, Math.min(room, fit))) out.push({ ...base, task });
  }

  async pass(): Promise<void> {
    if (this.deferred > 0) {
      this.wanted = true;
      return;
    }
    const ctl = this.ctl;
    const now = ctl.clock();
    this.dirty = false;
    this.lastFullAt = now;
    this.lastNodes = ctl.nodes.signature();
    let gate = Infinity;
    let dependent = false;
    ctl.deps.evaluateAll(now);
    const use = ctl.nodes.usage(ctl.jobs.values());
    const nodes: SchedNode[] = [...ctl.nodes.nodes.values()].map((e) => ({
      name: e.cfg.name, cpus: e.cfg.cpus, mem: e.cfg.realMemory,
      allocCpus: use.get(e.cfg.name)?.cpus ?? 0, allocMem: use.get(e.cfg.name)?.mem ?? 0,
      available: ctl.nodes.usable(e.cfg.name),
    }));
    const freeCpus = nodes.reduce((n, x) => n + (x.available ? x.cpus - x.allocCpus : 0), 0);
    const running = runningTasks(ctl.jobs.values());
    const candidates: SchedJob[] = [];
    const limited: Job[] = [];
    for (const queued of ctl.jobs.values()) {
      const job = timeGate(ctl, queued, now);
      if (job.state === 'PENDING') {
        if (job.eligibleTime !== null && job.eligibleTime > now) gate = Math.min(gate, job.eligibleTime);
        if (job.req.deadline !== undefined) gate = Math.min(gate, job.req.deadline - (job.req.timeLimit ?? 0) * 1000);
        dependent ||= job.dependency !== null;
      }
      if (this.eligible(job, now)) this.candidatesOf(job, running, freeCpus, candidates, limited);
    }
    this.nextGateAt = gate;
    this.dependent = dependent;
    for (const job of limited) ctl.apply(job.id, { kind: 'pending_reason', at: now, reason: 'JobArrayTaskLimit' });
    if (candidates.length === 0) {
      this.lastGen = ctl.gen;
      return;
    }
    const parts: SchedPartition[] = ctl.cfg.partitions.map((p) => ({
      name: p.name, nodes: p.nodes, up: p.state === 'UP', priorityTier: p.priorityTier,
    }));
    const result = schedule(candidates, nodes, parts);
    const started: Job[] = [];
    for (const a of result.assignments) {
      const id = a.task === null ? a.jobId : splitArrayTask(ctl, a.jobId, a.task, now);
      if (id === null) continue;
      const r = ctl.apply(id, {
        kind: 'start', at: now, nodes: a.nodes, cpus: a.cpusPerNode * a.nodes.length, mem: a.memPerNode,
      });
      if (!r.ok) continue;
      started.push(r.job);
      // Count the task now, so the throttle check below needs no second scan of the jobs.
      if (r.job.array !== null && a.task !== null) running.set(r.job.array.jobId, (running.get(r.job.array.jobId) ?? 0) + 1);
    }
    for (const [id, reason] of result.reasons) ctl.apply(id, { kind: 'pending_reason', at: now, reason });
    // An array that just reached its %N waits for a task to end, and says so.
    for (const a of result.assignments) {
      const meta = ctl.jobs.get(a.jobId);
      const arr = meta?.array;
      if (a.task === null || meta?.state !== 'PENDING' || arr === undefined || arr === null || arr.throttle === 0) continue;
      if ((running.get(arr.jobId) ?? 0) >= arr.throttle) ctl.apply(meta.id, { kind: 'pending_reason', at: now, reason: 'JobArrayTaskLimit' });
    }
    // What this pass changed itself needs no pass of its own.
    this.lastGen = ctl.gen;
    if (started.length === 0) return;
    await ctl.store.flush();
    for (const job of started) ctl.agents.launch(job);
  }
}
