// One line of sinfo output (Slurm's sinfo_data_t): a partition and the nodes grouped under
// it, with the figures the fields print derived from those nodes the way sinfo's
// _update_sinfo accumulates them (first node for state and reason, min/max for sizes, sums
// for CPU and node counts).

import type { NodeState } from './sinfo-node-state.ts';
import { nodeStateOf } from './sinfo-node-state.ts';
import type { NodeView, PartitionView } from './sinfo-view.ts';

export interface SinfoRow {
  readonly part: PartitionView;
  /** Position of the partition in the controller's list (`#P` sorts by it). */
  readonly partIndex: number;
  /** Nodes in the order they were added; never the same name twice. */
  readonly nodes: readonly NodeView[];
}

export const firstNode = (row: SinfoRow): NodeView | undefined => row.nodes[0];

export function rowState(row: SinfoRow): NodeState | null {
  const n = firstNode(row);
  return n === undefined ? null : nodeStateOf(n);
}

/** Min and max of a per-node figure; null (Slurm's NO_VAL) ranks above every number. */
export function minMax(row: SinfoRow, f: (n: NodeView) => number | null): { min: number | null; max: number | null } {
  let min: number | null | undefined;
  let max: number | null | undefined;
  for (const n of row.nodes) {
    const v = f(n);
    if (min === undefined || (v !== null && (min === null || v < min))) min = v;
    if (max === undefined || v === null || (max !== null && v > max)) max = v;
  }
  return { min: min ?? 0, max: max ?? 0 };
}

export interface RowCounts {
  readonly nodesAlloc: number;
  readonly nodesIdle: number;
  readonly nodesOther: number;
  readonly cpusAlloc: number;
  readonly cpusIdle: number;
  readonly cpusOther: number;
  readonly cpusTotal: number;
}

/** Nodes and CPUs as allocated / idle / other (drained or down) / total. */
export function rowCounts(row: SinfoRow): RowCounts {
  let nodesAlloc = 0, nodesIdle = 0, nodesOther = 0, cpusAlloc = 0, cpusIdle = 0, cpusOther = 0, cpusTotal = 0;
  for (const n of row.nodes) {
    const s = nodeStateOf(n);
    const other = s.drain || s.base === 'DOWN';
    if (s.base === 'ALLOCATED' || s.base === 'MIXED' || s.completing) nodesAlloc++;
    else if (other) nodesOther++;
    else nodesIdle++;
    const used = Math.min(Math.max(n.allocCpus, 0), n.cpus);
    cpusAlloc += used;
    cpusTotal += n.cpus;
    if (other) cpusOther += n.cpus - used;
    else cpusIdle += n.cpus - used;
  }
  return { nodesAlloc, nodesIdle, nodesOther, cpusAlloc, cpusIdle, cpusOther, cpusTotal };
}
