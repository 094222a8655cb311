import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeJob } from '../cli/format/job-fixture.ts';
import { applyEvent } from './job-machine.ts';

// --begin must survive what leaves EligibleTime unknown for a while: a hold, a dependency.
test('a held job with a future --begin released before it becomes eligible at the begin time, not at the release', () => {
  const held = makeJob({ held: 'user', eligibleTime: null, reason: 'JobHeldUser', req: { begin: 100_000 } });
  const r = applyEvent(held, { kind: 'release', at: 5_000, priority: 10 });
  assert.ok(r.ok);
  assert.equal(r.job.eligibleTime, 100_000);
  const late = applyEvent(held, { kind: 'release', at: 200_000, priority: 10 });
  assert.ok(late.ok);
  assert.equal(late.job.eligibleTime, 200_000, 'released after the begin time: eligible at the release');
});

test('a dependency satisfied before the begin time: eligible at the begin time', () => {
  const dep = makeJob({ eligibleTime: null, reason: 'Dependency', req: { begin: 100_000 } });
  const r = applyEvent(dep, { kind: 'dependency', at: 5_000, dependency: null, verdict: 'satisfied', kill: false });
  assert.ok(r.ok);
  assert.equal(r.job.eligibleTime, 100_000);
});

test('scontrol update StartTime= on a held job is kept for its release', () => {
  const held = makeJob({ held: 'user', eligibleTime: null, reason: 'JobHeldUser' });
  const u = applyEvent(held, { kind: 'update', at: 1_000, changes: { beginTime: 50_000 } });
  assert.ok(u.ok);
  assert.equal(u.job.req.begin, 50_000);
  const r = applyEvent(u.job, { kind: 'release', at: 2_000, priority: 10 });
  assert.ok(r.ok);
  assert.equal(r.job.eligibleTime, 50_000);
});
