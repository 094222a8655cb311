// ratchetctld's heart: the live job table, every state change through applyEvent, the
// group-committed store, and the side effects that follow a committed change (launch,
// terminate, signal). Side effects run only after the change is durable and are safe to
// repeat: an agent deduplicates launches by (job, attempt) and ignores stale terminates.
//
// Protocol: see routes.ts (CLI and agents) and agent-client.ts (controller -> agent).
// Test hooks: none beyond the config; tests drive it through the HTTP API.

import type { RatchetConfig } from '../core/config-model.ts';
import type { Job, UserIdentity } from '../core/job.ts';
import { asJobId } from '../core/job.ts';
import { applyEvent } from '../core/job-machine.ts';
import type { JobEvent, TransitionError } from '../core/job-machine.ts';
import { isFinished } from '../core/job-state.ts';
import { expandPattern } from '../core/output-pattern.ts';
import { batchJobEnv } from '../core/job-env.ts';
import { INITIAL_PRIORITY_STATE, nextBasicPriority } from '../core/priority.ts';
import type { BasicPriorityState } from '../core/priority.ts';
import type { CompletionReport, LaunchRequest, SubmitRequest, SubmitResponse, TimeLimitReport, ErrorBody } from '../api/wire.ts';
import { SlurmError } from '../api/wire.ts';
import { Store } from './store.ts';
import { NodeRegistry, holdsResources } from './nodes.ts';
import { resolveSubmit } from './submit.ts';
import { newJob } from '../core/job-new.ts';
import { parseArraySpec } from '../core/array-spec.ts';
import { newArray } from '../core/job-array.ts';
import { AgentClient } from './agent-client.ts';
import { SchedulerLoop } from './scheduler-loop.ts';
import { DependencyEvaluator, checkDependency } from './dependencies.ts';
import { afterRunEnd, resolveEscalation } from './escalation.ts';
import { runClass } from './run-class.ts';
import { escalationEnv } from '../core/escalation.ts';
import { JobWatch } from './job-watch.ts';
import { lateCompletion } from './requeue.ts';
import { deadlineSweep, withBegin } from './time-gate.ts';
import { failJobsOfNodes } from './node-fail.ts';
import { SessionClient, SessionIssuer } from '../lib/daemon-session.ts';
import { isDaemonUid } from '../lib/users.ts';

export class ControllerError extends Error {
  readonly body: ErrorBody;
  readonly status: number;

  constructor(body: ErrorBody, status = 400) {
    super(body.error);
    this.body = body;
    this.status = status;
  }
}

export const TRANSITION_ERROR: Record<TransitionError, SlurmError> = {
  not_pending: SlurmError.JobNotPending,
  not_running: SlurmError.JobNotRunning,
  already_done: SlurmError.AlreadyDone,
  stale_attempt: SlurmError.AlreadyDone,
  pending: SlurmError.JobPending,
  not_suspended: SlurmError.JobNotSuspended,
};

export class Controller {
  readonly jobs = new Map<number, Job>();
  /** Counts job changes, so the scheduler's tick can tell that nothing changed. */
  gen = 0;
  readonly nodes: NodeRegistry;
  readonly store: Store;
  readonly agents: AgentClient;
  /** Sessions agents hold with us, and ours with them (lib/daemon-session.ts). */
  readonly sessions: SessionIssuer;
  readonly toAgents: SessionClient;
  readonly sched: SchedulerLoop;
  readonly deps: DependencyEvaluator;
  /** Long-poll waiters (`ratchet escalation status --watch`). */
  readonly watch = new JobWatch();
  private timer: NodeJS.Timeout | null = null;
  private prio: BasicPriorityState;

  readonly cfg: RatchetConfig;
  readonly clock: () => number;
  readonly bootTime: number;

  constructor(cfg: RatchetConfig, clock: () => number = Date.now) {
    this.cfg = cfg;
    this.clock = clock;
    this.bootTime = clock();
    this.store = new Store(cfg.stateSaveLocation, cfg.firstJobId);
    this.nodes = new NodeRegistry(cfg);
    this.sessions = new SessionIssuer(cfg);
    this.toAgents = new SessionClient(cfg, (uid) => isDaemonUid(uid, cfg.slurmUser));
    this.agents = new AgentClient(this);
    this.sched = new SchedulerLoop(this);
    this.deps = new DependencyEvaluator(this);
    const lowest = Number(this.store.meta('lowest_prio'));
    this.prio = Number.isSafeInteger(lowest) && lowest > 0 ? { lowestPrio: lowest } : INITIAL_PRIORITY_STATE;
    const now = clock();
    for (const job of this.store.loadLive(now - cfg.minJobAge * 1000)) this.jobs.set(job.id, job);
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), 1000);
    this.timer.unref();
    this.sched.request();
    this.agents.recall(knownAgents(this.store.meta('agents')));
  }

  /** Remember where agents listen, so a restarted controller can call them back at once. */
  rememberAgents(): void {
    const known = [...this.nodes.nodes.values()]
      .filter((e) => e.registered && e.addr !== null && e.port !== null)
      .map((e) => ({ node: e.cfg.name, addr: e.addr, port: e.port }));
    this.store.setMetaValue('agents', JSON.stringify(known));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.store.close();
  }

  get(id: number): Job | undefined {
    return this.jobs.get(id);
  }

  /** priority/basic: the next number of Slurm's decreasing counter (held jobs take none). */
  nextPriority(nice: number): number {
    const r = nextBasicPriority(this.prio, nice);
    this.prio = r.state;
    this.store.setMetaValue('lowest_prio', String(r.state.lowestPrio));
    return r.priority;
  }

  /** Put a changed or new record in place (array splits) and queue it with its event. */
  replace(job: Job, kind: string, at: number, data: unknown, script = false): void {
    this.gen++;
    this.jobs.set(job.id, job);
    this.store.write(job, kind, at, data, script);
    this.deps.touch();
    this.watch.changed(job);
  }

  /** Apply an event, queue it for the store, and return the new job or the refusal. */
  apply(id: number, ev: JobEvent): { ok: true; job: Job; before: Job } | { ok: false; error: TransitionError } {
    const before = this.jobs.get(id);
    if (before === undefined) return { ok: false, error: 'already_done' };
    const r = applyEvent(before, ev);
    if (!r.ok) return r;
    if (r.job !== before) {
      this.gen++;
      if (ev.kind !== 'pending_reason') this.deps.touch();
      this.jobs.set(id, r.job);
      this.store.write(r.job, ev.kind, ev.at, eventData(ev));
      this.watch.changed(r.job);
    }
    return { ok: true, job: r.job, before };
  }

  async submit(r: SubmitRequest, user: UserIdentity): Promise<SubmitResponse> {
    const now = this.clock();
    const resolved = resolveSubmit(this.cfg, r, user.uid);
    // Slurm consumes a job id for a submission it rejects after the partition check.
    if (!resolved.ok && resolved.error.error === SlurmError.InvalidPartition) throw new ControllerError(resolved.error);
    const id = asJobId(this.store.allocateJobId());
    if (!resolved.ok) {
      await this.store.flush();
      throw new ControllerError(resolved.error);
    }
    const esc = r.escalate ? resolveEscalation(this.cfg, r.escalate, resolved.req, resolved.reason, (q) => {
      const cls = runClass(user.uid, q);
      return cls === null ? [] : this.store.classHistory(cls);
    }) : null;
    if (esc !== null && !esc.ok) {
      await this.store.flush();
      throw new ControllerError(esc.error);
    }
    let array = null;
    if (r.array !== undefined && r.array !== null) {
      const spec = parseArraySpec(r.array, this.cfg.maxArraySize);
      if (spec === null) {
        await this.store.flush();
        throw new ControllerError({ error: SlurmError.InvalidArray });
      }
      array = newArray(id, spec);
    }
    const dep = checkDependency(this.cfg, r.dependency ?? '', id, (n) => this.jobs.get(n));
    if (!dep.ok) {
      await this.store.flush();
      throw new ControllerError({ error: dep.error });
    }
    const created = newJob(id, esc?.req ?? resolved.req, user, now, r.hold, esc?.reason ?? resolved.reason, r.hold ? 0 : this.nextPriority(resolved.req.nice));
    const sized = created.req.memPerNode === 0 ? { ...created, allocMem: resolved.wholeNodeMem } : created;
    const fresh = esc === null ? sized : { ...sized, escalation: esc.escalation };
    // A dependent job is not eligible (EligibleTime=Unknown) until its dependency is satisfied.
    const begun = withBegin(fresh, r.begin ?? null, now);
    const job = dep.dependency === null ? { ...begun, array } : { ...begun, array, dependency: dep.dependency, eligibleTime: begun.req.begin ?? null };
    if (r.testOnly) {
      await this.store.flush();
      const nodes = job.req.nodes;
      const pick = [...this.nodes.nodes.keys()].slice(0, nodes).join(',');
      return { jobId: id, testOnly: { startTime: now, cpus: job.allocCpus, nodes: pick, partition: job.req.partition } };
    }
    this.jobs.set(id, job);
    this.deps.touch();
    this.store.write(job, 'submit', now, { user: user.name }, true);
    // Slurm tests the dependency at once (an unknown id vanishes, a failed one shows or kills),
    // except for a held job, which waits for the next scheduler pass.
    if (!r.hold) this.deps.evaluateOne(job, now);
    await this.store.flush();
    this.sched.request();
    return { jobId: id };
  }

  /** scancel without --signal: pending jobs end now, running ones get the KillWait sequence. */
  async cancel(id: number, uid: number, scope: 'batch' | 'all'): Promise<SlurmError | null> {
    const job = this.jobs.get(id);
    if (job === undefined) return SlurmError.InvalidJobId;
    const r = this.apply(id, { kind: 'cancel', at: this.clock(), uid });
    if (!r.ok) return TRANSITION_ERROR[r.error];
    await this.store.flush();
    if (r.before.state === 'RUNNING' || r.before.state === 'SUSPENDED') {
      this.agents.terminate(r.job, 'cancel', scope);
    }
    this.sched.request();
    return null;
  }

  /** scancel --signal: deliver without cancelling (Slurm's answers for finished and pending jobs, as the peer gives them). */
  signal(id: number, sig: number, scope: 'batch' | 'all' | 'steps'): SlurmError | null {
    const job = this.jobs.get(id);
    if (job === undefined) return SlurmError.InvalidJobId;
    if (job.flags.includes('COMPLETING')) return SlurmError.AlreadyDone;
    if (isFinished(job.state)) return SlurmError.InvalidJobId;
    if (job.state === 'PENDING') return SlurmError.TransitionNoUpdate;
    this.agents.signal(job, sig, scope);
    return null;
  }

  async hold(id: number, by: 'user' | 'admin'): Promise<SlurmError | null> {
    if (!this.jobs.has(id)) return SlurmError.InvalidJobId;
    const r = this.apply(id, { kind: 'hold', at: this.clock(), by });
    if (!r.ok) return r.error === 'already_done' ? SlurmError.JobFinished : TRANSITION_ERROR[r.error];
    await this.store.flush();
    return null;
  }

  async release(id: number): Promise<SlurmError | null> {
    if (!this.jobs.has(id)) return SlurmError.InvalidJobId;
    const job = this.jobs.get(id);
    const priority = job !== undefined && job.held !== null ? this.nextPriority(job.req.nice) : (job?.priority ?? 0);
    const r = this.apply(id, { kind: 'release', at: this.clock(), priority });
    if (!r.ok) return r.error === 'already_done' ? SlurmError.JobFinished : TRANSITION_ERROR[r.error];
    await this.store.flush();
    this.sched.request();
    return null;
  }

  async completion(rep: CompletionReport): Promise<void> {
    const at = this.clock();
    const r = this.apply(rep.jobId, { kind: 'complete', at, attempt: rep.attempt, evidence: rep.evidence, steps: rep.steps });
    // Before the flush: a chain that goes on commits with the completion that ended its run.
    if (r.ok) afterRunEnd(this, r.job, at);
    else lateCompletion(this, rep);
    await this.store.flush();
    if (r.ok) {
      const e = this.nodes.nodes.get(rep.node);
      if (e) e.lastBusy = this.clock();
    }
    // A late report may end a requeue's COMPLETING and free its nodes too.
    this.sched.request();
  }

  async timeLimit(rep: TimeLimitReport): Promise<void> {
    this.apply(rep.jobId, { kind: 'time_limit', at: rep.at, attempt: rep.attempt });
    await this.store.flush();
  }

  /** What the agent needs to run the job: resolved paths and the SLURM_* environment. */
  launchRequest(job: Job): LaunchRequest {
    const node = job.nodeList[0] ?? '';
    const ctx = {
      jobId: job.id, arrayJobId: job.array?.jobId ?? null, arrayTaskId: job.array?.taskId ?? null, jobName: job.req.name, user: job.user.name,
      node, restarts: job.restarts, workDir: job.req.workDir,
    };
    const stdout = expandPattern(job.req.stdout, ctx);
    const stderr = job.req.stderr === null ? stdout : expandPattern(job.req.stderr, ctx);
    const stdin = expandPattern(job.req.stdin, ctx);
    const memBytes = job.allocMem > 0 ? job.allocMem * 1024 * 1024 : null;
    return {
      job: { ...job, req: { ...job.req, script: job.req.script || this.store.script(job.array?.jobId ?? job.id) } },
      attempt: job.attempt,
      killWait: this.cfg.killWait,
      env: { ...batchJobEnv(job, { clusterName: this.cfg.clusterName, node }), ...escalationEnv(job) },
      memLimitBytes: memBytes,
      cpus: job.allocCpus,
      stdout,
      stderr,
      stdin,
      user: job.user,
    };
  }

  /** Periodic housekeeping: time-limit backstop, node timeouts, MinJobAge purge. */
  tick(): void {
    const now = this.clock();
    for (const job of this.jobs.values()) {
      if (job.state === 'RUNNING' && job.endTime !== null && job.req.timeLimit !== null) {
        // The agent enforces the limit on time; this catches an agent that stayed silent.
        const grace = (this.cfg.killWait + 10) * 1000;
        if (now > job.endTime + grace) {
          const r = this.apply(job.id, { kind: 'time_limit', at: job.endTime, attempt: job.attempt });
          if (r.ok) this.agents.terminate(r.job, 'timeout', 'all');
        }
      }
      if (isFinished(job.state) && !holdsResources(job) && job.endTime !== null &&
          now - job.endTime > this.cfg.minJobAge * 1000) {
        this.jobs.delete(job.id);
        this.deps.touch();
      }
    }
    deadlineSweep(this, now);
    failJobsOfNodes(this, this.nodes.checkTimeouts(now));
    this.sched.tick(now);
  }
}

function knownAgents(text: string | undefined): { node: string; addr: string; port: number }[] {
  try {
    const v = JSON.parse(text ?? '[]') as unknown;
    if (!Array.isArray(v)) return [];
    return v.filter((k): k is { node: string; addr: string; port: number } =>
      typeof k === 'object' && k !== null && typeof (k as { addr?: unknown }).addr === 'string' && typeof (k as { port?: unknown }).port === 'number');
  } catch {
    return [];
  }
}

function eventData(ev: JobEvent): unknown {
  switch (ev.kind) {
    case 'start': return { nodes: ev.nodes, cpus: ev.cpus, mem: ev.mem };
    case 'complete': return { attempt: ev.attempt, evidence: ev.evidence };
    case 'cancel': return { uid: ev.uid };
    case 'time_limit': return { attempt: ev.attempt };
    case 'hold': return { by: ev.by };
    case 'requeue': return { hold: ev.hold, delayMs: ev.delayMs ?? 0, specialExit: ev.specialExit ?? false, runState: ev.runState ?? 'REQUEUED' };
    case 'deadline': return null;
    case 'node_fail': return null;
    case 'pending_reason': return { reason: ev.reason };
    case 'release': return null;
    case 'update': return ev.changes;
    case 'suspend': return null;
    case 'resume': return { priority: ev.priority };
    case 'dependency': return { dependency: ev.dependency, verdict: ev.verdict, kill: ev.kill };
  }
}
