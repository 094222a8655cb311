import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEvent } from './job-machine.ts';
import type { Job, JobRequest, RunEvidence } from './job.ts';
import { asJobId } from './job.ts';
import { newJob } from './job-new.ts';
import { fitPartition, parsePolicy } from './escalation-policy.ts';
import type { EscalationPolicy } from './escalation-policy.ts';
import { decideEnd, escalationEnv, newEscalation } from './escalation.ts';
import type { Place } from './escalation.ts';
import { SEED_PARTS, SEED_YAML } from './escalation-fixture.ts';

const req: JobRequest = {
  name: 'j', script: '#!/bin/sh\n', scriptPath: null, argv: [], workDir: '/tmp', stdout: 'slurm-%j.out', stderr: null,
  stdin: '/dev/null', openMode: 'truncate', partition: 'devel', timeLimit: 60, nodes: 1, ntasks: 1, cpusPerTask: 1,
  ntasksGiven: false, cpusPerTaskGiven: false, memPerNode: 1024, memPerCpu: null, env: {}, comment: null,
  account: 'root', qos: 'normal', requeue: true, submitHost: 'h', submitSid: 1, nice: 0, signal: null,
};

const place: Place = (r) => {
  const partition = fitPartition(r, SEED_PARTS);
  return partition === null ? null : { partition, mem: r.mem, time: r.time };
};

function policy(text = SEED_YAML): EscalationPolicy {
  const r = parsePolicy(text, 'p');
  assert.ok(r.ok);
  return r.policy;
}

function evidence(over: Partial<RunEvidence>): RunEvidence {
  return {
    exitCode: 0, signal: null, oomKills: 0, timeLimitAt: null, killedAfterWait: false, launchError: null,
    peakMemBytes: 1024 ** 3, memLimitBytes: 1024 ** 3, userCpu: 0, systemCpu: 0, startedAt: 2000, endedAt: 5000, ...over,
  };
}

/** Start the job and end its run with this evidence (a TIMEOUT goes through time_limit first). */
function ended(job: Job, ev: Partial<RunEvidence>, at = 5000): Job {
  const s = applyEvent(job, { kind: 'start', at: at - 3000, nodes: ['n1'], cpus: 1, mem: job.req.memPerNode ?? 0 });
  assert.ok(s.ok);
  let j = s.job;
  if (ev.timeLimitAt != null) {
    const t = applyEvent(j, { kind: 'time_limit', at: ev.timeLimitAt, attempt: j.attempt });
    assert.ok(t.ok);
    j = t.job;
  }
  const c = applyEvent(j, { kind: 'complete', at, attempt: j.attempt, evidence: evidence(ev), steps: [] });
  assert.ok(c.ok);
  return c.job;
}

function fresh(p = policy()): Job {
  return { ...newJob(asJobId(9), req, { name: 'u', uid: 1, gid: 1, group: 'u' }, 1000, false, 'None', 50),
    escalation: newEscalation(p, { mem: 0, time: 0 }, null) };
}

test('an OOM that exits 0 climbs a level: same id, original submit time, run kept as OUT_OF_MEMORY', () => {
  const d = decideEnd(ended(fresh(), { exitCode: 0, oomKills: 3 }), 6000, place);
  assert.ok(d !== null && d.kind === 'retry');
  const j = d.job;
  assert.equal(j.id, 9);
  assert.equal(j.state, 'PENDING');
  assert.equal(j.submitTime, 1000);
  assert.equal(j.priority, 50);
  assert.equal(j.restarts, 1);
  assert.deepEqual([j.req.partition, j.req.memPerNode, j.req.timeLimit], ['week', 2048, 120]);
  assert.equal(j.runs.length, 1);
  assert.deepEqual([j.runs[0]?.state, j.runs[0]?.memPerNode, j.runs[0]?.partition], ['OUT_OF_MEMORY', 1024, 'devel']);
  assert.equal(d.note.evidence, 'OOM: oom_kill=3, peak 1.00G of 1.00G');
  assert.deepEqual(escalationEnv(j), {
    RATCHET_ESCALATION_LEVEL: '1', RATCHET_ATTEMPT: '2', RATCHET_ESCALATION_POLICY: 'p',
    RATCHET_PREV_CAUSE: 'OUT_OF_MEMORY', RATCHET_PREV_PEAK_MEM: '1024M',
  });
});

test('FAILED exit 1 is not retried; exit 137 is escalated by the exit-code override', () => {
  const f = decideEnd(ended(fresh(), { exitCode: 1 }), 6000, place);
  assert.ok(f !== null && f.kind === 'final');
  assert.equal(f.job.state, 'FAILED');
  assert.equal(f.job.escalation?.outcome, 'not_retried');
  const k = decideEnd(ended(fresh(), { exitCode: 137 }), 6000, place);
  assert.equal(k?.kind, 'retry');
});

test('climbing to the top and failing again exhausts the chain in the last failure state, and says so', () => {
  let j = fresh();
  for (let level = 0; level < 4; level++) {
    const d = decideEnd(ended(j, { timeLimitAt: 4000, signal: 15 }), 6000 + level, place);
    assert.ok(d !== null);
    if (level < 3) {
      assert.equal(d.kind, 'retry');
      j = d.job;
      continue;
    }
    assert.equal(d.kind, 'final');
    assert.equal(d.job.state, 'TIMEOUT');
    assert.equal(d.job.escalation?.outcome, 'exhausted');
    assert.match(d.job.req.comment ?? '', /^escalation exhausted: TIMEOUT at level 3 \(8G, 00:08:00\): no higher time rung; TIMEOUT: limit 00:08:00 fired/);
    assert.equal(d.job.runs.length, 3);
    assert.equal(d.job.escalation?.attempts.length, 4);
  }
});

test('axes form: OOM raises memory only, TIMEOUT time only; budgets per cause end the chain', () => {
  const p = policy('memory: [1G, 2G, 4G]\ntime: [1, 2]\npartitions: [devel, day, week]\nmax_attempts: {oom: 1}\n');
  const a = decideEnd(ended(fresh(p), { oomKills: 1 }), 6000, place);
  assert.ok(a?.kind === 'retry');
  assert.deepEqual([a.job.req.memPerNode, a.job.req.timeLimit, a.job.req.partition], [2048, 60, 'day']);
  const b = decideEnd(ended(a.job, { timeLimitAt: 4000, signal: 15 }), 7000, place);
  assert.ok(b?.kind === 'retry');
  assert.deepEqual([b.job.req.memPerNode, b.job.req.timeLimit, b.job.req.partition], [2048, 120, 'week']);
  const c = decideEnd(ended(b.job, { oomKills: 2 }), 8000, place);
  assert.ok(c?.kind === 'final');
  assert.match(c.job.escalation?.note ?? '', /oom budget of 1 used/);
});

test('a launch failure retries at the same rung on the infra budget; scancel ends the chain', () => {
  const a = decideEnd(ended(fresh(), { launchError: 'no such dir' }), 6000, place);
  assert.ok(a?.kind === 'retry');
  assert.deepEqual([a.job.req.memPerNode, a.job.escalation?.used.infra], [1024, 1]);
  const s = applyEvent(fresh(), { kind: 'start', at: 2000, nodes: ['n1'], cpus: 1, mem: 1024 });
  assert.ok(s.ok);
  const c = applyEvent(s.job, { kind: 'cancel', at: 3000, uid: 1 });
  assert.ok(c.ok);
  const done = applyEvent(c.job, { kind: 'complete', at: 3100, attempt: 1, evidence: evidence({ signal: 15 }), steps: [] });
  assert.ok(done.ok);
  assert.equal(decideEnd(done.job, 4000, place)?.kind, 'final');
});
