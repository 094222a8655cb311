// Test support: a Job with the peer cluster's defaults (root, partition debug, 1 CPU,
// DefMemPerCPU=256, work dir under /var/tmp/slurmpeer/work) that the format tests override
// to rebuild the jobs of the golden transcripts.

import type { Job, JobRequest, StepRecord } from '../../core/job.ts';
import { EXIT_OK, asJobId } from '../../core/job.ts';

/** Epoch ms of a UTC wall-clock time on the day the goldens were recorded (2026-11-21). */
export function at(hms: string): number {
  return Date.parse(`2026-11-21T${hms}Z`);
}

export type JobOverrides = Partial<Omit<Job, 'req' | 'id'>> & {
  readonly id?: number;
  readonly req?: Partial<JobRequest>;
  readonly dependency?: string | null;
};

export function makeJob(o: JobOverrides = {}): Job & { readonly dependency?: string | null } {
  const { req, id, ...rest } = o;
  const request: JobRequest = {
    name: 'wrap',
    script: '#!/bin/sh\ntrue\n',
    scriptPath: null,
    signal: null,
    argv: [],
    workDir: '/var/tmp/slurmpeer/work/h_defaults',
    stdout: 'slurm-%j.out',
    stderr: null,
    stdin: '/dev/null',
    openMode: 'truncate',
    partition: 'debug',
    timeLimit: null,
    nodes: 1,
    ntasks: 1,
    cpusPerTask: 1,
    ntasksGiven: false,
    cpusPerTaskGiven: false,
    memPerNode: null,
    memPerCpu: 256,
    env: {},
    comment: null,
    account: 'root',
    qos: 'normal',
    requeue: true,
    submitHost: 'localhost',
    submitSid: 19051,
    nice: 0,
    ...req,
  };
  return {
    id: asJobId(id ?? 1),
    req: request,
    user: { name: 'root', uid: 0, gid: 0, group: 'root' },
    submitTime: at('05:15:21'),
    eligibleTime: at('05:15:21'),
    state: 'PENDING',
    flags: [],
    reason: 'None',
    stateDesc: null,
    priority: 4294901759,
    held: null,
    startTime: null,
    endTime: null,
    nodeList: [],
    allocCpus: 0,
    allocMem: 0,
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
    ...rest,
  };
}

/** The batch step of a run. */
export function batchStep(o: Partial<StepRecord> & Pick<StepRecord, 'start'>): StepRecord {
  return {
    id: 'batch',
    name: 'batch',
    state: 'COMPLETED',
    exitCode: EXIT_OK,
    end: null,
    maxRssBytes: 0,
    cpus: 1,
    nodeList: ['n1'],
    userCpu: 0,
    systemCpu: 0,
    ...o,
  };
}
