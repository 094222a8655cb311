// Suspend/resume through applyEvent, with the figures of golden d_suspend: a 10-minute job
// suspended after 5 s for 16 s, resumed, then finishing; and one cancelled while suspended.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEvent } from './job-machine.ts';
import type { JobEvent } from './job-machine.ts';
import type { Job, JobRequest, RunEvidence } from './job.ts';
import { asJobId } from './job.ts';
import { newJob } from './job-new.ts';

const req: JobRequest = {
  name: 'ticker', script: '#!/bin/sh\n', scriptPath: null, argv: [], workDir: '/tmp', stdout: 'slurm-%j.out', stderr: null,
  stdin: '/dev/null', openMode: 'truncate', partition: 'debug', timeLimit: 600, nodes: 1, ntasks: 1, cpusPerTask: 1,
  ntasksGiven: false, cpusPerTaskGiven: false, memPerNode: null, memPerCpu: 256, env: {}, comment: null,
  account: 'root', qos: 'normal', requeue: true, submitHost: 'h', submitSid: 1, nice: 0, signal: null,
};

const T0 = 1_700_000_000_000;
const at = (s: number): number => T0 + s * 1000;

function step(job: Job, ev: JobEvent): Job {
  const r = applyEvent(job, ev);
  assert.ok(r.ok, `${ev.kind}: ${r.ok ? '' : r.error}`);
  return r.job;
}

function running(timeLimit: number | null = 600): Job {
  const pending = newJob(asJobId(26), { ...req, timeLimit }, { name: 'root', uid: 0, gid: 0, group: 'root' }, T0, false, 'None', 100);
  return step(pending, { kind: 'start', at: at(0), nodes: ['n1'], cpus: 1, mem: 256 });
}

function evidence(over: Partial<RunEvidence>): RunEvidence {
  return {
    exitCode: 0, signal: null, oomKills: 0, timeLimitAt: null, killedAfterWait: false, launchError: null,
    peakMemBytes: null, memLimitBytes: null, userCpu: 0, systemCpu: 0, startedAt: at(0), endedAt: at(55), ...over,
  };
}

test('suspend records the run so far and keeps EndTime; resume moves EndTime by the time suspended', () => {
  const j = running();
  const s = step(j, { kind: 'suspend', at: at(5) + 300 });
  assert.equal(s.state, 'SUSPENDED');
  assert.equal(s.secsPreSuspend, 5);
  assert.equal(s.suspendTime, at(5) + 300);
  assert.equal(s.priority, 0, 'an admin-suspended job has priority 0');
  assert.equal(s.endTime, at(600));
  assert.deepEqual(s.nodeList, ['n1'], 'the allocation is kept');

  const again = step(s, { kind: 'suspend', at: at(20) });
  assert.equal(again, s, 'suspending a suspended job changes nothing');

  const r = step(s, { kind: 'resume', at: at(21), priority: 99 });
  assert.equal(r.state, 'RUNNING');
  assert.equal(r.suspendTime, at(21), 'SuspendTime is the resume time');
  assert.equal(r.secsPreSuspend, 5);
  assert.equal(r.endTime, at(21 + 600 - 5), 'EndTime moved by the 16 s suspended');
  assert.equal(r.priority, 99);

  const done = step(r, { kind: 'complete', at: at(55), attempt: r.attempt, evidence: evidence({}), steps: [] });
  assert.equal(done.state, 'COMPLETED');
  assert.equal(done.endTime, at(55));
  assert.equal(done.suspendTime, at(21));
});

test('a second suspension adds the run since the resume', () => {
  let j = step(running(), { kind: 'suspend', at: at(5) });
  j = step(j, { kind: 'resume', at: at(10), priority: 1 });
  j = step(j, { kind: 'suspend', at: at(17) });
  assert.equal(j.secsPreSuspend, 12);
  j = step(j, { kind: 'resume', at: at(30), priority: 1 });
  assert.equal(j.endTime, at(30 + 600 - 12));
});

test('refusals: pending, not suspended, finished or ending', () => {
  const pending = newJob(asJobId(28), req, { name: 'root', uid: 0, gid: 0, group: 'root' }, T0, true, 'None', 0);
  assert.deepEqual(applyEvent(pending, { kind: 'suspend', at: at(1) }), { ok: false, error: 'pending' });
  assert.deepEqual(applyEvent(pending, { kind: 'resume', at: at(1), priority: 1 }), { ok: false, error: 'pending' });
  const j = running();
  assert.deepEqual(applyEvent(j, { kind: 'resume', at: at(1), priority: 1 }), { ok: false, error: 'not_suspended' });
  const cancelled = step(j, { kind: 'cancel', at: at(2), uid: 0 });
  assert.deepEqual(applyEvent(cancelled, { kind: 'suspend', at: at(3) }), { ok: false, error: 'already_done' });
  assert.deepEqual(applyEvent(cancelled, { kind: 'resume', at: at(3), priority: 1 }), { ok: false, error: 'already_done' });
  const done = step(cancelled, { kind: 'complete', at: at(3), attempt: j.attempt, evidence: evidence({ signal: 15 }), steps: [] });
  assert.deepEqual(applyEvent(done, { kind: 'suspend', at: at(4) }), { ok: false, error: 'already_done' });
});

test('cancel while suspended: CANCELLED, ending at SuspendTime (golden: RunTime = SecsPreSuspend)', () => {
  const s = step(running(null), { kind: 'suspend', at: at(3) });
  const c = step(s, { kind: 'cancel', at: at(5), uid: 0 });
  assert.equal(c.state, 'CANCELLED');
  assert.ok(c.flags.includes('COMPLETING'));
  assert.equal(c.endTime, at(3));
  const done = step(c, { kind: 'complete', at: at(5), attempt: c.attempt, evidence: evidence({ signal: 9, endedAt: at(5) }), steps: [] });
  assert.deepEqual(done.exitCode, { code: 0, signal: 9 });
  assert.equal(done.endTime, at(3));
});

test('a run that ends on its own while suspended (OOM kill) is classified from evidence, ending at SuspendTime', () => {
  const s = step(running(), { kind: 'suspend', at: at(8) });
  const done = step(s, { kind: 'complete', at: at(9), attempt: s.attempt, evidence: evidence({ signal: 9, oomKills: 1, endedAt: at(9) }), steps: [] });
  assert.equal(done.state, 'OUT_OF_MEMORY');
  assert.equal(done.endTime, at(8));
});

test('a time limit that fired just before the suspension reached the node ends the job TIMEOUT', () => {
  const s = step(running(), { kind: 'suspend', at: at(600) + 20 });
  const t = step(s, { kind: 'time_limit', at: at(600), attempt: s.attempt });
  assert.equal(t.state, 'TIMEOUT');
  assert.equal(t.endTime, at(600) + 20);
});

test('a time-limit update keeps counting suspended time out', () => {
  let j = step(running(), { kind: 'suspend', at: at(5) });
  j = step(j, { kind: 'resume', at: at(21), priority: 1 });
  j = step(j, { kind: 'update', at: at(22), changes: { timeLimit: 60 } });
  assert.equal(j.endTime, at(21 - 5 + 60));
});

test('a new run (requeue, restart) starts with no suspension on record', () => {
  let j = step(running(), { kind: 'suspend', at: at(5) });
  j = step(j, { kind: 'requeue', at: at(6), hold: false });
  j = step(j, { kind: 'start', at: at(10), nodes: ['n2'], cpus: 1, mem: 256 });
  assert.equal(j.suspendTime, null);
  assert.equal(j.secsPreSuspend, 0);
});
