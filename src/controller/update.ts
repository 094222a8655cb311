// `scontrol update JobId=...` on the controller: Slurm's rules for what may change when
// (pending vs running), who may raise a limit, and the time-limit arithmetic (+N / -N).

import type { Job } from '../core/job.ts';
import type { JobUpdate } from '../core/job-machine.ts';
import { isFinished } from '../core/job-state.ts';
import { applyTimeLimitUpdate } from '../core/time-spec.ts';
import { SlurmError } from '../api/wire.ts';
import type { RatchetConfig } from '../core/config-model.ts';
import { checkDependency } from './dependencies.ts';
import { partitionFor, partitionNodes } from './submit.ts';

/** What scontrol sends: syntax already checked on the client. */
export interface UpdateRequest {
  id: number;
  timeLimit?: { kind: 'set' | 'add' | 'sub'; seconds: number | 'UNLIMITED' };
  name?: string;
  comment?: string;
  nice?: number;
  partition?: string;
  arrayTaskThrottle?: number;
  /** `Dependency=`: a new spec for a pending job ('' or '0' clears it). */
  dependency?: string;
  /** `StartTime=` (the begin time), epoch seconds; 0 = now. */
  beginTime?: number;
  /** `MinMemoryNode=` / `MinMemoryCPU=`, MiB (the last one given wins, as in scontrol). */
  minMemoryNode?: number;
  minMemoryCpu?: number;
  /** `NumCPUs=`: the job's CPU count. */
  numCpus?: number;
}

export type UpdatePlan = { ok: true; changes: JobUpdate } | { ok: false; error: SlurmError | string };

export function planUpdate(
  cfg: RatchetConfig, job: Job, r: UpdateRequest, operator: boolean, lookup: (id: number) => Job | undefined,
): UpdatePlan {
  if (isFinished(job.state)) return { ok: false, error: SlurmError.JobFinished };
  const pending = job.state === 'PENDING';
  const changes: { -readonly [K in keyof JobUpdate]: JobUpdate[K] } = {};
  if (r.timeLimit !== undefined) {
    const t = applyTimeLimitUpdate(job.req.timeLimit, r.timeLimit, cfg.timeResolution);
    if (!t.ok) return { ok: false, error: t.error };
    const raising = t.seconds === null ? job.req.timeLimit !== null : job.req.timeLimit !== null && t.seconds > job.req.timeLimit;
    // Only an operator may lengthen a running job (Slurm: "Access/permission denied").
    if (!pending && raising && !operator) return { ok: false, error: SlurmError.AccessDenied };
    // Minutes resolution (Slurm): a limit is whole minutes, rounded up.
    changes.timeLimit = t.seconds === null || cfg.timeResolution === 'seconds' ? t.seconds : Math.ceil(t.seconds / 60) * 60;
  }
  if (r.partition !== undefined) {
    if (!pending) return { ok: false, error: SlurmError.JobNotPending };
    if (!cfg.partitions.some((p) => p.name === r.partition)) return { ok: false, error: SlurmError.InvalidPartition };
    changes.partition = r.partition;
  }
  if (r.nice !== undefined) {
    if (r.nice < 0 && !operator) return { ok: false, error: SlurmError.AccessDenied };
    changes.nice = r.nice;
  }
  if (r.arrayTaskThrottle !== undefined) {
    if (job.array === null || !Number.isSafeInteger(r.arrayTaskThrottle) || r.arrayTaskThrottle < 0) {
      return { ok: false, error: SlurmError.InvalidJobId };
    }
    changes.arrayTaskThrottle = r.arrayTaskThrottle;
  }
  if (r.dependency !== undefined) {
    if (!pending) return { ok: false, error: SlurmError.JobNotPending };
    const d = checkDependency(cfg, r.dependency, job.id, lookup);
    if (!d.ok) return { ok: false, error: d.error };
    changes.dependency = d.dependency;
  }
  if (r.beginTime !== undefined) {
    if (!pending) return { ok: false, error: SlurmError.JobNotPending };
    if (typeof r.beginTime !== 'number' || !Number.isSafeInteger(r.beginTime) || r.beginTime < 0) return { ok: false, error: SlurmError.InvalidRequest };
    changes.beginTime = r.beginTime * 1000;
  }
  const res = planResources(cfg, job, r, changes.partition ?? job.req.partition);
  if (!res.ok) return res;
  Object.assign(changes, res.changes);
  if (r.name !== undefined) changes.name = r.name;
  if (r.comment !== undefined) changes.comment = r.comment;
  return { ok: true, changes };
}

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/**
 * `MinMemoryNode=`, `MinMemoryCPU=`, `NumCPUs=`: pending jobs only. More CPUs than the
 * partition has is refused whole (Slurm applies part of such an update and then reports the
 * error; here nothing changes). Memory no node has is accepted, as in Slurm: the job then
 * waits with reason BadConstraints.
 */
function planResources(cfg: RatchetConfig, job: Job, r: UpdateRequest, partName: string): UpdatePlan {
  const changes: { -readonly [K in keyof JobUpdate]: JobUpdate[K] } = {};
  if (r.minMemoryNode === undefined && r.minMemoryCpu === undefined && r.numCpus === undefined) return { ok: true, changes };
  if (job.state !== 'PENDING') return { ok: false, error: SlurmError.JobNotPending };
  if (r.minMemoryNode !== undefined) {
    if (!isCount(r.minMemoryNode)) return { ok: false, error: SlurmError.InvalidRequest };
    changes.mem = { perNode: r.minMemoryNode };
  }
  if (r.minMemoryCpu !== undefined) {
    if (!isCount(r.minMemoryCpu)) return { ok: false, error: SlurmError.InvalidRequest };
    changes.mem = { perCpu: r.minMemoryCpu };
  }
  if (r.numCpus !== undefined) {
    if (!isCount(r.numCpus) || r.numCpus === 0) return { ok: false, error: SlurmError.InvalidRequest };
    const part = partitionFor(cfg, partName);
    const nodes = part === undefined ? [] : partitionNodes(cfg, part);
    const total = nodes.reduce((a, n) => a + n.cpus, 0);
    if (r.numCpus > total) return { ok: false, error: SlurmError.PartitionConfigUnavailable };
    changes.numCpus = r.numCpus;
    // As many nodes as the CPUs need at the partition's largest node size (Slurm spreads
    // such a job over more nodes when it starts).
    const widest = Math.max(1, ...nodes.map((n) => n.cpus));
    const needed = Math.max(job.req.nodes, Math.ceil(r.numCpus / widest));
    if (needed !== job.req.nodes) changes.nodes = needed;
  }
  return { ok: true, changes };
}
