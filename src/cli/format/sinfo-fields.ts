// sinfo's fields: the `-o` letter codes and the `-O` long names, each with its column title,
// its value for one row, and which attribute it makes rows group by (Slurm's match_flags:
// printing %m, say, means nodes are only merged into one line when their memory agrees
// under --exact). Texts for what Ratchet does not model are Slurm's defaults.

import { compressHostlist } from '../../core/hostlist.ts';
import { formatExact } from '../../core/mem-spec.ts';
import { formatTimestamp } from '../../core/time-spec.ts';
import type { MatchKey } from './sinfo-match.ts';
import { nodeStateComplete, nodeStateCompact, nodeStateLong } from './sinfo-node-state.ts';
import type { SinfoRow } from './sinfo-row.ts';
import { firstNode, minMax, rowCounts, rowState } from './sinfo-row.ts';
import type { NodeView } from './sinfo-view.ts';
import {
  allowGroups, coresPerSocket, maxCpusPerNode, maxNodes, minNodes, nodeAddr, nodeHostname, priorityJobFactor,
  priorityTier, sockets, threadsPerCore, tmpDisk, weight,
} from './sinfo-view.ts';

export interface SinfoFieldDef {
  readonly title: string;
  /** Node list titles are never cut (Slurm passes cut_output=false for them). */
  readonly cutTitle: boolean;
  readonly match: MatchKey | null;
  /** Columns whose width the default formats compute from the data (`#P`, `#N`). */
  readonly widthFrom?: 'part' | 'node';
  /** The cell text; null is a NULL string (printed `(null)`). */
  readonly value: (row: SinfoRow, width: number) => string | null;
}

const num = (n: number): string => formatExact(n, 0);

/** _build_min_max_*_string: `4`, `4+` (or `4-8` as a range), `1-infinite`. */
function minMaxText(min: number | null, max: number | null, range: boolean, convert: boolean, na = 'N/A'): string {
  const show = (v: number | null): string => (v === null ? na : convert ? num(v) : String(v));
  if (min === max) return show(max);
  if (!range) return `${show(min)}+`;
  return max === null ? `${show(min)}-infinite` : `${show(min)}-${show(max)}`;
}

const sized = (f: (n: NodeView) => number, convert: boolean) => (row: SinfoRow): string => {
  const { min, max } = minMax(row, f);
  return minMaxText(min, max, false, convert);
};

/** sinfo's _print_secs: `M:SS`, `H:MM:SS`, `D-HH:MM:SS` (no one-year cap, unlike squeue). */
export function sinfoSecs(total: number): string {
  const t = Math.max(0, Math.floor(total));
  const pad = (n: number): string => String(n).padStart(2, '0');
  const d = Math.floor(t / 86400), h = Math.floor(t / 3600) % 24, m = Math.floor(t / 60) % 60, s = t % 60;
  if (d > 0) return `${d}-${pad(h)}:${pad(m)}:${pad(s)}`;
  if (h > 0) return `${h}:${pad(m)}:${pad(s)}`;
  return `${m}:${pad(s)}`;
}

/** The default partition gets `*`, replacing its last visible character when cut. */
function partitionName(row: SinfoRow, width: number): string {
  const name = row.part.name;
  if (!row.part.isDefault) return name;
  if (width === 0 || name.length < width) return `${name}*`;
  return width > 0 ? `${name.slice(0, width - 1)}*` : name;
}

const AVAIL = { UP: 'up', DOWN: 'down', DRAIN: 'drain', INACTIVE: 'inactive' } as const;

function stateText(row: SinfoRow, word: (s: NonNullable<ReturnType<typeof rowState>>) => string): string {
  const s = rowState(row);
  return s === null ? 'n/a' : word(s).toLowerCase();
}

function uniqueList(row: SinfoRow, f: (n: NodeView) => string): string {
  return compressHostlist([...new Set(row.nodes.map(f))]);
}

function reason(row: SinfoRow): string {
  const r = firstNode(row)?.reason ?? null;
  return r === null || r.startsWith('(null)') ? 'none' : r;
}

function reasonUser(row: SinfoRow, long: boolean): string {
  const u = firstNode(row)?.reasonUser ?? null;
  if (u === null) return 'Unknown';
  return long ? `${u.name}(${u.uid})` : u.name;
}

function jobSize(row: SinfoRow): string {
  const max = maxNodes(row.part);
  let min = minNodes(row.part);
  if (min < 1 && (max === null || max > 0)) min = 1;
  return minMaxText(min, max, true, true);
}

const cpuLoad = (n: NodeView): number | null => (n.cpuLoad === null ? null : Math.round(n.cpuLoad * 100));

const f = (
  title: string,
  match: MatchKey | null,
  value: (row: SinfoRow, width: number) => string | null,
  extra: Partial<Pick<SinfoFieldDef, 'cutTitle' | 'widthFrom'>> = {},
): SinfoFieldDef => ({ title, match, value, cutTitle: extra.cutTitle ?? true, ...(extra.widthFrom ? { widthFrom: extra.widthFrom } : {}) });

const first = <T>(row: SinfoRow, get: (n: NodeView) => T): T | null => {
  const n = firstNode(row);
  return n === undefined ? null : get(n);
};

/** The `-o` letters. */
export const SINFO_LETTERS: Readonly<Record<string, SinfoFieldDef>> = {
  a: f('AVAIL', 'avail', (r) => AVAIL[r.part.state]),
  A: f('NODES(A/I)', null, (r) => {
    const c = rowCounts(r);
    return `${c.nodesAlloc}/${c.nodesIdle}`;
  }),
  b: f('ACTIVE_FEATURES', 'featuresAct', (r) => first(r, (n) => n.features ?? null)),
  B: f('MAX_CPUS_PER_NODE', 'maxCpusPerNode', (r) => String(maxCpusPerNode(r.part) ?? 'UNLIMITED')),
  c: f('CPUS', 'cpus', sized((n) => n.cpus, true)),
  C: f('CPUS(A/I/O/T)', 'cpus', (r) => {
    const c = rowCounts(r);
    return `${c.cpusAlloc}/${c.cpusIdle}/${c.cpusOther}/${c.cpusTotal}`;
  }),
  d: f('TMP_DISK', 'disk', sized(tmpDisk, false)),
  D: f('NODES', null, (r) => String(r.nodes.length)),
  e: f('FREE_MEM', 'freeMem', (r) => {
    const { min, max } = minMax(r, (n) => n.freeMem);
    return minMaxText(min, max, true, false);
  }),
  E: f('REASON', 'reason', reason),
  f: f('AVAIL_FEATURES', 'features', (r) => first(r, (n) => n.features ?? null)),
  F: f('NODES(A/I/O/T)', null, (r) => {
    const c = rowCounts(r);
    return `${c.nodesAlloc}/${c.nodesIdle}/${c.nodesOther}/${r.nodes.length}`;
  }),
  g: f('GROUPS', 'groups', (r) => allowGroups(r.part) ?? 'all'),
  G: f('GRES', 'gres', (r) => first(r, (n) => n.gres ?? null)),
  h: f('OVERSUBSCRIBE', 'oversubscribe', () => 'NO'),
  // A reason time of 0 is Slurm's "never set".
  H: f('TIMESTAMP', 'reasonTime', (r) => formatTimestamp(first(r, (n) => n.reasonTime ?? null) || null, 'Unknown')),
  I: f('PRIO_JOB_FACTOR', 'priorityJobFactor', (r) => num(priorityJobFactor(r.part))),
  l: f('TIMELIMIT', 'maxTime', (r) => (r.part.maxTime === null ? 'infinite' : sinfoSecs(r.part.maxTime))),
  L: f('DEFAULTTIME', 'defaultTime', (r) => (r.part.defaultTime === null ? 'n/a' : sinfoSecs(r.part.defaultTime))),
  m: f('MEMORY', 'memory', sized((n) => n.realMemory, false)),
  M: f('PREEMPT_MODE', 'preemptMode', () => 'OFF'),
  n: f('HOSTNAMES', 'hostnames', (r) => uniqueList(r, nodeHostname), { cutTitle: false, widthFrom: 'node' }),
  N: f('NODELIST', null, (r) => compressHostlist(r.nodes.map((n) => n.name)), { cutTitle: false, widthFrom: 'node' }),
  o: f('NODE_ADDR', 'nodeAddr', (r) => uniqueList(r, nodeAddr), { cutTitle: false }),
  O: f('CPU_LOAD', 'cpuLoad', (r) => {
    const { min, max } = minMax(r, cpuLoad);
    const show = (v: number | null): string => (v === null ? 'N/A' : (v / 100).toFixed(2));
    return min === max ? show(max) : `${show(min)}-${show(max)}`;
  }),
  p: f('PRIO_TIER', 'priorityTier', (r) => num(priorityTier(r.part))),
  P: f('PARTITION', 'partition', partitionName, { widthFrom: 'part' }),
  r: f('ROOT', 'root', (r) => (r.part.rootOnly === true ? 'yes' : 'no')),
  R: f('PARTITION', 'partition', (r) => r.part.name, { widthFrom: 'part' }),
  s: f('JOB_SIZE', 'jobSize', jobSize),
  S: f('ALLOCNODES', null, () => 'all'),
  t: f('STATE', 'state', (r) => stateText(r, nodeStateCompact)),
  T: f('STATE', 'state', (r) => stateText(r, nodeStateLong)),
  u: f('USER', 'reasonUser', (r) => reasonUser(r, false)),
  U: f('USER', 'reasonUser', (r) => reasonUser(r, true)),
  v: f('VERSION', 'version', (r) => first(r, (n) => n.version) ?? 'N/A'),
  V: f('CLUSTER', null, () => 'N/A'),
  w: f('WEIGHT', 'weight', sized(weight, false)),
  X: f('SOCKETS', 'sockets', sized(sockets, true)),
  Y: f('CORES', 'cores', sized(coresPerSocket, true)),
  Z: f('THREADS', 'threads', sized(threadsPerCore, true)),
  z: f('S:C:T', 'sct', (r) => `${sized(sockets, true)(r)}:${sized(coresPerSocket, true)(r)}:${sized(threadsPerCore, true)(r)}`),
};

const letter = (l: string): SinfoFieldDef => SINFO_LETTERS[l] as SinfoFieldDef;

/** The `-O` names (case-insensitive) that are letters, plus the few only `-O` has. */
export const SINFO_LONG_NAMES: Readonly<Record<string, SinfoFieldDef>> = {
  allocmem: f('ALLOCMEM', 'allocMem', (r) => String(r.nodes[r.nodes.length - 1]?.allocMem ?? 0)),
  allocnodes: letter('S'),
  available: letter('a'),
  cluster: letter('V'),
  comment: f('COMMENT', 'comment', (r) => first(r, (n) => n.comment ?? null)),
  cpus: letter('c'),
  cpusload: letter('O'),
  freemem: letter('e'),
  cpusstate: letter('C'),
  cores: letter('Y'),
  defaulttime: letter('L'),
  disk: letter('d'),
  extra: f('EXTRA', 'extra', () => null),
  features: letter('f'),
  features_act: letter('b'),
  groups: letter('g'),
  gres: letter('G'),
  gresused: f('GRES_USED', 'gresUsed', () => null),
  maxcpuspernode: letter('B'),
  memory: letter('m'),
  nodes: letter('D'),
  nodeaddr: letter('o'),
  nodeai: letter('A'),
  nodeaiot: letter('F'),
  nodehost: letter('n'),
  nodelist: letter('N'),
  partition: letter('P'),
  partitionname: letter('R'),
  port: f('PORT', 'port', (r) => num(first(r, (n) => n.port ?? 0) ?? 0)),
  preemptmode: letter('M'),
  priorityjobfactor: letter('I'),
  prioritytier: letter('p'),
  reason: letter('E'),
  root: letter('r'),
  oversubscribe: letter('h'),
  share: letter('h'),
  size: letter('s'),
  statecompact: letter('t'),
  statecomplete: f('STATECOMPLETE', 'stateComplete', (r) => stateText(r, nodeStateComplete)),
  statelong: letter('T'),
  sockets: letter('X'),
  socketcorethread: letter('z'),
  time: letter('l'),
  timestamp: letter('H'),
  threads: letter('Z'),
  user: letter('u'),
  userlong: letter('U'),
  version: letter('v'),
  weight: letter('w'),
};
