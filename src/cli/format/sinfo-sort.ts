// sinfo's `-S/--sort`: a list of field letters, each optionally prefixed `-` (descending)
// or `#` (partitions in configuration order instead of by name). Like sinfo, the keys are
// applied from the last to the first with a stable sort, so the first key wins.
// Defaults: `#P,-t` (partition order, then busiest state first), `N` with -N.

import { natCompare } from '../../core/hostlist.ts';
import { nodeStateNumber } from './sinfo-node-state.ts';
import type { SinfoRow } from './sinfo-row.ts';
import { firstNode, minMax, rowCounts, rowState } from './sinfo-row.ts';
import type { NodeView } from './sinfo-view.ts';
import {
  allowGroups, coresPerSocket, maxNodes, minNodes, nodeAddr, nodeHostname, priorityJobFactor, priorityTier,
  sockets, threadsPerCore, tmpDisk, weight,
} from './sinfo-view.ts';

export const SINFO_DEFAULT_SORT = '#P,-t';
export const SINFO_NODE_SORT = 'N';

type Cmp = (a: SinfoRow, b: SinfoRow, partOrder: boolean) => number;

/** Numbers compare as C unsigned values would; null is NO_VAL/INFINITE, above all. */
function num(a: number | null, b: number | null): number {
  const x = a ?? Number.POSITIVE_INFINITY;
  const y = b ?? Number.POSITIVE_INFINITY;
  return x > y ? 1 : x < y ? -1 : 0;
}

const str = (a: string | null | undefined, b: string | null | undefined): number => {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
};

const minOf = (f: (n: NodeView) => number | null) => (r: SinfoRow): number | null => minMax(r, f).min;

/** hostlist_cmp_first: the rows' first (smallest) names; an empty list sorts last. */
function firstName(r: SinfoRow, f: (n: NodeView) => string): string | null {
  let best: string | null = null;
  for (const n of r.nodes) {
    const v = f(n);
    if (best === null || natCompare(v, best) < 0) best = v;
  }
  return best;
}

const byFirstName = (f: (n: NodeView) => string): Cmp => (a, b) => {
  const x = firstName(a, f);
  const y = firstName(b, f);
  if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
  return natCompare(x, y);
};

const AVAIL_ORDER = { INACTIVE: 0, DOWN: 1, DRAIN: 2, UP: 3 } as const;
const state = (r: SinfoRow): number => {
  const s = rowState(r);
  return s === null ? 0 : nodeStateNumber(s);
};
const jobSize = (r: SinfoRow): number | null => {
  const max = maxNodes(r.part);
  return max === null ? null : max + minNodes(r.part);
};
const uid = (r: SinfoRow): number | null => firstNode(r)?.reasonUser?.uid ?? null;
const cpuLoad = (n: NodeView): number | null => (n.cpuLoad === null ? null : Math.round(n.cpuLoad * 100));

const by = <T extends number | null>(f: (r: SinfoRow) => T): Cmp => (a, b) => num(f(a), f(b));
const byStr = (f: (r: SinfoRow) => string | null | undefined): Cmp => (a, b) => str(f(a), f(b));

const partition: Cmp = (a, b, partOrder) => (partOrder ? a.partIndex - b.partIndex : str(a.part.name, b.part.name));

const SORTS: Readonly<Record<string, Cmp>> = {
  a: by((r) => AVAIL_ORDER[r.part.state]),
  A: by((r) => rowCounts(r).nodesAlloc),
  b: byStr((r) => firstNode(r)?.features),
  c: by(minOf((n) => n.cpus)),
  d: by(minOf(tmpDisk)),
  D: by((r) => r.nodes.length),
  e: by(minOf((n) => n.freeMem)),
  E: byStr((r) => firstNode(r)?.reason),
  f: byStr((r) => firstNode(r)?.features),
  F: by((r) => rowCounts(r).nodesAlloc),
  g: byStr((r) => allowGroups(r.part)),
  h: () => 0,
  H: by((r) => firstNode(r)?.reasonTime ?? 0),
  l: by((r) => r.part.maxTime),
  m: by(minOf((n) => n.realMemory)),
  M: () => 0,
  n: byFirstName(nodeHostname),
  N: byFirstName((n) => n.name),
  o: byFirstName(nodeAddr),
  O: by(minOf(cpuLoad)),
  p: by((r) => priorityTier(r.part)),
  P: partition,
  r: by((r) => (r.part.rootOnly === true ? 1 : 0)),
  R: partition,
  s: by(jobSize),
  S: by((r) => priorityJobFactor(r.part)),
  t: by(state),
  T: by(state),
  u: by(uid),
  U: by(uid),
  V: () => 0,
  w: by(minOf(weight)),
  X: by(minOf(sockets)),
  Y: by(minOf(coresPerSocket)),
  Z: by(minOf(threadsPerCore)),
  z: (a, b) => num(minOf(sockets)(a), minOf(sockets)(b)) || num(minOf(coresPerSocket)(a), minOf(coresPerSocket)(b))
    || num(minOf(threadsPerCore)(a), minOf(threadsPerCore)(b)),
};

/** Sort rows by a `-S` spec; unknown letters are ignored, as sinfo does. */
export function sortSinfoRows(rows: readonly SinfoRow[], spec: string): SinfoRow[] {
  let out = [...rows];
  for (let i = spec.length - 1; i >= 0; i--) {
    const c = spec[i] ?? '';
    if (c === ',' || c === '#' || c === '+' || c === '-') continue;
    const cmp = SORTS[c];
    if (cmp === undefined) continue;
    const reverse = spec[i - 1] === '-';
    const partOrder = spec[i - 1] === '#';
    out = out.sort((a, b) => (reverse ? -cmp(a, b, partOrder) : cmp(a, b, partOrder)));
  }
  return out;
}
