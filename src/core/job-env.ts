// The SLURM_* environment of a batch job (Slurm's env_array_for_batch_job + setup_env),
// computed by the controller at launch and added on top of the submitter's exported
// environment. Conditional variables follow Slurm: SLURM_NTASKS only with -n,
// SLURM_CPUS_PER_TASK only with -c, SLURM_MEM_PER_NODE xor SLURM_MEM_PER_CPU,
// SLURM_RESTART_COUNT only after a restart (22.05), SLURM_JOB_DEPENDENCY only with --dependency.

import type { Job } from './job.ts';
import { compressHostlist } from './hostlist.ts';

export interface EnvContext {
  clusterName: string;
  /** The node the batch script runs on. */
  node: string;
}

export function batchJobEnv(job: Job, ctx: EnvContext): Record<string, string> {
  const r = job.req;
  const nodelist = compressHostlist(job.nodeList);
  const nnodes = String(job.nodeList.length);
  const cpusPerNode = job.nodeList.length > 0 ? Math.ceil(job.allocCpus / job.nodeList.length) : job.allocCpus;
  const tasksPerNode = Math.max(1, Math.ceil(r.ntasks / Math.max(1, job.nodeList.length)));
  const start = job.startTime ?? 0;
  const env: Record<string, string> = {
    SLURM_JOB_ID: String(job.id),
    SLURM_JOBID: String(job.id),
    SLURM_JOB_NAME: r.name,
    SLURM_JOB_NODELIST: nodelist,
    SLURM_NODELIST: nodelist,
    SLURM_JOB_NUM_NODES: nnodes,
    SLURM_NNODES: nnodes,
    SLURM_JOB_PARTITION: r.partition,
    SLURM_JOB_CPUS_PER_NODE: job.nodeList.length > 1 ? `${cpusPerNode}(x${job.nodeList.length})` : String(cpusPerNode),
    SLURM_TASKS_PER_NODE: job.nodeList.length > 1 ? `${tasksPerNode}(x${job.nodeList.length})` : String(tasksPerNode),
    SLURM_CPUS_ON_NODE: String(cpusPerNode),
    SLURM_CLUSTER_NAME: ctx.clusterName,
    SLURM_SUBMIT_DIR: r.workDir,
    SLURM_SUBMIT_HOST: r.submitHost,
    // A job with no account (no association) has no SLURM_JOB_ACCOUNT.
    ...(r.account !== '' ? { SLURM_JOB_ACCOUNT: r.account } : {}),
    SLURM_JOB_QOS: r.qos,
    SLURM_JOB_USER: job.user.name,
    SLURM_JOB_UID: String(job.user.uid),
    SLURM_JOB_GID: String(job.user.gid),
    SLURMD_NODENAME: ctx.node,
    SLURM_NODEID: '0',
    SLURM_PROCID: '0',
    SLURM_LOCALID: '0',
    SLURM_GTIDS: '0',
    SLURM_PRIO_PROCESS: '0',
    SLURM_JOB_START_TIME: String(Math.floor(start / 1000)),
    SLURM_JOB_END_TIME: String(job.endTime === null ? 0 : Math.floor(job.endTime / 1000)),
    ENVIRONMENT: 'BATCH',
  };
  if (r.ntasksGiven) {
    env.SLURM_NTASKS = String(r.ntasks);
    env.SLURM_NPROCS = String(r.ntasks);
  }
  if (r.cpusPerTaskGiven) env.SLURM_CPUS_PER_TASK = String(r.cpusPerTask);
  if (r.memPerNode !== null) env.SLURM_MEM_PER_NODE = String(job.allocMem);
  else if (r.memPerCpu !== null) env.SLURM_MEM_PER_CPU = String(r.memPerCpu);
  if (job.restarts > 0) env.SLURM_RESTART_COUNT = String(job.restarts);
  const a = job.array;
  if (a !== null) {
    env.SLURM_ARRAY_JOB_ID = String(a.jobId);
    if (a.taskId !== null) env.SLURM_ARRAY_TASK_ID = String(a.taskId);
    env.SLURM_ARRAY_TASK_COUNT = String(a.count);
    env.SLURM_ARRAY_TASK_MIN = String(a.min);
    env.SLURM_ARRAY_TASK_MAX = String(a.max);
    env.SLURM_ARRAY_TASK_STEP = String(a.step);
  }
  // The dependency as the user wrote it (the peer: not what is left of it, which is nothing).
  if (job.dependency !== null) env.SLURM_JOB_DEPENDENCY = job.dependency.spec;
  return env;
}
