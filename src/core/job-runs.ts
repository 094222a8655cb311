// Closed runs of a job (RunRecord: requeued, node failure, escalation): closing the current
// run into a record, the requeue and node-failure transitions of the job machine, and the
// late report of a run already closed. The node reports
// how a run ended only after the controller has moved on (a requeue does not wait for the
// kill); that late report cannot change the job, but its steps belong in the run's record
// (sacct -D shows the killed batch step of a requeued run).

import type { Job, RunEvidence, RunRecord, StepRecord } from './job.ts';
import { EXIT_OK } from './job.ts';
import type { JobFlag, JobState } from './job-state.ts';
import { isActiveState, withoutFlag } from './job-state.ts';
import type { Reason } from './reason.ts';
import { endOfRun } from './job-suspend.ts';
import type { ApplyResult, JobEvent } from './job-machine.ts';

/** The job with the steps and evidence of closed run `attempt` filled in; the same job when there is nothing to fill. */
export function attachLateRun(job: Job, attempt: number, steps: readonly StepRecord[], evidence: RunEvidence): Job {
  const done = requeueSettled(job, attempt);
  const i = job.runs.findIndex((r) => r.attempt === attempt);
  const run = job.runs[i];
  if (run === undefined || run.evidence !== null || run.steps.length > 0) return done;
  // Steps keep their own end (Slurm: the batch step of a requeued run ends after the run).
  const runs = job.runs.map((r, k) => (k === i ? { ...r, steps: [...steps], evidence } : r));
  return { ...done, runs };
}

/**
 * The node has ended the run a requeue closed (its completion came, or the node is gone):
 * the job stops COMPLETING, gives back its nodes and waits as a pending job (the scheduler
 * pass sets BeginTime while the requeue delay lasts).
 */
export function requeueSettled(job: Job, attempt: number): Job {
  if (job.state !== 'PENDING' || !job.flags.includes('COMPLETING') || job.attempt !== attempt) return job;
  return { ...job, flags: withoutFlag(job.flags, 'COMPLETING'), nodeList: [] };
}

/** Close the current run into a RunRecord (accounting keeps every run). */
export function runRecord(job: Job, state: JobState | 'REQUEUED'): RunRecord {
  return {
    attempt: job.attempt,
    state,
    reason: job.reason,
    exitCode: job.exitCode,
    derivedExitCode: job.derivedExitCode,
    startTime: job.startTime,
    endTime: job.endTime,
    submitTime: job.submitTime,
    eligibleTime: job.eligibleTime,
    nodeList: job.nodeList,
    allocCpus: job.allocCpus,
    memPerNode: job.req.memPerNode,
    memPerCpu: job.req.memPerCpu,
    timeLimit: job.req.timeLimit,
    partition: job.req.partition,
    cancelledBy: job.cancelledBy,
    steps: job.steps,
    evidence: job.evidence,
  };
}

/**
 * `scontrol requeue[hold]`, node failure, escalation: the run so far becomes a REQUEUED run
 * record and the job is pending again with a new SubmitTime. `delayMs` is Slurm's requeue
 * delay: the job is not eligible before then (EligibleTime, reason BeginTime). A requeue in
 * the held state is a user hold described as such; `specialExit` also flags SPECIAL_EXIT.
 */
export function requeue(job: Job, ev: Extract<JobEvent, { kind: 'requeue' }>): ApplyResult {
  if (job.state === 'PENDING') return { ok: false, error: 'pending' };
  const { at, hold } = ev;
  // A running job's EndTime is its projected end: the run ends now.
  const ended = isActiveState(job.state) ? { ...job, endTime: endOfRun(job, at) } : job;
  const runs = [...job.runs, runRecord(ended, ev.runState ?? 'REQUEUED')];
  const delay = ev.delayMs ?? 0;
  // A run still going is killed now: until its node reports it ended, the job is
  // PENDING|COMPLETING (shown COMPLETING, reason None) and keeps its nodes, as in Slurm.
  // Not after a node failure: nothing will report from that node.
  const completing = isActiveState(job.state) && (ev.runState ?? 'REQUEUED') === 'REQUEUED';
  let reason: Reason = 'None';
  if (hold) reason = 'JobHeldUser';
  else if (delay > 0 && !completing) reason = 'BeginTime';
  const flags: JobFlag[] = ev.specialExit === true ? ['SPECIAL_EXIT'] : [];
  if (completing) flags.push('COMPLETING');
  return {
    ok: true,
    job: {
      ...job,
      state: 'PENDING',
      flags,
      reason,
      held: hold ? 'user' : null,
      priority: hold ? 0 : job.priority,
      stateDesc: hold ? 'job requeued in held state' : null,
      submitTime: at,
      eligibleTime: delay > 0 ? at + delay : at,
      startTime: null,
      endTime: null,
      nodeList: completing ? job.nodeList : [],
      restarts: job.restarts + 1,
      exitCode: EXIT_OK,
      derivedExitCode: EXIT_OK,
      cancelledBy: null,
      suspendTime: null,
      secsPreSuspend: 0,
      steps: [],
      runs,
      evidence: null,
    },
  };
}

/**
 * The job's node stopped answering (SlurmdTimeout) and the job may not be requeued: NODE_FAIL,
 * reason NodeDown, ExitCode 0:0, ended now. Nothing will report from that node, so a job
 * that was only completing there (TIMEOUT|COMPLETING...) just stops completing.
 */
export function nodeFail(job: Job, at: number): ApplyResult {
  if (isActiveState(job.state)) {
    return {
      ok: true,
      job: { ...job, state: 'NODE_FAIL', reason: 'NodeDown', stateDesc: null, exitCode: EXIT_OK, endTime: endOfRun(job, at), flags: withoutFlag(job.flags, 'COMPLETING') },
    };
  }
  if (job.state === 'PENDING' && job.flags.includes('COMPLETING')) return { ok: true, job: requeueSettled(job, job.attempt) };
  if (job.flags.includes('COMPLETING')) return { ok: true, job: { ...job, flags: withoutFlag(job.flags, 'COMPLETING') } };
  return { ok: false, error: 'already_done' };
}
