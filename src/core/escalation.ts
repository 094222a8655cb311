// Escalation at the end of a run (pure): classify why the run ended from its evidence,
// decide under the job's policy whether it climbs a rung, retries in place (infra) or ends,
// and build the job's next record. A retry reuses the job machine's requeue transition, so
// the run is closed into a RunRecord exactly as a requeue closes it, except that the record
// keeps the run's real ending (OUT_OF_MEMORY, TIMEOUT) and the job keeps its submit time.

import type { ExitStatus, Job, RunEvidence } from './job.ts';
import { applyEvent } from './job-machine.ts';
import type { JobState } from './job-state.ts';
import type { Action, Cause, EscalationPolicy, Position, Rung } from './escalation-policy.ts';
import { INFRA_STATES, levelOf, memText, rungAt, timeText } from './escalation-policy.ts';

/** One finished attempt as the report shows it. */
export interface AttemptNote {
  readonly attempt: number;
  readonly level: number;
  readonly mem: number;
  readonly time: number | null;
  readonly partition: string;
  readonly node: string;
  readonly state: JobState;
  readonly exitCode: ExitStatus;
  readonly cause: Cause | null;
  /** "OOM: oom_kill=3, peak 1.00G of 1.00G". */
  readonly evidence: string;
  readonly peakMib: number | null;
  readonly elapsed: number;
  readonly cpus: number;
  readonly outcome: 'completed' | 'escalated' | 'retried' | 'exhausted' | 'not_retried';
}

/** The escalation chain of one job (or array task), stored on the job. */
export interface EscalationState {
  readonly policy: EscalationPolicy;
  readonly start: Position;
  readonly pos: Position;
  readonly used: { readonly oom: number; readonly timeout: number; readonly infra: number };
  readonly attempts: readonly AttemptNote[];
  readonly outcome: 'active' | 'completed' | 'exhausted' | 'not_retried';
  /** Why it started where it did, or why it ended (shown by scontrol, sacct Comment, the report). */
  readonly note: string | null;
  /** Why it started where it did (--escalate-start), kept when `note` says how it ended. */
  readonly startNote?: string;
}

export function newEscalation(policy: EscalationPolicy, start: Position, note: string | null): EscalationState {
  return {
    policy, start, pos: start, used: { oom: 0, timeout: 0, infra: 0 }, attempts: [], outcome: 'active', note,
    ...(note === null ? {} : { startNote: note }),
  };
}

/** A rung made concrete for a job: the partition chosen and the limits as the controller rounds them. */
export interface Placement {
  readonly partition: string;
  readonly mem: number;
  readonly time: number;
}

export type Place = (r: Rung) => Placement | null;

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

export function bytesText(b: number): string {
  return b >= GIB / 2 ? `${(b / GIB).toFixed(2)}G` : `${(b / MIB).toFixed(2)}M`;
}

/** The evidence of a run in one line. */
export function evidenceText(state: JobState, exit: ExitStatus, ev: RunEvidence | null, limitSecs: number | null): string {
  if (ev === null) return `${state}: no evidence`;
  const peak = ev.peakMemBytes === null ? 'peak unknown' : `peak ${bytesText(ev.peakMemBytes)}`;
  const of = ev.memLimitBytes === null ? '' : ` of ${bytesText(ev.memLimitBytes)}`;
  if (ev.launchError !== null) return `launch failure: ${ev.launchError}`;
  if (state === 'OUT_OF_MEMORY') return `OOM: oom_kill=${ev.oomKills}, ${peak}${of}`;
  if (state === 'TIMEOUT') return `TIMEOUT: limit ${limitSecs === null ? 'UNLIMITED' : timeText(limitSecs)} fired, ${peak}${of}`;
  const how = exit.signal !== 0 ? `signal ${exit.signal}` : `exit ${exit.code}`;
  return `${state}: ${how}, ${peak}${of}`;
}

/** What the policy says about an ending, and which budget it draws on. */
export function actionFor(p: EscalationPolicy, state: JobState, exit: ExitStatus, ev: RunEvidence | null): { action: Action; cause: Cause } {
  if (ev?.launchError != null || INFRA_STATES.has(state)) {
    // A launch failure ends as FAILED, but the policy's FAILED entry is about code errors.
    const a = INFRA_STATES.has(state) ? (p.states[state] ?? 'retry') : 'retry';
    return { action: a === 'no_retry' ? 'no_retry' : 'retry', cause: 'infra' };
  }
  if (state === 'OUT_OF_MEMORY') return { action: p.states.OUT_OF_MEMORY ?? 'escalate', cause: 'oom' };
  if (state === 'TIMEOUT' || state === 'DEADLINE') return { action: p.states[state] ?? 'escalate', cause: 'timeout' };
  // FAILED / CANCELLED: an exit-code override wins (the seed's `137: escalate` for the OOM
  // killer's status, also seen as signal 9); such an escalation is booked as memory.
  const codes = exit.signal !== 0 ? [String(exit.signal), String(128 + exit.signal)] : [String(exit.code)];
  const override = codes.map((c) => p.exitCodes[c]).find((a) => a !== undefined);
  return { action: override ?? p.states[state] ?? 'no_retry', cause: 'oom' };
}

/** The next position for an escalation of `cause`; null when the ladder has no higher rung. */
function climb(p: EscalationPolicy, pos: Position, cause: Cause): Position | null {
  if (p.form === 'levels') return pos.mem + 1 < p.levels.length ? { mem: pos.mem + 1, time: pos.time + 1 } : null;
  if (cause === 'timeout') return pos.time + 1 < p.times.length ? { mem: pos.mem, time: pos.time + 1 } : null;
  return pos.mem + 1 < p.levels.length ? { mem: pos.mem + 1, time: pos.time } : null;
}

const CAUSE_WORD: Record<Cause, string> = { oom: 'memory', timeout: 'time', infra: 'infrastructure retry' };

export type EndDecision =
  | { kind: 'retry'; job: Job; note: AttemptNote }
  | { kind: 'final'; job: Job; note: AttemptNote | null };

/**
 * The job's run has ended (finished state, nothing completing). Returns the job's next record:
 * PENDING on the next rung, PENDING at the same rung (infra), or final with the chain's outcome.
 */
export function decideEnd(job: Job, at: number, place: Place): EndDecision | null {
  const esc = job.escalation;
  if (esc === undefined || esc === null || esc.outcome !== 'active') return null;
  const p = esc.policy;
  const state = job.state;
  const rung = rungAt(p, esc.pos);
  const ev = job.evidence;
  const elapsed = job.startTime !== null && job.endTime !== null ? Math.max(0, Math.round((job.endTime - job.startTime) / 1000)) : 0;
  const base = {
    attempt: job.attempt, level: levelOf(p, esc.pos), mem: job.req.memPerNode ?? rung.mem, time: job.req.timeLimit,
    partition: job.req.partition, node: job.nodeList.join(','), state, exitCode: job.exitCode,
    evidence: evidenceText(state, job.exitCode, ev, job.req.timeLimit),
    peakMib: ev?.peakMemBytes == null ? null : Math.ceil(ev.peakMemBytes / MIB), elapsed, cpus: job.allocCpus,
  };
  const finish = (outcome: EscalationState['outcome'], cause: Cause | null, noteOutcome: AttemptNote['outcome'], text: string | null): EndDecision => {
    const note: AttemptNote = { ...base, cause, outcome: noteOutcome };
    const e: EscalationState = { ...esc, attempts: [...esc.attempts, note], outcome, note: text ?? esc.note };
    const comment = text === null ? job.req.comment : job.req.comment === null ? text : `${job.req.comment}; ${text}`;
    return { kind: 'final', job: { ...job, escalation: e, req: { ...job.req, comment: comment } }, note };
  };
  if (state === 'COMPLETED') {
    const n = esc.attempts.length;
    return finish('completed', null, 'completed', n === 0 ? null : `completed at level ${base.level} after ${n} failed attempt${n === 1 ? '' : 's'}`);
  }
  // A user's scancel ends the chain whatever the policy says.
  if (job.cancelledBy !== null) return finish('not_retried', null, 'not_retried', null);
  const { action, cause } = actionFor(p, state, job.exitCode, ev);
  if (action === 'no_retry') return finish('not_retried', cause, 'not_retried', `escalation: ${state} is not retried (${base.evidence})`);
  const used = esc.used[cause];
  const limit = p.budgets[cause];
  let next: Position | null = esc.pos;
  if (action === 'escalate' && cause !== 'infra') next = climb(p, esc.pos, cause);
  const why = next === null ? `no higher ${CAUSE_WORD[cause]} rung` : limit !== null && used >= limit ? `${cause} budget of ${limit} used` : null;
  if (next === null || why !== null) {
    const text = `escalation exhausted: ${state} at level ${base.level} (${memText(base.mem)}, ${timeText(base.time ?? 0)}): ${why ?? ''}; ${base.evidence}`;
    return finish('exhausted', cause, 'exhausted', text);
  }
  const r = rungAt(p, next);
  const placed = place(r);
  if (placed === null) {
    return finish('exhausted', cause, 'exhausted', `escalation exhausted: ${state}: no partition fits ${memText(r.mem)}/${timeText(r.time)}; ${base.evidence}`);
  }
  // The closed run keeps its real ending (OUT_OF_MEMORY, TIMEOUT), not REQUEUED.
  const rq = applyEvent(job, { kind: 'requeue', at, hold: false, runState: state });
  if (!rq.ok) return null;
  const note: AttemptNote = { ...base, cause, outcome: action === 'escalate' ? 'escalated' : 'retried' };
  const e: EscalationState = {
    ...esc, pos: next, used: { ...esc.used, [cause]: used + 1 }, attempts: [...esc.attempts, note],
  };
  const req = { ...job.req, partition: placed.partition, memPerNode: placed.mem, memPerCpu: null, timeLimit: placed.time };
  return {
    kind: 'retry', note,
    job: {
      ...rq.job,
      // The retry keeps its queue age: priority aging and sacct Submit see the original submission.
      submitTime: job.submitTime,
      req,
      escalation: e,
    },
  };
}

/** RATCHET_* variables of a run (SLURM_RESTART_COUNT comes from Restarts as in Slurm). */
export function escalationEnv(job: Job): Record<string, string> {
  const esc = job.escalation;
  if (esc === undefined || esc === null) return {};
  const prev = esc.attempts.at(-1);
  const env: Record<string, string> = {
    RATCHET_ESCALATION_LEVEL: String(levelOf(esc.policy, esc.pos)),
    RATCHET_ATTEMPT: String(esc.attempts.length + 1),
    RATCHET_ESCALATION_POLICY: esc.policy.name,
  };
  if (prev !== undefined) {
    env.RATCHET_PREV_CAUSE = prev.state;
    if (prev.peakMib !== null) env.RATCHET_PREV_PEAK_MEM = `${prev.peakMib}M`;
  }
  return env;
}

/** One line for scontrol show job: `Escalation=policy Level=2/3 Attempt=3 ...`. */
export function escalationLine(esc: EscalationState): string {
  const p = esc.policy;
  const r = rungAt(p, esc.pos);
  const top = p.form === 'levels' ? p.levels.length - 1 : `${p.levels.length - 1}+${p.times.length - 1}`;
  return `Escalation=${p.name} Level=${levelOf(p, esc.pos)}/${top} Attempt=${esc.attempts.length + (esc.outcome === 'active' ? 1 : 0)} ` +
    `Rung=${memText(r.mem)}/${timeText(r.time)} Outcome=${esc.outcome.toUpperCase()}`;
}
