// The escalation report: the seed's per-round table (Round, Job ID, Memory, Time, Tasks,
// Done, OOM, Timeout, Failed, Status), status distribution and runtimes per round, the tasks
// not retried, the summary, and the waste of the chain: core-hours and GB-hours burnt by
// failed attempts (the escalation cost) and the over-allocation of the successful ones
// (allocated - peak). Built from the attempt records the controller keeps on each job, so
// the numbers are the same whichever command shows them.

import type { Job } from '../core/job.ts';
import type { AttemptNote, EscalationState } from '../core/escalation.ts';
import { levelOf, memText, rungAt, timeText } from '../core/escalation-policy.ts';
import { setSize } from '../core/array-spec.ts';

/** One task of a chain (a plain job is a chain of one task). */
export interface TaskView {
  readonly id: string;
  readonly jobId: number;
  readonly state: string;
  readonly esc: EscalationState;
  /** Finished attempts, then the one pending or running (outcome null). */
  readonly attempts: readonly (AttemptNote | OpenAttempt)[];
}

export interface OpenAttempt {
  readonly attempt: number;
  readonly level: number;
  readonly mem: number;
  readonly time: number | null;
  readonly state: string;
  readonly outcome: null;
}

export interface Chain {
  readonly jobId: number;
  readonly name: string;
  readonly user: string;
  readonly policy: string;
  readonly tasks: readonly TaskView[];
  /** Array tasks not started yet (still in the meta record). */
  readonly unstarted: number;
  /** Why the chain started where it did (--escalate-start), or null. */
  readonly start: string | null;
}

/** Group the jobs /v1/escalation returned into chains (one per job or array). */
export function chainsOf(jobs: readonly Job[]): Chain[] {
  const by = new Map<number, { name: string; user: string; policy: string; tasks: TaskView[]; unstarted: number; start: string | null }>();
  for (const j of jobs) {
    const esc = j.escalation;
    if (esc === undefined || esc === null) continue;
    const key = j.array?.jobId ?? j.id;
    let c = by.get(key);
    if (c === undefined) {
      c = { name: j.req.name, user: j.user.name, policy: esc.policy.name, tasks: [], unstarted: 0, start: esc.startNote ?? null };
      by.set(key, c);
    }
    if (j.array !== null && j.array.taskId === null) {
      c.unstarted += setSize(j.array.pending);
      continue;
    }
    const open: OpenAttempt[] = esc.outcome === 'active'
      ? [{ attempt: esc.attempts.length + 1, level: levelOf(esc.policy, esc.pos), mem: j.req.memPerNode ?? rungAt(esc.policy, esc.pos).mem,
        time: j.req.timeLimit, state: j.state, outcome: null }]
      : [];
    c.tasks.push({ id: j.array !== null ? `${j.array.jobId}_${j.array.taskId}` : String(j.id), jobId: j.id, state: j.state, esc,
      attempts: [...esc.attempts, ...open] });
  }
  return [...by.entries()].sort((a, b) => a[0] - b[0]).map(([jobId, c]) => ({
    jobId, ...c, tasks: c.tasks.sort((a, b) => taskNo(a) - taskNo(b)),
  }));
}

const taskNo = (t: TaskView): number => Number(t.id.split('_')[1] ?? t.id);

export interface RoundRow {
  readonly round: number;
  readonly jobId: number;
  readonly memory: string;
  readonly time: string;
  readonly tasks: number;
  readonly done: number;
  readonly oom: number;
  readonly timeout: number;
  readonly failed: number;
  readonly status: string;
  readonly states: Record<string, number>;
  readonly runtime: { min: number; max: number } | null;
}

const distinct = (xs: readonly string[]): string => [...new Set(xs)].join(',');

export function rounds(c: Chain): RoundRow[] {
  const n = Math.max(0, ...c.tasks.map((t) => t.attempts.length));
  const out: RoundRow[] = [];
  for (let r = 1; r <= n; r++) {
    const at = c.tasks.map((t) => t.attempts[r - 1]).filter((a) => a !== undefined);
    const closed = at.filter((a): a is AttemptNote => a.outcome !== null);
    const count = (f: (a: AttemptNote) => boolean): number => closed.filter(f).length;
    const states: Record<string, number> = {};
    for (const a of at) states[a.state] = (states[a.state] ?? 0) + 1;
    const open = at.length - closed.length;
    const climbed = count((a) => a.outcome === 'escalated' || a.outcome === 'retried');
    const failed = count((a) => a.state !== 'COMPLETED' && a.state !== 'OUT_OF_MEMORY' && a.state !== 'TIMEOUT');
    const status = open > 0 ? 'RUNNING' : climbed > 0 ? 'ESCALATING' : count((a) => a.outcome === 'exhausted') > 0 ? 'EXHAUSTED'
      : failed > 0 ? 'COMPLETED_WITH_FAILURES' : 'COMPLETED';
    const el = closed.map((a) => a.elapsed);
    out.push({
      round: r, jobId: c.jobId,
      memory: distinct(at.map((a) => memText(a.mem))),
      time: distinct(at.map((a) => (a.time === null ? 'UNLIMITED' : timeText(a.time)))),
      tasks: at.length + (r === 1 ? c.unstarted : 0),
      done: count((a) => a.state === 'COMPLETED'),
      oom: count((a) => a.state === 'OUT_OF_MEMORY'),
      timeout: count((a) => a.state === 'TIMEOUT'),
      failed, status, states,
      runtime: el.length === 0 ? null : { min: Math.min(...el), max: Math.max(...el) },
    });
  }
  return out;
}

export interface Waste {
  readonly failedAttempts: number;
  /** Core-hours and GB-hours of failed attempts: the cost of escalating. */
  readonly failedCoreH: number;
  readonly failedGBh: number;
  readonly successfulGBh: number;
  /** (allocated - peak) x elapsed of successful attempts. */
  readonly overAllocGBh: number;
}

const ZERO: Waste = { failedAttempts: 0, failedCoreH: 0, failedGBh: 0, successfulGBh: 0, overAllocGBh: 0 };

function addWaste(w: Waste, a: AttemptNote): Waste {
  const h = a.elapsed / 3600;
  const gb = a.mem / 1024;
  if (a.state === 'COMPLETED') {
    const peak = a.peakMib === null ? a.mem : Math.min(a.mem, a.peakMib);
    return { ...w, successfulGBh: w.successfulGBh + gb * h, overAllocGBh: w.overAllocGBh + ((a.mem - peak) / 1024) * h };
  }
  return { ...w, failedAttempts: w.failedAttempts + 1, failedCoreH: w.failedCoreH + a.cpus * h, failedGBh: w.failedGBh + gb * h };
}

/** Waste rolled up by a key of each attempt (chain, user, partition). */
export function wasteBy(chains: readonly Chain[], key: (c: Chain, a: AttemptNote) => string): Map<string, Waste> {
  const out = new Map<string, Waste>();
  for (const c of chains) {
    for (const t of c.tasks) {
      for (const a of t.attempts) {
        if (a.outcome === null) continue;
        const k = key(c, a);
        out.set(k, addWaste(out.get(k) ?? ZERO, a));
      }
    }
  }
  return out;
}

export interface Summary {
  readonly tasks: number;
  readonly completed: number;
  readonly notRetried: number;
  readonly exhausted: number;
  readonly active: number;
  readonly escalations: number;
}

export function summary(c: Chain): Summary {
  const out = (o: EscalationState['outcome']): number => c.tasks.filter((t) => t.esc.outcome === o).length;
  return {
    tasks: c.tasks.length + c.unstarted, completed: out('completed'), notRetried: out('not_retried'), exhausted: out('exhausted'),
    active: out('active') + c.unstarted,
    escalations: c.tasks.reduce((n, t) => n + t.esc.attempts.filter((a) => a.outcome === 'escalated').length, 0),
  };
}

/** The tasks whose chain ended without success, with their last attempt. */
export function unsuccessful(c: Chain, outcome: 'not_retried' | 'exhausted'): { task: TaskView; last: AttemptNote }[] {
  return c.tasks.filter((t) => t.esc.outcome === outcome).map((t) => ({ task: t, last: t.esc.attempts.at(-1) as AttemptNote }))
    .filter((x) => x.last !== undefined);
}
