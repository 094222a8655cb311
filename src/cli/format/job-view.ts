// Derived job figures shared by the squeue, scontrol and sacct formatters: run time, the
// end time Slurm would show, CPU and memory counts, TRES strings. Pure: `now` comes in.
//
// Times in `Job` are epoch ms; Slurm computes with whole seconds (time_t), so every
// difference here is taken between truncated seconds to print what Slurm prints.

import type { Job } from '../../core/job.ts';
import { UNIT, formatMiB, formatUnits } from '../../core/mem-spec.ts';
import { requestedCpuCount } from '../../core/job-new.ts';

/** A job as the formatters accept it. */
export type JobView = Job;

export const secOf = (ms: number): number => Math.floor(ms / 1000);

export function isStarted(job: Job): boolean {
  return job.state !== 'PENDING' && job.startTime !== null;
}

/** True when the job was given nodes at some point of its current run. */
export function hasNodes(job: Job): boolean {
  return job.nodeList.length > 0;
}

/**
 * Seconds the job has run (scontrol RunTime, squeue %M, sacct Elapsed): frozen at
 * SecsPreSuspend while suspended, and the time since the last resume plus SecsPreSuspend
 * once a suspension happened.
 */
export function timeUsedSecs(job: Job, now: number): number {
  if (job.startTime === null || job.state === 'PENDING') return 0;
  if (job.state === 'SUSPENDED') return job.secsPreSuspend;
  const end = job.state === 'RUNNING' || job.endTime === null ? now : job.endTime;
  if (job.suspendTime !== null) return secOf(end) - secOf(job.suspendTime) + job.secsPreSuspend;
  return secOf(end) - secOf(job.startTime);
}

/** Seconds spent suspended so far (sacct Suspended): wall time minus run time. */
export function suspendedSecs(job: Job, now: number): number {
  if (job.startTime === null || job.state === 'PENDING') return 0;
  const end = job.state === 'RUNNING' || job.state === 'SUSPENDED' || job.endTime === null ? now : job.endTime;
  return Math.max(0, secOf(end) - secOf(job.startTime) - timeUsedSecs(job, now));
}

/**
 * Slurm's end_time of the job in ms: the expected end while it runs (start + limit, pushed
 * back by the time spent suspended; the last resume recomputed it as resume + limit -
 * SecsPreSuspend), +Infinity for a running job without a limit (Slurm stores a date a year
 * ahead), the actual end once finished, and whatever is recorded (usually null) while pending.
 */
export function endTimeMs(job: Job): number | null {
  if (job.state !== 'RUNNING' && job.state !== 'SUSPENDED') return job.endTime;
  const limit = job.req.timeLimit;
  if (limit === null) return Number.POSITIVE_INFINITY;
  const base = job.suspendTime !== null ? job.suspendTime - job.secsPreSuspend * 1000 : job.startTime;
  if (base === null) return job.endTime;
  return base + limit * 1000;
}

/** CPUs the job asked for (squeue %C while pending, sacct ReqCPUS). */
export function requestedCpus(job: Job): number {
  return requestedCpuCount(job.req);
}

/** CPUs of the job: the allocation once it has one, else the request. */
export function jobCpus(job: Job): number {
  return job.state !== 'PENDING' && job.allocCpus > 0 ? job.allocCpus : requestedCpus(job);
}

/** Node count: the allocation once it has one, else the request. */
export function jobNodeCount(job: Job): number {
  return job.nodeList.length > 0 ? job.nodeList.length : job.req.nodes;
}

/** The job's memory per node or per CPU (MinMemoryNode / MinMemoryCPU), MiB. */
export function minMemory(job: Job): { perCpu: boolean; mib: number } {
  if (job.req.memPerNode !== null) return { perCpu: false, mib: job.req.memPerNode };
  return { perCpu: true, mib: job.req.memPerCpu ?? 0 };
}

/**
 * Total memory of the job in MiB (TRES mem=, sacct ReqMem). `--mem=0` means the whole
 * node; that is only known once allocated (allocMem per node).
 */
export function totalMemMiB(
  mem: { memPerNode: number | null; memPerCpu: number | null },
  nodes: number,
  cpus: number,
  allocMemPerNode: number,
): number {
  if (mem.memPerNode === 0 && allocMemPerNode > 0) return allocMemPerNode * nodes;
  if (mem.memPerNode !== null) return mem.memPerNode * nodes;
  return (mem.memPerCpu ?? 0) * cpus;
}

/** Scheduler priority as shown: a held job shows 0 whatever its stored priority. */
export function shownPriority(job: Job): number {
  return job.held !== null ? 0 : job.priority;
}

export interface Tres {
  readonly cpu: number;
  readonly memMiB: number;
  readonly node: number;
}

/** The job's TRES: allocated once it ran (tres_alloc_str), requested before. */
export function jobTres(job: Job): Tres {
  const nodes = jobNodeCount(job);
  const cpus = jobCpus(job);
  return { cpu: cpus, memMiB: totalMemMiB(job.req, nodes, cpus, job.allocMem), node: nodes };
}

/** `cpu=1,mem=50M,node=1,billing=1`, the order scontrol prints (billing = CPUs). */
export function tresScontrol(t: Tres): string {
  return `cpu=${t.cpu},mem=${formatMiB(t.memMiB)},node=${t.node},billing=${t.cpu}`;
}

/** `billing=1,cpu=1,mem=256M,node=1`, the order sacct prints (sorted by name). */
export function tresSacct(t: Tres, billing: boolean, units: number | null = null): string {
  const b = billing ? `billing=${t.cpu},` : '';
  return `${b}cpu=${t.cpu},mem=${formatUnits(t.memMiB, UNIT.mega, units)},node=${t.node}`;
}

export { jobIdText } from '../../core/job-array.ts';
