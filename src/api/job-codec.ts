// A compact wire form of a Job for the bulk queries (squeue, sacct over 100k jobs): each
// record becomes a JSON array of its values in a fixed order, so no key is repeated, and
// what no query prints is left out (the submit environment, the script text, the run
// evidence). decodeJob gives back a Job with env {}, script '' and evidence null.
// Because the decoders build Job literals, a field added to Job, JobRequest or StepRecord
// fails the type check here until it is carried.

import type { ExitStatus, Job, JobRequest, RunRecord, StepRecord, UserIdentity } from '../core/job.ts';
import { asJobId } from '../core/job.ts';

type T = readonly unknown[];

const encExit = (e: ExitStatus): T => [e.code, e.signal];
const decExit = (a: T): ExitStatus => ({ code: a[0] as number, signal: a[1] as number });

function encReq(r: JobRequest): T {
  return [r.name, r.scriptPath, r.argv, r.workDir, r.stdout, r.stderr, r.stdin, r.openMode, r.partition, r.timeLimit, r.nodes,
    r.ntasks, r.cpusPerTask, r.ntasksGiven, r.cpusPerTaskGiven, r.memPerNode, r.memPerCpu, r.comment, r.account, r.qos,
    r.requeue, r.submitHost, r.submitSid, r.nice, r.signal];
}

function decReq(a: T): JobRequest {
  return {
    name: a[0] as string, script: '', scriptPath: a[1] as string | null, argv: a[2] as string[], workDir: a[3] as string,
    stdout: a[4] as string, stderr: a[5] as string | null, stdin: a[6] as string, openMode: a[7] as JobRequest['openMode'],
    partition: a[8] as string, timeLimit: a[9] as number | null, nodes: a[10] as number, ntasks: a[11] as number,
    cpusPerTask: a[12] as number, ntasksGiven: a[13] as boolean, cpusPerTaskGiven: a[14] as boolean,
    memPerNode: a[15] as number | null, memPerCpu: a[16] as number | null, env: {}, comment: a[17] as string | null,
    account: a[18] as string, qos: a[19] as string, requeue: a[20] as boolean, submitHost: a[21] as string,
    submitSid: a[22] as number, nice: a[23] as number, signal: a[24] as JobRequest['signal'],
  };
}

const encUser = (u: UserIdentity): T => [u.name, u.uid, u.gid, u.group];
const decUser = (a: T): UserIdentity => ({ name: a[0] as string, uid: a[1] as number, gid: a[2] as number, group: a[3] as string });

function encStep(s: StepRecord): T {
  return [s.id, s.name, s.state, encExit(s.exitCode), s.start, s.end, s.maxRssBytes, s.cpus, s.nodeList, s.userCpu, s.systemCpu];
}

function decStep(a: T): StepRecord {
  return {
    id: a[0] as StepRecord['id'], name: a[1] as string, state: a[2] as StepRecord['state'], exitCode: decExit(a[3] as T),
    start: a[4] as number, end: a[5] as number | null, maxRssBytes: a[6] as number | null, cpus: a[7] as number,
    nodeList: a[8] as string[], userCpu: a[9] as number, systemCpu: a[10] as number,
  };
}

function encRun(r: RunRecord): T {
  return [r.attempt, r.state, r.reason, encExit(r.exitCode), encExit(r.derivedExitCode), r.startTime, r.endTime, r.submitTime,
    r.eligibleTime, r.nodeList, r.allocCpus, r.memPerNode, r.memPerCpu, r.timeLimit, r.partition, r.cancelledBy, r.steps.map(encStep)];
}

function decRun(a: T): RunRecord {
  return {
    attempt: a[0] as number, state: a[1] as RunRecord['state'], reason: a[2] as RunRecord['reason'], exitCode: decExit(a[3] as T),
    derivedExitCode: decExit(a[4] as T), startTime: a[5] as number | null, endTime: a[6] as number | null,
    submitTime: a[7] as number, eligibleTime: a[8] as number | null, nodeList: a[9] as string[], allocCpus: a[10] as number,
    memPerNode: a[11] as number | null, memPerCpu: a[12] as number | null, timeLimit: a[13] as number | null,
    partition: a[14] as string, cancelledBy: a[15] as number | null, steps: (a[16] as T[]).map(decStep), evidence: null,
  };
}

export function encodeJob(j: Job): T {
  return [j.id, encReq(j.req), encUser(j.user), j.submitTime, j.eligibleTime, j.state, j.flags, j.reason, j.stateDesc, j.priority,
    j.held, j.startTime, j.endTime, j.nodeList, j.allocCpus, j.allocMem, encExit(j.exitCode), encExit(j.derivedExitCode),
    j.restarts, j.attempt, j.cancelledBy, j.lastSchedEval, j.suspendTime, j.secsPreSuspend, j.steps.map(encStep), j.runs.map(encRun)];
}

export function decodeJob(a: T): Job {
  return {
    id: asJobId(a[0] as number), req: decReq(a[1] as T), user: decUser(a[2] as T), submitTime: a[3] as number,
    eligibleTime: a[4] as number | null, state: a[5] as Job['state'], flags: a[6] as Job['flags'], reason: a[7] as Job['reason'],
    stateDesc: a[8] as string | null, priority: a[9] as number, held: a[10] as Job['held'], startTime: a[11] as number | null,
    endTime: a[12] as number | null, nodeList: a[13] as string[], allocCpus: a[14] as number, allocMem: a[15] as number,
    exitCode: decExit(a[16] as T), derivedExitCode: decExit(a[17] as T), restarts: a[18] as number, attempt: a[19] as number,
    cancelledBy: a[20] as number | null, lastSchedEval: a[21] as number | null, suspendTime: a[22] as number | null,
    secsPreSuspend: a[23] as number, steps: (a[24] as T[]).map(decStep), runs: (a[25] as T[]).map(decRun), evidence: null,
  };
}

/** The JSON text of a job's compact form, cached per (immutable) job object. */
const cache = new WeakMap<Job, string>();
export function encodedJobText(j: Job): string {
  let s = cache.get(j);
  if (s === undefined) {
    s = JSON.stringify(encodeJob(j));
    cache.set(j, s);
  }
  return s;
}

/** A bulk response in compact form: `{"now":N,"jobs":[<encoded>,...]}` built from texts. */
export function compactJobsBody(now: number, texts: readonly string[]): string {
  return `{"now":${now},"jobs":[${texts.join(',')}]}`;
}

export interface CompactJobs {
  readonly now: number;
  readonly jobs: readonly T[];
}
