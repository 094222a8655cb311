// Test support: a Job with the peer cluster's defaults (root, partition debug, 1 CPU,
// DefMemPerCPU=256, work dir under /var/tmp/slurmpeer/work) that the format tests override
// to rebuild the jobs of the golden transcripts.

import type { Job, JobRequest, StepRecord } from '../../core/job.ts';
import { EXIT_OK, asJobId } from '../../core/job.ts';
import { newJob } from '../../core/job-new.ts';
import { parseDependency } from '../../core/dependency.ts';
import type { DepItemState, JobDependency } from '../../core/dependency.ts';

/** Epoch ms of a UTC wall-clock time on the day the goldens were recorded (2026-11-21). */
export function at(hms: string): number {
  return Date.parse(`2026-11-21T${hms}Z`);
}

export type JobOverrides = Partial<Omit<Job, 'req' | 'id'>> & {
  readonly id?: number;
  readonly req?: Partial<JobRequest>;
};

export function makeJob(o: JobOverrides = {}): Job {
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
  const user = { name: 'root', uid: 0, gid: 0, group: 'root' };
  const job = newJob(asJobId(id ?? 1), request, user, at('05:15:21'), false, 'None', 4294901759);
  return { ...job, allocCpus: 0, allocMem: 0, ...rest };
}

/** A parsed dependency with every item in `state` (the formatters' view of a job's dependency). */
export function dependencyOf(spec: string, state: DepItemState = 'unfulfilled'): JobDependency {
  const r = parseDependency(spec);
  if (!r.ok || r.dependency === null) throw new Error(`bad dependency in a test: ${spec}`);
  return { ...r.dependency, items: r.dependency.items.map((i) => ({ ...i, state })) };
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
