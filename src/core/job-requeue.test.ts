import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEvent } from './job-machine.ts';
import type { Job, JobRequest, RunEvidence, StepRecord } from './job.ts';
import { asJobId } from './job.ts';
import { newJob } from './job-new.ts';
import { attachLateRun, requeueSettled } from './job-runs.ts';

const req: JobRequest = {
  name: 'j', script: '#!/bin/sh\n', scriptPath: null, argv: [], workDir: '/tmp', stdout: 'slurm-%j.out', stderr: null,
  stdin: '/dev/null', openMode: 'truncate', partition: 'debug', timeLimit: 60, nodes: 1, ntasks: 1, cpusPerTask: 1,
  ntasksGiven: false, cpusPerTaskGiven: false, memPerNode: null, memPerCpu: 256, env: {}, comment: null,
  account: 'root', qos: 'normal', requeue: true, submitHost: 'h', submitSid: 1, nice: 0, signal: null,
};

const user = { name: 'root', uid: 0, gid: 0, group: 'root' };

function running(r: JobRequest = req): Job {
  const s = applyEvent(newJob(asJobId(7), r, user, 1000, false, 'None', 100), { kind: 'start', at: 2000, nodes: ['n1'], cpus: 1, mem: 256 });
  assert.ok(s.ok);
  return s.job;
}

const evidence: RunEvidence = {
  exitCode: null, signal: 15, oomKills: 0, timeLimitAt: null, killedAfterWait: false, launchError: null,
  peakMemBytes: 1, memLimitBytes: null, userCpu: 0, systemCpu: 0, startedAt: 2000, endedAt: 9500,
};
const batch: StepRecord = {
  id: 'batch', name: 'batch', state: 'CANCELLED', exitCode: { code: 0, signal: 15 }, start: 2000, end: 9500,
  maxRssBytes: 1, cpus: 1, nodeList: ['n1'], userCpu: 0, systemCpu: 0,
};

test('requeue of a running job: the run ends now (not at its projected end), COMPLETING on its nodes until the node reports', () => {
  const r = applyEvent(running(), { kind: 'requeue', at: 9000, hold: false, delayMs: 121_000 });
  assert.ok(r.ok);
  const j = r.job;
  // Peer: COMPLETING, reason None, until the kill is done; then PENDING BeginTime (the scheduler pass sets it).
  assert.deepEqual([j.state, j.flags, j.reason, j.held, j.restarts, j.submitTime, j.eligibleTime], ['PENDING', ['COMPLETING'], 'None', null, 1, 9000, 130_000]);
  assert.deepEqual([j.startTime, j.endTime, j.nodeList], [null, null, running().nodeList]);
  const settled = requeueSettled(j, 1);
  assert.deepEqual([settled.flags, settled.nodeList], [[], []]);
  assert.equal(requeueSettled(j, 2), j, 'another attempt\'s report settles nothing');
  const run = j.runs[0];
  assert.ok(run);
  assert.deepEqual([run.state, run.startTime, run.endTime, run.attempt, run.exitCode], ['REQUEUED', 2000, 9000, 1, { code: 0, signal: 0 }]);
  // The next start is a new attempt, whose SLURM_RESTART_COUNT is 1.
  const again = applyEvent(j, { kind: 'start', at: 140_000, nodes: ['n2'], cpus: 1, mem: 256 });
  assert.ok(again.ok);
  assert.deepEqual([again.job.attempt, again.job.restarts], [2, 1]);
});

test('requeuehold: held by the user, priority 0, described as Slurm does; SpecialExit flags it until release', () => {
  const r = applyEvent(running(), { kind: 'requeue', at: 9000, hold: true, delayMs: 121_000, specialExit: true });
  assert.ok(r.ok);
  assert.deepEqual([r.job.held, r.job.priority, r.job.reason, r.job.stateDesc, r.job.flags],
    ['user', 0, 'JobHeldUser', 'job requeued in held state', ['SPECIAL_EXIT', 'COMPLETING']]);
  const rel = applyEvent(r.job, { kind: 'release', at: 10_000, priority: 50 });
  assert.ok(rel.ok);
  assert.deepEqual([rel.job.held, rel.job.flags, rel.job.stateDesc, rel.job.reason], [null, ['COMPLETING'], null, 'None']);
});

test('a node failure closes the run as NODE_FAIL; requeue of a pending job is refused', () => {
  const r = applyEvent(running(), { kind: 'requeue', at: 9000, hold: false, runState: 'NODE_FAIL' });
  assert.ok(r.ok);
  assert.deepEqual(r.job.runs.map((x) => x.state), ['NODE_FAIL']);
  assert.deepEqual([r.job.reason, r.job.flags, r.job.nodeList], ['None', [], []], 'no node will report: not completing');
  assert.deepEqual(applyEvent(r.job, { kind: 'requeue', at: 9100, hold: false }), { ok: false, error: 'pending' });
});

test('the late completion of a requeued run is refused, then kept in its run record only', () => {
  const r = applyEvent(running(), { kind: 'requeue', at: 9000, hold: false });
  assert.ok(r.ok);
  const late = applyEvent(r.job, { kind: 'complete', at: 9600, attempt: 1, evidence, steps: [batch] });
  assert.deepEqual(late, { ok: false, error: 'already_done' });
  const filled = attachLateRun(r.job, 1, [batch], evidence);
  assert.deepEqual(filled.runs[0]?.steps, [batch]);
  assert.deepEqual([filled.state, filled.flags, filled.nodeList], ['PENDING', [], []], 'the report ends the COMPLETING');
  assert.equal(attachLateRun(filled, 1, [], evidence), filled, 'filled once');
  assert.equal(attachLateRun(r.job, 5, [batch], evidence), r.job, 'unknown attempt');
});

test('deadline: a pending job ends DEADLINE at once (ExitCode 0:1), a running one is COMPLETING', () => {
  const p = applyEvent(newJob(asJobId(8), req, user, 1000, false, 'None', 100), { kind: 'deadline', at: 1500 });
  assert.ok(p.ok);
  assert.deepEqual([p.job.state, p.job.reason, p.job.startTime, p.job.endTime, p.job.exitCode], ['DEADLINE', 'DeadLine', 1500, 1500, { code: 0, signal: 1 }]);
  const r = applyEvent(running(), { kind: 'deadline', at: 5000 });
  assert.ok(r.ok);
  assert.deepEqual([r.job.state, r.job.flags, r.job.endTime], ['DEADLINE', ['COMPLETING'], 5000]);
  assert.deepEqual(applyEvent(r.job, { kind: 'deadline', at: 6000 }), { ok: false, error: 'already_done' });
});

test('JobRequeue and SchedulerParameters=requeue_delay configure requeue', async () => {
  const { parseConfig } = await import('./config.ts');
  const base = 'ClusterName=c\nNodeName=n1 CPUs=1 RealMemory=100\nPartitionName=p Nodes=n1 Default=YES\n';
  const d = parseConfig(base, 'r.conf');
  assert.ok(d.ok);
  assert.deepEqual([d.config.jobRequeue, d.config.requeueDelay], [true, 120]);
  const c = parseConfig(`${base}JobRequeue=0\nSchedulerParameters=bf_interval=30,requeue_delay=3\n`, 'r.conf');
  assert.ok(c.ok);
  assert.deepEqual([c.config.jobRequeue, c.config.requeueDelay], [false, 3]);
  assert.equal(parseConfig(`${base}SchedulerParameters=requeue_delay=x\n`, 'r.conf').ok, false);
});

test('node_fail: a running job ends NODE_FAIL (NodeDown, 0:0); a completing one stops completing', () => {
  const r = applyEvent(running(), { kind: 'node_fail', at: 5000 });
  assert.ok(r.ok);
  assert.deepEqual([r.job.state, r.job.reason, r.job.exitCode, r.job.endTime, r.job.flags], ['NODE_FAIL', 'NodeDown', { code: 0, signal: 0 }, 5000, []]);
  const t = applyEvent(running(), { kind: 'time_limit', at: 4000, attempt: 1 });
  assert.ok(t.ok);
  const f = applyEvent(t.job, { kind: 'node_fail', at: 5000 });
  assert.ok(f.ok);
  assert.deepEqual([f.job.state, f.job.flags], ['TIMEOUT', []]);
  assert.deepEqual(applyEvent(f.job, { kind: 'node_fail', at: 6000 }), { ok: false, error: 'already_done' });
});
