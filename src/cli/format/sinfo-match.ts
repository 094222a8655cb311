// When sinfo puts a node on an existing line (_match_part_data, _match_node_data): the
// partitions must agree on every partition attribute the format prints, the node must agree
// with the line's first node on every node attribute printed, and with --exact also on the
// sizes. Which attributes count is decided by the fields of the format (MatchKey).

import { nodeStateComplete, nodeStateLong, nodeStateOf } from './sinfo-node-state.ts';
import type { SinfoRow } from './sinfo-row.ts';
import { minMax } from './sinfo-row.ts';
import type { NodeView, PartitionView } from './sinfo-view.ts';
import {
  allowGroups, coresPerSocket, maxCpusPerNode, maxNodes, minNodes, nodeAddr, nodeHostname, priorityJobFactor,
  priorityTier, sockets, threadsPerCore, tmpDisk, weight,
} from './sinfo-view.ts';

const PART_KEYS = [
  'partition', 'avail', 'groups', 'jobSize', 'defaultTime', 'maxTime', 'root', 'oversubscribe', 'preemptMode',
  'priorityTier', 'priorityJobFactor', 'maxCpusPerNode',
] as const;
const NODE_KEYS = [
  'hostnames', 'nodeAddr', 'extra', 'features', 'featuresAct', 'gres', 'gresUsed', 'comment', 'reason', 'reasonTime',
  'reasonUser', 'state', 'stateComplete', 'allocMem',
] as const;
const EXACT_KEYS = [
  'cpus', 'sockets', 'cores', 'threads', 'sct', 'disk', 'memory', 'weight', 'cpuLoad', 'freeMem', 'port', 'version',
] as const;

export type MatchKey = (typeof PART_KEYS)[number] | (typeof NODE_KEYS)[number] | (typeof EXACT_KEYS)[number];

type PartEq = (a: PartitionView, b: PartitionView) => boolean;
const PART_EQ: Readonly<Record<(typeof PART_KEYS)[number], PartEq>> = {
  partition: (a, b) => a.name === b.name,
  avail: (a, b) => a.state === b.state,
  groups: (a, b) => allowGroups(a) === allowGroups(b),
  jobSize: (a, b) => minNodes(a) === minNodes(b) && maxNodes(a) === maxNodes(b),
  defaultTime: (a, b) => a.defaultTime === b.defaultTime,
  maxTime: (a, b) => a.maxTime === b.maxTime,
  root: (a, b) => (a.rootOnly ?? false) === (b.rootOnly ?? false),
  // Ratchet partitions are all OverSubscribe=NO, PreemptMode=OFF.
  oversubscribe: () => true,
  preemptMode: () => true,
  priorityTier: (a, b) => priorityTier(a) === priorityTier(b),
  priorityJobFactor: (a, b) => priorityJobFactor(a) === priorityJobFactor(b),
  maxCpusPerNode: (a, b) => maxCpusPerNode(a) === maxCpusPerNode(b),
};

type NodeEq = (row: SinfoRow, first: NodeView, n: NodeView) => boolean;
const NODE_EQ: Readonly<Record<(typeof NODE_KEYS)[number], NodeEq>> = {
  hostnames: (row, _f, n) => row.nodes.some((m) => nodeHostname(m) === nodeHostname(n)),
  nodeAddr: (row, _f, n) => row.nodes.some((m) => nodeAddr(m) === nodeAddr(n)),
  extra: () => true,
  features: (_r, f, n) => (f.features ?? null) === (n.features ?? null),
  featuresAct: (_r, f, n) => (f.features ?? null) === (n.features ?? null),
  gres: (_r, f, n) => (f.gres ?? null) === (n.gres ?? null),
  gresUsed: () => true,
  comment: (_r, f, n) => (f.comment ?? null) === (n.comment ?? null),
  reason: (_r, f, n) => f.reason === n.reason,
  reasonTime: (_r, f, n) => (f.reasonTime ?? null) === (n.reasonTime ?? null),
  reasonUser: (_r, f, n) => (f.reasonUser?.uid ?? null) === (n.reasonUser?.uid ?? null),
  state: (_r, f, n) => nodeStateLong(nodeStateOf(f)) === nodeStateLong(nodeStateOf(n)),
  stateComplete: (_r, f, n) => nodeStateComplete(nodeStateOf(f)) === nodeStateComplete(nodeStateOf(n)),
  // sinfo keeps the allocated memory of the last node added.
  allocMem: (row, _f, n) => row.nodes[row.nodes.length - 1]?.allocMem === n.allocMem,
};

const minOf = (row: SinfoRow, f: (n: NodeView) => number | null): number | null => minMax(row, f).min;
const cpuLoad = (n: NodeView): number | null => (n.cpuLoad === null ? null : Math.round(n.cpuLoad * 100));

const EXACT_EQ: Readonly<Record<(typeof EXACT_KEYS)[number], NodeEq>> = {
  cpus: (row, _f, n) => n.cpus === minOf(row, (m) => m.cpus),
  sockets: (row, _f, n) => sockets(n) === minOf(row, sockets),
  cores: (row, _f, n) => coresPerSocket(n) === minOf(row, coresPerSocket),
  threads: (row, _f, n) => threadsPerCore(n) === minOf(row, threadsPerCore),
  sct: (row, f, n) => EXACT_EQ.sockets(row, f, n) && EXACT_EQ.cores(row, f, n) && EXACT_EQ.threads(row, f, n),
  disk: (row, _f, n) => tmpDisk(n) === minOf(row, tmpDisk),
  memory: (row, _f, n) => n.realMemory === minOf(row, (m) => m.realMemory),
  weight: (row, _f, n) => weight(n) === minOf(row, weight),
  cpuLoad: (row, _f, n) => cpuLoad(n) === minOf(row, cpuLoad),
  freeMem: (row, _f, n) => n.freeMem === minOf(row, (m) => m.freeMem),
  port: (_r, f, n) => (f.port ?? null) === (n.port ?? null),
  // Slurm compares the version strings by address here, so two nodes never match.
  version: () => false,
};

const isPartKey = (k: MatchKey): k is (typeof PART_KEYS)[number] => (PART_KEYS as readonly string[]).includes(k);
const isNodeKey = (k: MatchKey): k is (typeof NODE_KEYS)[number] => (NODE_KEYS as readonly string[]).includes(k);
const isExactKey = (k: MatchKey): k is (typeof EXACT_KEYS)[number] => (EXACT_KEYS as readonly string[]).includes(k);

export interface MatchRules {
  readonly keys: ReadonlySet<MatchKey>;
  /** `-N`: every node gets its own line. */
  readonly nodeOriented: boolean;
  /** `-R`: lines are about reasons, partitions do not matter. */
  readonly listReasons: boolean;
  /** `-e/--exact`: sizes must match too. */
  readonly exact: boolean;
}

export function partitionMatches(rules: MatchRules, row: SinfoRow, part: PartitionView): boolean {
  if (rules.listReasons || row.part === part) return true;
  for (const k of rules.keys) {
    if (isPartKey(k) && !PART_EQ[k](row.part, part)) return false;
  }
  return true;
}

/** Whether `n` joins a row that already has nodes. */
export function nodeMatches(rules: MatchRules, row: SinfoRow, n: NodeView): boolean {
  const first = row.nodes[0];
  if (first === undefined) return true;
  if (rules.nodeOriented) return false;
  for (const k of rules.keys) {
    if (isNodeKey(k) && !NODE_EQ[k](row, first, n)) return false;
  }
  if (!rules.exact) return true;
  for (const k of rules.keys) {
    if (isExactKey(k) && !EXACT_EQ[k](row, first, n)) return false;
  }
  return true;
}
