// The job lifecycle as a transition table plus an event union. applyEvent is pure: the
// controller feeds it events (with `now` inside them) and persists what comes back; an
// event that does not apply to the job's state comes back as a value, never a throw.
//
// Why a run ended is evidence on the run (exit status, signal, oom_kill count, whether the
// time limit fired); the terminal state and reason are derived from it in classifyRun().

import type { ExitStatus, Job, RunEvidence, StepRecord } from './job.ts';
import { EXIT_OK } from './job.ts';
import type { JobState } from './job-state.ts';
import { isActiveState, isFinished, withFlag, withoutFlag } from './job-state.ts';
import type { Reason } from './reason.ts';
import { endForLimit, endOfRun, resumeJob, suspendJob } from './job-suspend.ts';
import { nodeFail, requeue } from './job-runs.ts';
import type { JobDependency } from './dependency.ts';
import type { DepVerdict } from './dependency-eval.ts';
import { reasonAfterDependency } from './dependency-eval.ts';
import { memPerNodeOf, requestedCpuCount } from './job-new.ts';

export type JobEvent =
  | { kind: 'start'; at: number; nodes: readonly string[]; cpus: number; mem: number }
  | { kind: 'pending_reason'; at: number; reason: Reason }
  | { kind: 'cancel'; at: number; uid: number }
  | { kind: 'time_limit'; at: number; attempt: number }
  | { kind: 'complete'; at: number; attempt: number; evidence: RunEvidence; steps: readonly StepRecord[] }
  | { kind: 'hold'; at: number; by: 'user' | 'admin' }
  | { kind: 'release'; at: number; priority: number }
  | { kind: 'requeue'; at: number; hold: boolean; delayMs?: number; specialExit?: boolean; runState?: JobState | 'REQUEUED' }
  | { kind: 'deadline'; at: number }
  | { kind: 'node_fail'; at: number }
  | { kind: 'suspend'; at: number }
  | { kind: 'resume'; at: number; priority: number }
  | { kind: 'update'; at: number; changes: JobUpdate }
  | { kind: 'dependency'; at: number; dependency: JobDependency | null; verdict: DepVerdict; kill: boolean };

/** Fields `scontrol update JobId=` may change (validated by the controller first). */
export interface JobUpdate {
  readonly timeLimit?: number | null;
  readonly name?: string;
  readonly comment?: string | null;
  readonly nice?: number;
  readonly partition?: string;
  /** `ArrayTaskThrottle=`: the array's `%N` (0 = none). */
  readonly arrayTaskThrottle?: number;
  readonly dependency?: JobDependency | null;
  /** `StartTime=`: the begin time, epoch ms (the scheduler pass sets the reason). */
  readonly beginTime?: number;
  /** `MinMemoryNode=` / `MinMemoryCPU=` (MiB): replaces the other kind, as in Slurm. */
  readonly mem?: { readonly perNode: number } | { readonly perCpu: number };
  /** `NumCPUs=`, with the node count it needs (pending jobs only). */
  readonly numCpus?: number;
  readonly nodes?: number;
}

export type ApplyResult =
  | { ok: true; job: Job }
  | { ok: false; error: TransitionError };

export type TransitionError =
  | 'not_pending'
  | 'not_running'
  | 'already_done'
  | 'stale_attempt'
  | 'pending'
  | 'not_suspended';

/** Exit code Slurm reports for an OOM: the batch step's status is SIG_OOM (0x80|125). */
export const OOM_EXIT: ExitStatus = { code: 0, signal: 125 };

export interface Verdict {
  state: JobState;
  reason: Reason;
  stateDesc: string | null;
  exitCode: ExitStatus;
}

/** Classify a run that ended on its own (not cancelled, not timed out by the controller). */
export function classifyRun(ev: RunEvidence): Verdict {
  const exit = waitExit(ev);
  if (ev.launchError !== null) {
    return { state: 'FAILED', reason: 'JobLaunchFailure', stateDesc: null, exitCode: { code: 1, signal: 0 } };
  }
  // OOM wins over the script's own status: a script that catches the kill and exits 0 is
  // still OUT_OF_MEMORY (Slurm: the step's oom_kill counter makes the batch rc SIG_OOM).
  if (ev.oomKills > 0) return { state: 'OUT_OF_MEMORY', reason: 'OutOfMemory', stateDesc: null, exitCode: OOM_EXIT };
  if (ev.timeLimitAt !== null) return { state: 'TIMEOUT', reason: 'TimeLimit', stateDesc: null, exitCode: exit };
  if (exit.signal !== 0) {
    // Slurm 22.05 reports a batch shell killed by a signal as JobLaunchFailure (golden c2).
    return { state: 'FAILED', reason: 'JobLaunchFailure', stateDesc: null, exitCode: exit };
  }
  if (exit.code !== 0) return { state: 'FAILED', reason: 'NonZeroExitCode', stateDesc: null, exitCode: exit };
  return { state: 'COMPLETED', reason: 'None', stateDesc: null, exitCode: EXIT_OK };
}

export function waitExit(ev: RunEvidence): ExitStatus {
  if (ev.signal !== null && ev.signal !== 0) return { code: 0, signal: ev.signal };
  return { code: ev.exitCode ?? 0, signal: 0 };
}

/**
 * DerivedExitCode: the worst srun step (batch and extern steps excluded; an OOM step wins).
 * Steps the job's own end killed (ended after `until`) do not count (golden b_timeout b2).
 */
export function derivedExit(steps: readonly StepRecord[], until: number | null = null): ExitStatus {
  let worst: ExitStatus = EXIT_OK;
  for (const s of steps) {
    if (typeof s.id !== 'number' || (until !== null && s.end !== null && s.end > until)) continue;
    if (s.state === 'OUT_OF_MEMORY') return OOM_EXIT;
    const rank = (e: ExitStatus): number => (e.code << 8) | e.signal;
    if (rank(s.exitCode) > rank(worst)) worst = s.exitCode;
  }
  return worst;
}

const isActive = (job: Job): boolean => isActiveState(job.state);

export function applyEvent(job: Job, ev: JobEvent): ApplyResult {
  switch (ev.kind) {
    case 'start':
      if (job.state !== 'PENDING') return { ok: false, error: 'not_pending' };
      return {
        ok: true,
        job: {
          ...job,
          state: 'RUNNING',
          reason: 'None',
          stateDesc: null,
          startTime: ev.at,
          endTime: job.req.timeLimit === null ? null : ev.at + job.req.timeLimit * 1000,
          eligibleTime: job.eligibleTime ?? ev.at,
          lastSchedEval: ev.at,
          nodeList: [...ev.nodes],
          allocCpus: ev.cpus,
          allocMem: ev.mem,
          attempt: job.attempt + 1,
          suspendTime: null,
          secsPreSuspend: 0,
          exitCode: EXIT_OK,
          derivedExitCode: EXIT_OK,
          steps: [],
          evidence: null,
        },
      };
    case 'pending_reason':
      if (job.state !== 'PENDING') return { ok: false, error: 'not_pending' };
      if (job.reason === ev.reason && job.lastSchedEval !== null) return { ok: true, job };
      return { ok: true, job: { ...job, reason: ev.reason, lastSchedEval: ev.at } };
    case 'cancel':
      return cancel(job, ev.at, ev.uid);
    case 'time_limit':
      if (ev.attempt !== job.attempt) return { ok: false, error: 'stale_attempt' };
      if (!isActive(job)) return { ok: false, error: 'already_done' };
      return {
        ok: true,
        job: {
          ...job,
          state: 'TIMEOUT',
          reason: 'TimeLimit',
          stateDesc: null,
          endTime: endOfRun(job, ev.at),
          flags: withFlag(job.flags, 'COMPLETING'),
        },
      };
    case 'complete':
      return complete(job, ev);
    case 'hold':
      // Slurm holds a running job too: priority 0 and the hold reason, which count only if
      // it is requeued; it keeps running.
      if (isFinished(job.state)) return { ok: false, error: 'already_done' };
      return {
        ok: true,
        job: { ...job, held: ev.by, priority: 0, reason: ev.by === 'admin' ? 'JobHeldAdmin' : 'JobHeldUser' },
      };
    case 'release':
      if (isFinished(job.state)) return { ok: false, error: 'already_done' };
      if (job.held === null) return { ok: true, job };
      // A job submitted held becomes eligible only now (sacct lists it from then on).
      return {
        ok: true,
        job: {
          ...job, held: null, priority: ev.priority, reason: 'None', stateDesc: null, eligibleTime: job.eligibleTime ?? notBefore(job, ev.at),
          flags: withoutFlag(job.flags, 'SPECIAL_EXIT'),
        },
      };
    case 'requeue':
      return requeue(job, ev);
    case 'deadline':
      return deadline(job, ev.at);
    case 'node_fail':
      return nodeFail(job, ev.at);
    case 'update':
      return update(job, ev.changes);
    case 'suspend':
      return suspendJob(job, ev.at);
    case 'resume':
      return resumeJob(job, ev.at, ev.priority);
    case 'dependency':
      return dependency(job, ev);
  }
}

/** When a job becomes eligible at `at` (released, dependency satisfied): not before its --begin. */
function notBefore(job: Job, at: number): number {
  return Math.max(at, job.req.begin ?? 0);
}

/** A dependency (re)evaluated: what is left of it, the pending reason, or the invalid-dependency kill. */
function dependency(job: Job, ev: Extract<JobEvent, { kind: 'dependency' }>): ApplyResult {
  if (job.state !== 'PENDING') return { ok: false, error: 'not_pending' };
  if (ev.kill) {
    // Slurm's _kill_dependent: CANCELLED by no one, the reason stays DependencyNeverSatisfied.
    return {
      ok: true,
      job: {
        ...job, dependency: ev.dependency, state: 'CANCELLED', reason: 'DependencyNeverSatisfied', stateDesc: null,
        startTime: ev.at, endTime: ev.at, cancelledBy: null, flags: [],
      },
    };
  }
  const reason = reasonAfterDependency(job, ev.verdict);
  const eligibleTime = ev.verdict === 'satisfied' ? (job.eligibleTime ?? notBefore(job, ev.at)) : job.eligibleTime;
  if (ev.dependency === job.dependency && reason === job.reason && eligibleTime === job.eligibleTime) return { ok: true, job };
  return { ok: true, job: { ...job, dependency: ev.dependency, reason, eligibleTime } };
}

function cancel(job: Job, at: number, uid: number): ApplyResult {
  if (job.state === 'PENDING') {
    // A pending job ends at once; its reason stays what it was (golden c4: JobHeldUser).
    return {
      ok: true,
      job: { ...job, state: 'CANCELLED', startTime: at, endTime: at, cancelledBy: uid, flags: [] },
    };
  }
  if (isActive(job)) {
    return {
      ok: true,
      job: {
        ...job,
        state: 'CANCELLED',
        reason: 'None',
        endTime: endOfRun(job, at),
        cancelledBy: uid,
        flags: withFlag(job.flags, 'COMPLETING'),
      },
    };
  }
  return { ok: false, error: 'already_done' };
}

function complete(job: Job, ev: Extract<JobEvent, { kind: 'complete' }>): ApplyResult {
  if (ev.attempt !== job.attempt) return { ok: false, error: 'stale_attempt' };
  // Requeued while running: the report is the closed run's (the controller files it there).
  if (job.state === 'PENDING') return { ok: false, error: 'already_done' };
  const steps = mergeSteps(job.steps, ev.steps);
  // An srun allocation's DerivedExitCode keeps only its step's signal (the peer: exit 3 -> 0:0, OOM -> 0:125).
  const until = job.flags.includes('COMPLETING') ? job.endTime : null;
  const derived = job.req.alloc === true ? { code: 0, signal: derivedExit(steps).signal } : derivedExit(steps, until);
  const exit = ev.evidence.oomKills > 0 ? OOM_EXIT : waitExit(ev.evidence);
  if (isActive(job)) {
    const v = classifyRun(ev.evidence);
    return {
      ok: true,
      job: {
        ...job,
        state: v.state,
        reason: v.reason,
        stateDesc: v.stateDesc ?? (ev.evidence.launchError !== null ? ev.evidence.launchError : null),
        exitCode: v.exitCode,
        derivedExitCode: derived,
        endTime: endOfRun(job, v.state === 'TIMEOUT' && ev.evidence.timeLimitAt !== null ? ev.evidence.timeLimitAt : ev.evidence.endedAt),
        flags: withoutFlag(job.flags, 'COMPLETING'),
        steps,
        evidence: ev.evidence,
      },
    };
  }
  if (job.flags.includes('COMPLETING')) {
    // Already ended by the controller (TIMEOUT or CANCELLED): only the exit code is filled
    // in now, from the batch shell's wait status (Slurm: `ESLURM_ALREADY_DONE` path).
    return {
      ok: true,
      job: {
        ...job,
        exitCode: exit,
        derivedExitCode: derived,
        flags: withoutFlag(job.flags, 'COMPLETING'),
        steps,
        evidence: ev.evidence,
      },
    };
  }
  return { ok: false, error: 'already_done' };
}

function mergeSteps(old: readonly StepRecord[], incoming: readonly StepRecord[]): StepRecord[] {
  const byId = new Map<string, StepRecord>();
  for (const s of old) byId.set(String(s.id), s);
  for (const s of incoming) byId.set(String(s.id), s);
  return [...byId.values()];
}

/**
 * `--deadline`: a pending job that can no longer end before it, or a running job that
 * reaches it, ends DEADLINE (reason DeadLine). A running one is COMPLETING until the node
 * reports the kill, as for a time limit.
 */
function deadline(job: Job, at: number): ApplyResult {
  if (job.state === 'PENDING') {
    // Slurm 22.05 shows such a job ExitCode=0:1 (peer).
    return {
      ok: true,
      job: { ...job, state: 'DEADLINE', reason: 'DeadLine', stateDesc: null, startTime: at, endTime: at, flags: [], exitCode: { code: 0, signal: 1 } },
    };
  }
  if (!isActive(job)) return { ok: false, error: 'already_done' };
  return {
    ok: true,
    job: { ...job, state: 'DEADLINE', reason: 'DeadLine', stateDesc: null, endTime: endOfRun(job, at), flags: withFlag(job.flags, 'COMPLETING') },
  };
}

function update(job: Job, c: JobUpdate): ApplyResult {
  if (isFinished(job.state)) return { ok: false, error: 'already_done' };
  const req = {
    ...job.req,
    ...(c.timeLimit !== undefined ? { timeLimit: c.timeLimit } : {}),
    ...(c.name !== undefined ? { name: c.name } : {}),
    ...(c.comment !== undefined ? { comment: c.comment } : {}),
    ...(c.nice !== undefined ? { nice: c.nice } : {}),
    ...(c.partition !== undefined ? { partition: c.partition } : {}),
    ...(c.mem === undefined ? {} : 'perNode' in c.mem ? { memPerNode: c.mem.perNode, memPerCpu: null } : { memPerNode: null, memPerCpu: c.mem.perCpu }),
    ...(c.numCpus !== undefined ? { numCpus: c.numCpus } : {}),
    ...(c.nodes !== undefined ? { nodes: c.nodes } : {}),
    ...(c.beginTime !== undefined && job.state === 'PENDING' ? { begin: c.beginTime } : {}),
  };
  let endTime = job.endTime;
  if (c.timeLimit !== undefined && job.startTime !== null && job.state !== 'PENDING') {
    // EndTime follows the new limit from the start, shifted by time spent suspended.
    endTime = endForLimit(job, c.timeLimit);
  }
  const array = c.arrayTaskThrottle !== undefined && job.array !== null ? { ...job.array, throttle: c.arrayTaskThrottle } : job.array;
  const dep = c.dependency !== undefined ? { dependency: c.dependency } : {};
  const begin = c.beginTime !== undefined && job.state === 'PENDING' ? { eligibleTime: c.beginTime } : {};
  // A pending job shows what it asks for (NumCPUs, TRES) until it gets an allocation.
  const asked = job.state === 'PENDING' ? { allocCpus: requestedCpuCount(req), allocMem: memPerNodeOf(req) } : {};
  return { ok: true, job: { ...job, req, endTime, array, ...dep, ...begin, ...asked } };
}
