// Turning an sbatch request into a job: defaults from the partition and the config,
// validation with Slurm's wording, and the job's first pending reason when it can never
// fit its partition (Slurm accepts such jobs and leaves them pending).

import type { RatchetConfig, PartitionConfig, NodeConfig } from '../core/config-model.ts';
import type { Reason } from '../core/reason.ts';
import type { JobRequest } from '../core/job.ts';
import type { SubmitRequest, ErrorBody } from '../api/wire.ts';
import { SlurmError } from '../api/wire.ts';
import { jobAccount, jobQos } from './assoc.ts';
import { expandHostlist } from '../core/hostlist.ts';

/** Slurm's default max batch script size (max_script_size): 4 MB. */
export const MAX_SCRIPT_BYTES = 4 * 1024 * 1024;

export type Resolved =
  | { ok: true; req: JobRequest; reason: Reason; wholeNodeMem: number }
  | { ok: false; error: ErrorBody };

const fail = (error: SlurmError, ...detail: string[]): Resolved =>
  ({ ok: false, error: detail.length > 0 ? { error, detail } : { error } });

export function partitionFor(cfg: RatchetConfig, name: string | null): PartitionConfig | undefined {
  if (name === null) return cfg.partitions.find((p) => p.isDefault) ?? cfg.partitions[0];
  return cfg.partitions.find((p) => p.name === name);
}

export function partitionNodes(cfg: RatchetConfig, p: PartitionConfig): NodeConfig[] {
  return p.nodes.map((n) => cfg.nodes.find((c) => c.name === n)).filter((n): n is NodeConfig => n !== undefined);
}

function roundTime(cfg: RatchetConfig, seconds: number): number {
  if (cfg.timeResolution === 'seconds') return Math.max(1, seconds);
  return Math.max(1, Math.ceil(seconds / 60)) * 60;
}

export function resolveSubmit(cfg: RatchetConfig, r: SubmitRequest, uid: number): Resolved {
  if (Buffer.byteLength(r.script) > MAX_SCRIPT_BYTES) return fail(SlurmError.Unknown, 'Batch script is too large');
  if (r.alloc !== true && !r.script.startsWith('#!')) {
    return fail(SlurmError.Unknown, 'This does not look like a batch script.  The first',
      'line must start with #! followed by the path to an interpreter.', 'For instance: #!/bin/sh');
  }
  const part = partitionFor(cfg, r.partition);
  if (part === undefined) {
    return fail(SlurmError.InvalidPartition, `invalid partition specified: ${r.partition ?? ''}`);
  }
  let required: string[] | null = null;
  if (r.nodelist !== undefined && r.nodelist !== null) {
    required = expandHostlist(r.nodelist);
    if (required === null || required.some((n) => !cfg.nodes.some((c) => c.name === n))) return fail(SlurmError.InvalidNodeName);
    required = [...new Set(required)];
    if (required.some((n) => !part.nodes.includes(n))) return fail(SlurmError.NodeConfigUnavailable);
  }
  const nodes = partitionNodes(cfg, part);
  const maxCpus = Math.max(0, ...nodes.map((n) => n.cpus));
  const maxMem = Math.max(0, ...nodes.map((n) => n.realMemory));
  const cpusPerTask = r.cpusPerTask ?? 1;
  const ntasks = r.ntasks ?? r.nodes ?? 1;
  if (cpusPerTask > maxCpus) {
    return fail(SlurmError.NodeConfigUnavailable, 'CPU count per node can not be satisfied');
  }
  // Without -N, as many nodes as the tasks need at the partition's largest node size.
  const tasksPerNodeMax = Math.max(1, Math.floor(maxCpus / cpusPerTask));
  // Every node of -w is part of the allocation, so it needs at least that many.
  const nodeCount = Math.max(r.nodes ?? Math.max(1, Math.ceil(ntasks / tasksPerNodeMax)), required?.length ?? 0);
  const tasksPerNode = Math.ceil(ntasks / nodeCount);
  const cpusPerNode = tasksPerNode * cpusPerTask;

  let memPerNode: number | null = null;
  let memPerCpu: number | null = null;
  if (r.mem !== null && 'perNode' in r.mem) memPerNode = r.mem.perNode;
  else if (r.mem !== null) memPerCpu = r.mem.perCpu;
  else if (cfg.defMemPerCpu !== null) memPerCpu = cfg.defMemPerCpu;
  else if (cfg.defMemPerNode !== null) memPerNode = cfg.defMemPerNode;
  else memPerNode = 0;
  if (memPerNode !== null && memPerNode > maxMem) {
    return fail(SlurmError.NodeConfigUnavailable, 'Memory specification can not be satisfied');
  }
  if (memPerCpu !== null && memPerCpu * Math.min(cpusPerNode, maxCpus) > maxMem) {
    return fail(SlurmError.NodeConfigUnavailable);
  }

  let timeLimit: number | null;
  if (r.time === 'UNLIMITED') timeLimit = null;
  else if (r.time === null) timeLimit = part.defaultTime ?? part.maxTime;
  else timeLimit = roundTime(cfg, r.time);

  let reason: Reason = 'None';
  const totalCpus = nodes.reduce((a, n) => a + n.cpus, 0);
  // Too many nodes asked for with -N is a node limit; too many derived from -n is the
  // partition's configuration (its CPUs), as Slurm reports them.
  if (r.nodes !== null && nodeCount > nodes.length) reason = 'PartitionNodeLimit';
  else if (ntasks * cpusPerTask > totalCpus) reason = 'PartitionConfig';
  else if (nodeCount > nodes.length) reason = 'PartitionNodeLimit';
  else if (part.maxTime !== null && timeLimit !== null && timeLimit > part.maxTime) reason = 'PartitionTimeLimit';
  else if (part.maxTime !== null && timeLimit === null) reason = 'PartitionTimeLimit';

  const req: JobRequest = {
    name: r.name,
    script: r.script,
    scriptPath: r.scriptPath,
    argv: r.argv,
    workDir: r.workDir,
    stdout: r.stdout ?? (r.array !== undefined && r.array !== null ? 'slurm-%A_%a.out' : 'slurm-%j.out'),
    stderr: r.stderr,
    stdin: r.stdin ?? '/dev/null',
    openMode: r.openMode ?? 'truncate',
    partition: part.name,
    timeLimit,
    nodes: nodeCount,
    ntasks,
    cpusPerTask,
    ntasksGiven: r.ntasks !== null,
    cpusPerTaskGiven: r.cpusPerTask !== null,
    memPerNode,
    memPerCpu,
    env: r.env,
    comment: r.comment,
    account: jobAccount(uid, r.account),
    qos: jobQos(r.qos),
    requeue: r.requeue ?? cfg.jobRequeue,
    submitHost: r.submitHost,
    submitSid: r.submitSid,
    nice: r.nice ?? 0,
    signal: r.signal,
    ...(typeof r.killOnInvalidDep === 'boolean' ? { killOnInvalidDep: r.killOnInvalidDep } : {}),
    ...(typeof r.deadline === 'number' && r.deadline > 0 ? { deadline: r.deadline * 1000 } : {}),
    ...(r.alloc === true ? { alloc: true } : {}),
    ...(required !== null ? { requiredNodes: required } : {}),
    ...(r.exclusive === true ? { exclusive: true } : {}),
  };
  // --mem=0 (a whole node's memory) is shown, while pending, as the largest node's.
  return { ok: true, req, reason, wholeNodeMem: maxMem };
}
