// The scheduler pass: pure. Given the eligible pending jobs, the nodes and what is already
// allocated on them, decide which jobs start where and why the others wait.
//
// Order: partition PriorityTier, then job priority (descending), then job id. Within a
// partition the first job that does not fit blocks the ones after it (reason Priority for
// them, Resources for it), as Slurm's main scheduler does without backfill.

import type { Reason } from '../core/reason.ts';

export interface SchedNode {
  readonly name: string;
  readonly cpus: number;
  /** MiB. */
  readonly mem: number;
  readonly allocCpus: number;
  readonly allocMem: number;
  /** Only UP nodes (IDLE/MIXED/ALLOCATED, not DOWN/DRAIN) take new work. */
  readonly available: boolean;
}

export interface SchedPartition {
  readonly name: string;
  readonly nodes: readonly string[];
  readonly up: boolean;
  readonly priorityTier: number;
}

export interface SchedJob {
  readonly id: number;
  readonly partition: string;
  readonly priority: number;
  readonly nodes: number;
  /** CPUs needed on each node. */
  readonly cpusPerNode: number;
  /** MiB needed on each node; 0 = all of the node's memory (--mem=0). */
  readonly memPerNode: number;
  /** For a job array's meta record: which pending task this candidate would start. */
  readonly task?: number;
  /** -w: these nodes first, all of them. */
  readonly required?: readonly string[];
  /** --exclusive: only idle nodes, all of their CPUs. */
  readonly exclusive?: boolean;
}

export interface Assignment {
  readonly jobId: number;
  readonly task: number | null;
  readonly nodes: readonly string[];
  readonly cpusPerNode: number;
  readonly memPerNode: number;
}

export interface SchedResult {
  readonly assignments: Assignment[];
  /** Pending reason for every job that did not start. */
  readonly reasons: Map<number, Reason>;
}

interface FreeNode {
  name: string;
  freeCpus: number;
  freeMem: number;
  totalCpus: number;
  totalMem: number;
  available: boolean;
}

function fits(n: FreeNode, job: SchedJob): boolean {
  if (!n.available || n.freeCpus < job.cpusPerNode) return false;
  if (job.exclusive === true && (n.freeCpus !== n.totalCpus || n.freeMem !== n.totalMem)) return false;
  const mem = job.memPerNode === 0 ? n.totalMem : job.memPerNode;
  return n.freeMem >= mem && (job.memPerNode !== 0 || n.freeMem === n.totalMem);
}

/** Whether `job.nodes` of the partition's nodes are big enough for the job, busy or not. */
function enoughNodes(part: SchedPartition, free: ReadonlyMap<string, FreeNode>, job: SchedJob): boolean {
  let count = 0;
  for (const name of part.nodes) {
    const n = free.get(name);
    if (n !== undefined && n.totalCpus >= job.cpusPerNode && n.totalMem >= job.memPerNode && ++count >= job.nodes) return true;
  }
  return false;
}

export function schedule(
  jobs: readonly SchedJob[],
  nodes: readonly SchedNode[],
  partitions: readonly SchedPartition[],
): SchedResult {
  const free = new Map<string, FreeNode>();
  for (const n of nodes) {
    free.set(n.name, {
      name: n.name,
      freeCpus: n.cpus - n.allocCpus,
      freeMem: n.mem - n.allocMem,
      totalCpus: n.cpus,
      totalMem: n.mem,
      available: n.available,
    });
  }
  const parts = new Map(partitions.map((p) => [p.name, p]));
  const tier = (j: SchedJob): number => parts.get(j.partition)?.priorityTier ?? 0;
  const order = [...jobs].sort((a, b) => tier(b) - tier(a) || b.priority - a.priority || a.id - b.id || (a.task ?? 0) - (b.task ?? 0));

  const assignments: Assignment[] = [];
  const reasons = new Map<number, Reason>();
  const blocked = new Set<string>();
  for (const job of order) {
    const part = parts.get(job.partition);
    if (part === undefined || !part.up) {
      reasons.set(job.id, 'PartitionDown');
      continue;
    }
    // A job no set of the partition's nodes could ever hold (resources raised by `scontrol
    // update`) waits as BadConstraints without holding back the jobs behind it.
    if (!enoughNodes(part, free, job)) {
      reasons.set(job.id, 'BadConstraints');
      continue;
    }
    if (blocked.has(job.partition)) {
      reasons.set(job.id, 'Priority');
      continue;
    }
    const chosen: FreeNode[] = [];
    const required = job.required ?? [];
    for (const name of [...required, ...part.nodes.filter((p) => !required.includes(p))]) {
      const n = free.get(name);
      if (n !== undefined && fits(n, job)) chosen.push(n);
      else if (required.includes(name)) break;
      if (chosen.length === job.nodes) break;
    }
    if (chosen.length < job.nodes || !required.every((r) => chosen.some((c) => c.name === r))) {
      const anyUp = part.nodes.some((name) => free.get(name)?.available === true);
      reasons.set(job.id, anyUp ? 'Resources' : 'NodeDown');
      blocked.add(job.partition);
      continue;
    }
    // An exclusive job is given every CPU of its nodes (the smallest node's count on each).
    const cpus = job.exclusive === true ? Math.min(...chosen.map((n) => n.totalCpus)) : job.cpusPerNode;
    for (const n of chosen) {
      const mem = job.memPerNode === 0 ? n.totalMem : job.memPerNode;
      n.freeCpus -= job.exclusive === true ? n.totalCpus : cpus;
      n.freeMem -= mem;
    }
    assignments.push({
      jobId: job.id,
      task: job.task ?? null,
      nodes: chosen.map((n) => n.name),
      cpusPerNode: cpus,
      memPerNode: job.memPerNode === 0 ? (chosen[0]?.totalMem ?? 0) : job.memPerNode,
    });
  }
  return { assignments, reasons };
}
