// Job dependencies on the controller: checking a spec at submit and `scontrol update`, and
// re-evaluating every pending dependent job at the start of each scheduler pass (so on every
// submit, completion and the 1 s tick). The rules themselves are pure (core/dependency*.ts);
// this file supplies the live job table to them and turns verdicts into job events.
//
// Targets resolve against the live jobs (finished ones stay until MinJobAge), as in Slurm: an
// id no longer (or never) known is fulfilled. Array targets (`J_7`, `J_*`, a plain id naming
// an array) and `aftercorr` task by task are resolved in array-deps.ts.

import type { Job } from '../core/job.ts';
import type { RatchetConfig } from '../core/config-model.ts';
import { parseDependency, targetJobIds } from '../core/dependency.ts';
import type { JobDependency } from '../core/dependency.ts';
import { evaluateDependency } from '../core/dependency-eval.ts';
import type { DepContext, DepEvaluation } from '../core/dependency-eval.ts';
import type { IndexSet } from '../core/array-spec.ts';
import { isArrayMeta } from '../core/job-array.ts';
import { ArrayIndex, corrSplit, hasCorr, resolveTarget, withoutCorr } from './array-deps.ts';
import { splitArrayTask } from './arrays.ts';
import { SlurmError } from '../api/wire.ts';
import type { Controller } from './controller.ts';

type Verdict = Pick<DepEvaluation, 'verdict' | 'wakeAt'> & { dependency: JobDependency | null };

const DEP_REASONS = new Set(['Dependency', 'DependencyNeverSatisfied']);

export type DependencyCheck = { ok: true; dependency: JobDependency | null } | { ok: false; error: SlurmError };

/**
 * Parse a spec for job `self` (submit or update): Slurm's "Job dependency problem" for bad
 * syntax or the job itself, "Circular job dependency" when a target already waits on it.
 */
export function checkDependency(cfg: RatchetConfig, spec: string, self: number, lookup: (id: number) => Job | undefined): DependencyCheck {
  const r = parseDependency(spec, { maxArraySize: cfg.maxArraySize });
  if (!r.ok) return { ok: false, error: r.error === 'unsupported' ? SlurmError.NotSupported : SlurmError.DependencyProblem };
  const ids = targetJobIds(r.dependency);
  if (ids.includes(self)) return { ok: false, error: SlurmError.DependencyProblem };
  // Breadth-first over what the targets still wait on, to DependencyParameters=max_depend_depth.
  let frontier = ids;
  const seen = new Set<number>(ids);
  for (let depth = 0; depth < cfg.maxDependDepth && frontier.length > 0; depth++) {
    const next: number[] = [];
    for (const id of frontier) {
      for (const t of targetJobIds(lookup(id)?.dependency)) {
        if (t === self) return { ok: false, error: SlurmError.CircularDependency };
        if (!seen.has(t)) {
          seen.add(t);
          next.push(t);
        }
      }
    }
    frontier = next;
  }
  return { ok: true, dependency: r.dependency };
}

/** Whether an invalid dependency cancels the job: its own flag, else DependencyParameters. */
function killsOnInvalid(cfg: RatchetConfig, job: Job): boolean {
  return job.req.killOnInvalidDep ?? cfg.killInvalidDepend;
}

/** Per user and name: running/suspended count and lowest pending id, for singletons. */
class SingletonIndex {
  private readonly active = new Map<string, number>();
  private readonly lowestPending = new Map<string, number>();

  constructor(jobs: Iterable<Job>) {
    for (const j of jobs) {
      const k = SingletonIndex.key(j);
      if (j.state === 'RUNNING' || j.state === 'SUSPENDED') this.active.set(k, (this.active.get(k) ?? 0) + 1);
      else if (j.state === 'PENDING' && j.id < (this.lowestPending.get(k) ?? Infinity)) this.lowestPending.set(k, j.id);
    }
  }

  static key(j: Job): string {
    return `${j.user.uid}\u0000${j.req.name}`;
  }

  /** No other job of the same user and name runs, nor waits with a lower id. */
  clear(j: Job): boolean {
    const k = SingletonIndex.key(j);
    return (this.active.get(k) ?? 0) === 0 && (this.lowestPending.get(k) ?? Infinity) >= j.id;
  }
}

export class DependencyEvaluator {
  private readonly ctl: Controller;
  /**
   * Something a dependency may depend on changed since the last full evaluation (a job
   * event, a submission, a purge). Passes with nothing changed and no `after:J+N` falling
   * due skip the evaluation: with many dependent jobs it would cost every pass.
   */
  private dirty = true;
  private wakeAt = Infinity;

  constructor(ctl: Controller) {
    this.ctl = ctl;
  }

  /** The live arrays, built at most once per evaluation pass. */
  private index: ArrayIndex | null = null;
  /** Array meta records with aftercorr: the pending tasks the scheduler may start. */
  private readonly corrReady = new Map<number, IndexSet>();

  private arrays(): ArrayIndex {
    return (this.index ??= new ArrayIndex(this.ctl.jobs.values()));
  }

  /**
   * For a meta record whose aftercorr items are decided per task: the tasks that may start
   * (possibly none); null for any other job (its dependency alone decides).
   */
  readyTasks(job: Job): IndexSet | null {
    if (!isArrayMeta(job) || !hasCorr(job.dependency) || job.dependency === null) return null;
    if (withoutCorr(job.dependency).items.length > 0) return [];
    return this.corrReady.get(job.id) ?? [];
  }

  private needs(job: Job): boolean {
    if (job.state !== 'PENDING') return false;
    return (job.dependency !== null && job.dependency.items.length > 0) || DEP_REASONS.has(job.reason);
  }

  /** A job was submitted, changed or purged: the next pass evaluates again. */
  touch(): void {
    this.dirty = true;
  }

  /** Re-evaluate every pending job's dependency; returns the jobs that changed. */
  evaluateAll(now: number): Job[] {
    if (!this.dirty && now < this.wakeAt) return [];
    // Events applied below set `dirty` again, so their consequences get one more pass.
    this.dirty = false;
    this.wakeAt = Infinity;
    this.index = null;
    const changed: Job[] = [];
    let index: SingletonIndex | null = null;
    const singleton = (): SingletonIndex => (index ??= new SingletonIndex(this.ctl.jobs.values()));
    // Only values of existing keys change while iterating (apply never adds or deletes).
    for (const job of this.ctl.jobs.values()) {
      if (!this.needs(job)) continue;
      const j = this.evaluate(job, now, singleton);
      if (j !== null) changed.push(j);
    }
    return changed;
  }

  /** Evaluate one job now (at submit); returns it if it changed. */
  evaluateOne(job: Job, now: number): Job | null {
    if (!this.needs(job)) return null;
    this.index = null;
    return this.evaluate(job, now, () => new SingletonIndex(this.ctl.jobs.values()));
  }

  private evaluate(job: Job, now: number, singleton: () => SingletonIndex): Job | null {
    const lookup = (id: number): Job | undefined => this.ctl.jobs.get(id);
    const ctx: DepContext = {
      now,
      resolve: (t, type) => resolveTarget(t, type === 'aftercorr', job.array?.taskId ?? null, this.arrays(), lookup),
      singletonClear: () => singleton().clear(job),
    };
    if (isArrayMeta(job) && hasCorr(job.dependency)) return this.evaluateCorr(job, now, ctx);
    const ev = job.dependency === null
      ? { dependency: null, verdict: 'satisfied' as const, wakeAt: null }
      : evaluateDependency(job.dependency, ctx);
    return this.conclude(job, now, ev);
  }

  /**
   * A meta record with aftercorr items: its other items decide as usual; then each pending
   * task is ready, waiting, or (its corresponding task failed) split off to fail on its own.
   */
  private evaluateCorr(job: Job, now: number, ctx: DepContext): Job | null {
    const dep = job.dependency;
    if (dep === null) return null;
    const corrItems = dep.items.filter((i) => i.type === 'aftercorr');
    const rest = evaluateDependency(withoutCorr(dep), ctx);
    if (rest.verdict !== 'satisfied') {
      this.corrReady.delete(job.id);
      return this.conclude(job, now, { ...rest, dependency: { ...rest.dependency, items: [...rest.dependency.items, ...corrItems] } });
    }
    const split = corrSplit(job, this.arrays(), (id) => this.ctl.jobs.get(id));
    for (const task of split.failed) {
      const id = splitArrayTask(this.ctl, job.id, task, now);
      if (id === null) continue;
      const failedDep = { ...dep, items: corrItems.map((i) => ({ ...i, state: 'failed' as const })) };
      this.conclude(this.ctl.jobs.get(id) ?? job, now, { dependency: failedDep, verdict: 'never', wakeAt: null });
    }
    this.index = null;
    const current = this.ctl.jobs.get(job.id);
    if (current === undefined || !isArrayMeta(current)) return null;
    this.corrReady.set(job.id, split.ready);
    const verdict = split.ready.length > 0 ? 'satisfied' : 'pending';
    return this.conclude(current, now, { dependency: { ...dep, items: corrItems }, verdict, wakeAt: null });
  }

  private conclude(job: Job, now: number, ev: Verdict): Job | null {
    if (ev.wakeAt !== null) this.wakeAt = Math.min(this.wakeAt, ev.wakeAt);
    const kill = ev.verdict === 'never' && killsOnInvalid(this.ctl.cfg, job);
    const r = this.ctl.apply(job.id, { kind: 'dependency', at: now, dependency: ev.dependency, verdict: ev.verdict, kill });
    return r.ok && r.job !== r.before ? r.job : null;
  }
}
