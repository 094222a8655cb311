// Evaluating a job's dependency against the current state of the jobs it names. Pure: the
// caller supplies `now`, a resolver from target to facts, and whether a singleton is clear.
//
// Slurm's rules (22.05, checked against the peer):
// - a fulfilled item is removed and never comes back; a failed item stays failed even if its
//   job is requeued; an unknown target (never existed, or purged after MinJobAge) is fulfilled;
// - after: the target left PENDING (started, or ended without starting) and `+minutes` have
//   passed since its start; afterany/afterburstbuffer: it finished (not completing); afterok
//   and aftercorr (on a plain job): finished COMPLETED, any other end fails the item;
//   afternotok: finished in any state but COMPLETED, COMPLETED fails it;
// - all items (`,`): satisfied when none is left, never when one failed; any (`?`): satisfied
//   as soon as one is fulfilled (the rest are dropped), never when every item failed.
// "Not ok" is every end but COMPLETED: FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL,
// PREEMPTED, BOOT_FAIL, DEADLINE.

import type { Job } from './job.ts';
import type { Reason } from './reason.ts';
import { isFinished } from './job-state.ts';
import type { DepItem, DepTarget, DepType, JobDependency } from './dependency.ts';

/** What the evaluation needs to know about a target (a job, or an array in aggregate). */
export interface DepTargetFacts {
  /** No longer pending: started, or ended without starting. */
  readonly started: boolean;
  readonly startTime: number | null;
  /** Finished and done completing. */
  readonly done: boolean;
  /** Finished COMPLETED. */
  readonly ok: boolean;
}

export function jobFacts(job: Pick<Job, 'state' | 'flags' | 'startTime'>): DepTargetFacts {
  const done = isFinished(job.state) && !job.flags.includes('COMPLETING');
  return {
    started: job.state !== 'PENDING',
    startTime: job.startTime,
    done,
    ok: done && job.state === 'COMPLETED',
  };
}

export interface DepContext {
  readonly now: number;
  /** Facts about a target, or undefined when no such job is known (fulfilled). */
  readonly resolve: (target: DepTarget, type: DepType) => DepTargetFacts | undefined;
  /** No other job of the same user and name is running, suspended or pending with a lower id. */
  readonly singletonClear: () => boolean;
}

export type DepVerdict = 'satisfied' | 'pending' | 'never';

export interface DepEvaluation {
  readonly dependency: JobDependency;
  readonly verdict: DepVerdict;
  /** Whether any item was removed or failed (the job record needs rewriting). */
  readonly changed: boolean;
  /** When a waiting `after:J+N` item falls due (its target has started); null if none. */
  readonly wakeAt: number | null;
}

type Outcome = 'fulfilled' | 'unfulfilled' | 'failed' | { due: number };

function outcome(item: DepItem, ctx: DepContext): Outcome {
  if (item.state === 'failed') return 'failed';
  if (item.target === null) return ctx.singletonClear() ? 'fulfilled' : 'unfulfilled';
  const f = ctx.resolve(item.target, item.type);
  if (f === undefined) return 'fulfilled';
  switch (item.type) {
    case 'after': {
      if (!f.started) return 'unfulfilled';
      if (item.delayMin === 0) return 'fulfilled';
      const due = (f.startTime ?? ctx.now) + item.delayMin * 60_000;
      return ctx.now >= due ? 'fulfilled' : { due };
    }
    case 'afterany':
    case 'afterburstbuffer':
      return f.done ? 'fulfilled' : 'unfulfilled';
    case 'afterok':
    case 'aftercorr':
      if (!f.done) return 'unfulfilled';
      return f.ok ? 'fulfilled' : 'failed';
    case 'afternotok':
      if (!f.done) return 'unfulfilled';
      return f.ok ? 'failed' : 'fulfilled';
    case 'singleton':
      return ctx.singletonClear() ? 'fulfilled' : 'unfulfilled';
  }
}

export function evaluateDependency(dep: JobDependency, ctx: DepContext): DepEvaluation {
  const left: DepItem[] = [];
  let changed = false;
  let fulfilled = false;
  let failed = 0;
  let wakeAt: number | null = null;
  for (const item of dep.items) {
    const o = outcome(item, ctx);
    if (typeof o === 'object') {
      wakeAt = Math.min(wakeAt ?? Infinity, o.due);
      left.push(item);
      continue;
    }
    if (o === 'fulfilled') {
      fulfilled = true;
      changed = true;
      continue;
    }
    if (o === 'failed') {
      failed++;
      if (item.state !== 'failed') changed = true;
      left.push(item.state === 'failed' ? item : { ...item, state: 'failed' });
    } else left.push(item);
  }
  if (dep.any) {
    if (fulfilled || dep.items.length === 0) {
      return { dependency: { ...dep, items: [] }, verdict: 'satisfied', changed: dep.items.length > 0, wakeAt: null };
    }
    const verdict = failed === left.length ? 'never' : 'pending';
    return { dependency: changed ? { ...dep, items: left } : dep, verdict, changed, wakeAt };
  }
  const verdict: DepVerdict = failed > 0 ? 'never' : left.length === 0 ? 'satisfied' : 'pending';
  return { dependency: changed ? { ...dep, items: left } : dep, verdict, changed, wakeAt };
}

/** Whether the job's dependency lets it be scheduled (none, or nothing left). */
export function dependencySatisfied(job: { readonly dependency: JobDependency | null }): boolean {
  return job.dependency === null || job.dependency.items.length === 0;
}

const DEP_REASONS: ReadonlySet<Reason> = new Set<Reason>(['Dependency', 'DependencyNeverSatisfied']);

/**
 * The pending reason after an evaluation. A held job keeps its hold reason, except that one
 * whose dependency can never be satisfied shows JobHeldAdmin: Slurm's dependency test
 * overwrites the reason, and its hold test then puts back the generic (admin) hold.
 */
export function reasonAfterDependency(job: Pick<Job, 'reason' | 'held'>, verdict: DepVerdict): Reason {
  if (job.held !== null) return verdict === 'never' ? 'JobHeldAdmin' : job.reason;
  switch (verdict) {
    case 'pending': return 'Dependency';
    case 'never': return 'DependencyNeverSatisfied';
    case 'satisfied': return DEP_REASONS.has(job.reason) ? 'None' : job.reason;
  }
}
