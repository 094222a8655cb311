import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDependency, formatDependency } from './dependency.ts';
import type { JobDependency } from './dependency.ts';
import { evaluateDependency, jobFacts, reasonAfterDependency } from './dependency-eval.ts';
import type { DepContext, DepTargetFacts } from './dependency-eval.ts';
import type { JobState } from './job-state.ts';
import { JobState as JobStates } from './job-state.ts';

const dep = (spec: string): JobDependency => {
  const r = parseDependency(spec);
  if (!r.ok || r.dependency === null) throw new Error(spec);
  return r.dependency;
};

const T0 = 1_000_000_000_000;
const facts = (state: JobState, startTime: number | null = T0, completing = false): DepTargetFacts =>
  jobFacts({ state, flags: completing ? ['COMPLETING'] : [], startTime });

function ctx(jobs: Record<number, DepTargetFacts>, now = T0, singletonClear = true): DepContext {
  return { now, resolve: (t) => (t.task === null ? jobs[t.jobId] : undefined), singletonClear: () => singletonClear };
}

const evalShow = (spec: string, c: DepContext): [string, string] => {
  const r = evaluateDependency(dep(spec), c);
  return [r.verdict, formatDependency(r.dependency)];
};

test('afterok / afternotok / afterany / after on a running, then completed, then failed parent', () => {
  const running = ctx({ 29: facts('RUNNING') });
  assert.deepEqual(evalShow('afterok:29', running), ['pending', 'afterok:29(unfulfilled)']);
  assert.deepEqual(evalShow('afternotok:29', running), ['pending', 'afternotok:29(unfulfilled)']);
  assert.deepEqual(evalShow('afterany:29', running), ['pending', 'afterany:29(unfulfilled)']);
  assert.deepEqual(evalShow('after:29', running), ['satisfied', '(null)']);
  const done = ctx({ 29: facts('COMPLETED') });
  assert.deepEqual(evalShow('afterok:29', done), ['satisfied', '(null)']);
  assert.deepEqual(evalShow('afterany:29', done), ['satisfied', '(null)']);
  assert.deepEqual(evalShow('afternotok:29', done), ['never', 'afternotok:29(failed)']);
  const failed = ctx({ 34: facts('FAILED') });
  assert.deepEqual(evalShow('afterok:34', failed), ['never', 'afterok:34(failed)']);
  assert.deepEqual(evalShow('afternotok:34', failed), ['satisfied', '(null)']);
  assert.deepEqual(evalShow('aftercorr:34', failed), ['never', 'aftercorr:34(failed)']);
});

test('every end but COMPLETED is "not ok"; COMPLETING is not finished yet', () => {
  const ends = Object.values(JobStates).filter((s) => !['PENDING', 'RUNNING', 'SUSPENDED', 'COMPLETED'].includes(s));
  for (const s of ends) {
    assert.deepEqual(evalShow('afterok:5', ctx({ 5: facts(s) })), ['never', 'afterok:5(failed)'], s);
    assert.deepEqual(evalShow('afternotok:5', ctx({ 5: facts(s) })), ['satisfied', '(null)'], s);
    assert.deepEqual(evalShow('afterany:5', ctx({ 5: facts(s) })), ['satisfied', '(null)'], s);
  }
  for (const s of ['OUT_OF_MEMORY', 'TIMEOUT', 'NODE_FAIL', 'CANCELLED', 'FAILED', 'DEADLINE', 'PREEMPTED', 'BOOT_FAIL']) {
    assert.ok((ends as string[]).includes(s), s);
  }
  assert.deepEqual(evalShow('afterok:5', ctx({ 5: facts('CANCELLED', T0, true) })), ['pending', 'afterok:5(unfulfilled)']);
  assert.deepEqual(evalShow('afterany:5', ctx({ 5: facts('TIMEOUT', T0, true) })), ['pending', 'afterany:5(unfulfilled)']);
});

test('unknown (or purged) targets and task targets of plain jobs are fulfilled', () => {
  assert.deepEqual(evalShow('afterok:999999', ctx({})), ['satisfied', '(null)']);
  assert.deepEqual(evalShow('afternotok:999999,afterok:5_1', ctx({ 5: facts('RUNNING') })), ['satisfied', '(null)']);
});

test('after +minutes counts from the target\'s start', () => {
  const c = (now: number): DepContext => ctx({ 7: facts('RUNNING', T0) }, now);
  assert.deepEqual(evalShow('after:7+2', c(T0 + 119_000)), ['pending', 'after:7+2(unfulfilled)']);
  const two = ctx({ 7: facts('RUNNING', T0), 8: facts('RUNNING', T0 + 1000) });
  assert.equal(evaluateDependency(dep('after:7+2,after:8+1'), two).wakeAt, T0 + 61_000);
  assert.equal(evaluateDependency(dep('after:7+2'), ctx({ 7: facts('PENDING', null) })).wakeAt, null);
  assert.deepEqual(evalShow('after:7+2', c(T0 + 120_000)), ['satisfied', '(null)']);
  assert.deepEqual(evalShow('after:7', ctx({ 7: facts('PENDING', null) })), ['pending', 'after:7(unfulfilled)']);
  // Only `after` waits for the delay (peer: afterok:X+1 started before X's end + 1 min).
  assert.deepEqual(evalShow('afterok:7+5', ctx({ 7: facts('COMPLETED') })), ['satisfied', '(null)']);
});

test('all (,): satisfied parts vanish, one failed part makes it never satisfiable', () => {
  const c = ctx({ 43: facts('COMPLETED'), 44: facts('FAILED') });
  assert.deepEqual(evalShow('afterok:43,afterok:44', c), ['never', 'afterok:44(failed)']);
  const half = ctx({ 43: facts('COMPLETED'), 44: facts('RUNNING') });
  assert.deepEqual(evalShow('afterok:43,afterok:44', half), ['pending', 'afterok:44(unfulfilled)']);
  assert.deepEqual(evalShow('afterany:43:44', c), ['satisfied', '(null)']);
});

test('any (?): one fulfilled part satisfies, never only when every part failed', () => {
  assert.deepEqual(evalShow('afterok:43?afterok:44', ctx({ 43: facts('RUNNING'), 44: facts('FAILED') })),
    ['pending', 'afterok:43(unfulfilled)?afterok:44(failed)']);
  assert.deepEqual(evalShow('afterok:43?afterok:44', ctx({ 43: facts('COMPLETED'), 44: facts('RUNNING') })), ['satisfied', '(null)']);
  assert.deepEqual(evalShow('afterok:43?afterok:44', ctx({ 43: facts('FAILED'), 44: facts('TIMEOUT') })),
    ['never', 'afterok:43(failed)?afterok:44(failed)']);
});

test('a failed item is never re-evaluated, even if its job is requeued', () => {
  const first = evaluateDependency(dep('afterok:9'), ctx({ 9: facts('FAILED') }));
  assert.equal(first.verdict, 'never');
  const again = evaluateDependency(first.dependency, ctx({ 9: facts('COMPLETED') }));
  assert.equal(again.verdict, 'never');
  assert.equal(again.changed, false);
  assert.equal(again.dependency, first.dependency);
});

test('nothing changed: the same dependency object comes back', () => {
  const d = dep('afterok:1,singleton');
  const r = evaluateDependency(d, ctx({ 1: facts('RUNNING') }, T0, false));
  assert.equal(r.changed, false);
  assert.equal(r.dependency, d);
  assert.equal(formatDependency(r.dependency), 'afterok:1(unfulfilled),singleton(unfulfilled)');
  assert.deepEqual(evalShow('afterok:1,singleton', ctx({ 1: facts('COMPLETED') }, T0, true)), ['satisfied', '(null)']);
});

test('reasons: Dependency, DependencyNeverSatisfied, back to None; holds win', () => {
  const free = { reason: 'None', held: null } as const;
  assert.equal(reasonAfterDependency(free, 'pending'), 'Dependency');
  assert.equal(reasonAfterDependency(free, 'never'), 'DependencyNeverSatisfied');
  assert.equal(reasonAfterDependency({ reason: 'Dependency', held: null }, 'satisfied'), 'None');
  assert.equal(reasonAfterDependency({ reason: 'Priority', held: null }, 'satisfied'), 'Priority');
  const held = { reason: 'JobHeldUser', held: 'user' } as const;
  assert.equal(reasonAfterDependency(held, 'pending'), 'JobHeldUser');
  assert.equal(reasonAfterDependency(held, 'satisfied'), 'JobHeldUser');
  // The peer: a held job whose dependency failed shows JobHeldAdmin.
  assert.equal(reasonAfterDependency(held, 'never'), 'JobHeldAdmin');
});
