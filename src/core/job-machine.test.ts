import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEvent, classifyRun, derivedExit } from './job-machine.ts';
import type { Job, JobRequest, RunEvidence, StepRecord } from './job.ts';
import { asJobId, EXIT_OK } from './job.ts';
import { newJob } from './job-new.ts';
import { parseDependency } from './dependency.ts';

const req: JobRequest = {
  name: 'j', script: '#!/bin/sh\n', scriptPath: null, argv: [], workDir: '/tmp', stdout: 'slurm-%j.out', stderr: null,
  stdin: '/dev/null', openMode: 'truncate', partition: 'debug', timeLimit: 60, nodes: 1, ntasks: 1, cpusPerTask: 1,
  ntasksGiven: false, cpusPerTaskGiven: false, memPerNode: null, memPerCpu: 256, env: {}, comment: null,
  account: 'root', qos: 'normal', requeue: true, submitHost: 'h', submitSid: 1, nice: 0, signal: null,
};

function pending(): Job {
  return newJob(asJobId(7), req, { name: 'root', uid: 0, gid: 0, group: 'root' }, 1000, false, 'None', 100);
}

function evidence(over: Partial<RunEvidence>): RunEvidence {
  return {
    exitCode: 0, signal: null, oomKills: 0, timeLimitAt: null, killedAfterWait: false, launchError: null,
    peakMemBytes: 1024, memLimitBytes: null, userCpu: 0, systemCpu: 0, startedAt: 2000, endedAt: 5000, ...over,
  };
}

function running(): Job {
  const r = applyEvent(pending(), { kind: 'start', at: 2000, nodes: ['n1'], cpus: 1, mem: 256 });
  assert.ok(r.ok);
  return r.job;
}

test('start moves PENDING to RUNNING with a new attempt and an end time from the limit', () => {
  const j = running();
  assert.equal(j.state, 'RUNNING');
  assert.equal(j.attempt, 1);
  assert.equal(j.endTime, 2000 + 60_000);
  assert.deepEqual(applyEvent(j, { kind: 'start', at: 3000, nodes: ['n1'], cpus: 1, mem: 1 }), { ok: false, error: 'not_pending' });
});

test('classification follows the evidence, OOM first', () => {
  assert.equal(classifyRun(evidence({ oomKills: 1, exitCode: 0 })).state, 'OUT_OF_MEMORY');
  assert.deepEqual(classifyRun(evidence({ oomKills: 2, exitCode: 2 })).exitCode, { code: 0, signal: 125 });
  assert.deepEqual(classifyRun(evidence({ exitCode: 3 })), { state: 'FAILED', reason: 'NonZeroExitCode', stateDesc: null, exitCode: { code: 3, signal: 0 } });
  assert.deepEqual(classifyRun(evidence({ exitCode: null, signal: 9 })).reason, 'JobLaunchFailure');
  assert.deepEqual(classifyRun(evidence({ exitCode: 137 })).exitCode, { code: 137, signal: 0 });
  assert.equal(classifyRun(evidence({})).state, 'COMPLETED');
  assert.equal(classifyRun(evidence({ timeLimitAt: 4000, exitCode: 0 })).state, 'TIMEOUT');
});

test('time limit ends the job TIMEOUT|COMPLETING; the later completion only fills the exit code', () => {
  const t = applyEvent(running(), { kind: 'time_limit', at: 62_000, attempt: 1 });
  assert.ok(t.ok);
  assert.equal(t.job.state, 'TIMEOUT');
  assert.deepEqual(t.job.flags, ['COMPLETING']);
  assert.equal(t.job.endTime, 62_000);
  const c = applyEvent(t.job, { kind: 'complete', at: 67_000, attempt: 1, evidence: evidence({ exitCode: null, signal: 9, timeLimitAt: 62_000 }), steps: [] });
  assert.ok(c.ok);
  assert.equal(c.job.state, 'TIMEOUT');
  assert.deepEqual(c.job.flags, []);
  assert.deepEqual(c.job.exitCode, { code: 0, signal: 9 });
  assert.equal(c.job.endTime, 62_000);
});

test('cancel of a pending job keeps its reason; of a running job it is CANCELLED|COMPLETING', () => {
  const held = applyEvent(pending(), { kind: 'hold', at: 1500, by: 'user' });
  assert.ok(held.ok);
  const c = applyEvent(held.job, { kind: 'cancel', at: 1600, uid: 0 });
  assert.ok(c.ok);
  assert.equal(c.job.state, 'CANCELLED');
  assert.equal(c.job.reason, 'JobHeldUser');
  assert.equal(c.job.startTime, 1600);
  const r = applyEvent(running(), { kind: 'cancel', at: 3000, uid: 1000 });
  assert.ok(r.ok);
  assert.deepEqual(r.job.flags, ['COMPLETING']);
  assert.equal(r.job.cancelledBy, 1000);
  const again = applyEvent(r.job, { kind: 'cancel', at: 3001, uid: 0 });
  assert.deepEqual(again, { ok: false, error: 'already_done' });
});

test('a completion for an older attempt is refused as stale', () => {
  const r = applyEvent(running(), { kind: 'complete', at: 5000, attempt: 0, evidence: evidence({}), steps: [] });
  assert.deepEqual(r, { ok: false, error: 'stale_attempt' });
});

test('DerivedExitCode is the worst srun step, OOM winning, batch excluded', () => {
  const step = (id: StepRecord['id'], state: StepRecord['state'], code: number, signal = 0): StepRecord => ({
    id, name: 'x', state, exitCode: { code, signal }, start: 0, end: 1, maxRssBytes: 0, cpus: 1, nodeList: ['n1'], userCpu: 0, systemCpu: 0,
  });
  assert.deepEqual(derivedExit([step('batch', 'FAILED', 9), step(0, 'FAILED', 2)]), { code: 2, signal: 0 });
  assert.deepEqual(derivedExit([step(0, 'FAILED', 2), step(1, 'OUT_OF_MEMORY', 0, 125)]), { code: 0, signal: 125 });
  assert.deepEqual(derivedExit([step('batch', 'FAILED', 1)]), EXIT_OK);
});

test('requeue closes the run into a REQUEUED record and pends again, counting the restart', () => {
  const done = applyEvent(running(), { kind: 'complete', at: 5000, attempt: 1, evidence: evidence({ exitCode: 1 }), steps: [] });
  assert.ok(done.ok);
  const r = applyEvent(done.job, { kind: 'requeue', at: 6000, hold: true });
  assert.ok(r.ok);
  assert.equal(r.job.state, 'PENDING');
  assert.equal(r.job.restarts, 1);
  assert.deepEqual([r.job.held, r.job.priority, r.job.reason], ['user', 0, 'JobHeldUser']);
  assert.equal(r.job.submitTime, 6000);
  assert.deepEqual(r.job.runs.map((x) => [x.attempt, x.state, x.exitCode.code]), [[1, 'REQUEUED', 1]]);
  assert.deepEqual(applyEvent(r.job, { kind: 'requeue', at: 7000, hold: false }), { ok: false, error: 'pending' });
});

test('a job submitted held is not eligible until released; holding an eligible job keeps its time', () => {
  const held = newJob(asJobId(8), req, { name: 'root', uid: 0, gid: 0, group: 'root' }, 1000, true, 'None', 100);
  assert.equal(held.eligibleTime, null);
  const released = applyEvent(held, { kind: 'release', at: 3000, priority: 99 });
  assert.ok(released.ok);
  assert.equal(released.job.eligibleTime, 3000);
  const rehold = applyEvent(released.job, { kind: 'hold', at: 4000, by: 'user' });
  assert.ok(rehold.ok);
  const again = applyEvent(rehold.job, { kind: 'release', at: 5000, priority: 98 });
  assert.ok(again.ok);
  assert.equal(again.job.eligibleTime, 3000);
});

test('dependency events: reason, eligibility, the invalid-dependency kill, and no change when nothing changed', () => {
  const parsed = parseDependency('afterok:3');
  assert.ok(parsed.ok && parsed.dependency !== null);
  const dep = parsed.dependency;
  const waiting: Job = { ...pending(), dependency: dep, eligibleTime: null };
  const r1 = applyEvent(waiting, { kind: 'dependency', at: 1500, dependency: dep, verdict: 'pending', kill: false });
  assert.ok(r1.ok);
  assert.equal(r1.job.reason, 'Dependency');
  const same = applyEvent(r1.job, { kind: 'dependency', at: 1600, dependency: dep, verdict: 'pending', kill: false });
  assert.ok(same.ok && same.job === r1.job, 'an unchanged evaluation returns the same record (no store write)');
  const done = { ...dep, items: [] };
  const r2 = applyEvent(r1.job, { kind: 'dependency', at: 1700, dependency: done, verdict: 'satisfied', kill: false });
  assert.ok(r2.ok);
  assert.deepEqual([r2.job.reason, r2.job.eligibleTime, r2.job.dependency?.items.length], ['None', 1700, 0]);
  const failed = { ...dep, items: dep.items.map((i) => ({ ...i, state: 'failed' as const })) };
  const k = applyEvent(r1.job, { kind: 'dependency', at: 1800, dependency: failed, verdict: 'never', kill: true });
  assert.ok(k.ok);
  assert.deepEqual([k.job.state, k.job.reason, k.job.cancelledBy, k.job.startTime, k.job.endTime], ['CANCELLED', 'DependencyNeverSatisfied', null, 1800, 1800]);
  assert.deepEqual(applyEvent(k.job, { kind: 'dependency', at: 1900, dependency: failed, verdict: 'never', kill: false }),
    { ok: false, error: 'not_pending' });
  const upd = applyEvent(r1.job, { kind: 'update', at: 2000, changes: { dependency: null } });
  assert.ok(upd.ok && upd.job.dependency === null);
});
