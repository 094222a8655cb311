// A new job record and the per-node resources it asks for: pure, shared by the controller
// (submit, scheduler) and every test that needs a job.

import type { Job, JobId, JobRequest, UserIdentity } from './job.ts';
import { EXIT_OK } from './job.ts';
import type { Reason } from './reason.ts';

/** CPUs the job asks for in all: its tasks' CPUs, or more when `NumCPUs=` says so. */
export function requestedCpuCount(req: JobRequest): number {
  return Math.max(req.ntasks * req.cpusPerTask, req.numCpus ?? 0);
}

/** CPUs per node the job occupies (the scheduler places equal shares on each node). */
export function cpusPerNode(req: JobRequest): number {
  return Math.max(Math.ceil(req.ntasks / req.nodes) * req.cpusPerTask, Math.ceil((req.numCpus ?? 0) / req.nodes));
}

/** MiB per node the job occupies (0 = the whole node, resolved at allocation). */
export function memPerNodeOf(req: JobRequest): number {
  if (req.memPerNode !== null) return req.memPerNode;
  return (req.memPerCpu ?? 0) * cpusPerNode(req);
}

export function newJob(id: JobId, req: JobRequest, user: UserIdentity, now: number, hold: boolean, reason: Reason, priority: number): Job {
  return {
    id,
    req,
    user,
    submitTime: now,
    // Slurm: a job submitted held has EligibleTime=Unknown until released.
    eligibleTime: hold ? null : now,
    state: 'PENDING',
    flags: [],
    reason: hold ? 'JobHeldUser' : reason,
    stateDesc: null,
    priority,
    dependency: null,
    held: hold ? 'user' : null,
    startTime: null,
    endTime: null,
    nodeList: [],
    allocCpus: requestedCpuCount(req),
    allocMem: memPerNodeOf(req),
    exitCode: EXIT_OK,
    derivedExitCode: EXIT_OK,
    restarts: 0,
    attempt: 0,
    cancelledBy: null,
    lastSchedEval: null,
    suspendTime: null,
    secsPreSuspend: 0,
    steps: [],
    runs: [],
    evidence: null,
    array: null,
  };
}
