// Building sinfo's lines from the node and partition lists: filter the nodes (-n, -t, -d,
// -r, -p), then walk the partitions in order and put each of their nodes on the first line
// it matches (sinfo-match.ts), opening a new line otherwise. Without -N, every partition
// printed gets a line even when none of its nodes pass the filters (`0 n/a`).

import type { MatchKey, MatchRules } from './sinfo-match.ts';
import { nodeMatches, partitionMatches } from './sinfo-match.ts';
import type { StateFilter } from './sinfo-node-state.ts';
import { isNotResponding, matchesStateFilter } from './sinfo-node-state.ts';
import type { SinfoRow } from './sinfo-row.ts';
import type { NodeView, PartitionView } from './sinfo-view.ts';

export interface SinfoSelection {
  /** `-N/--Node`. */
  readonly nodeOriented: boolean;
  /** `-R/--list-reasons`. */
  readonly listReasons: boolean;
  /** `-e/--exact`. */
  readonly exact: boolean;
  /** `-p/--partition`: names to show; null = all. */
  readonly partitions: readonly string[] | null;
  /** `-n/--nodes`, expanded; null = all. */
  readonly nodes: readonly string[] | null;
  /** `-t/--states` (or -R's default down,fail,drain); null = no state filter. */
  readonly states: StateFilter | null;
  /** `-d/--dead`: only nodes not responding. */
  readonly dead: boolean;
  /** `-r/--responding`: only nodes responding. */
  readonly responding: boolean;
}

interface MutableRow {
  readonly part: PartitionView;
  readonly partIndex: number;
  readonly nodes: NodeView[];
  /** The names in `nodes`, so large clusters do not scan the list for each node. */
  readonly names: Set<string>;
}

function keepNode(sel: SinfoSelection, wanted: ReadonlySet<string> | null, n: NodeView): boolean {
  if (wanted !== null && !wanted.has(n.name)) return false;
  if (sel.dead && !isNotResponding(n)) return false;
  if (sel.responding && isNotResponding(n)) return false;
  return sel.states === null || matchesStateFilter(sel.states, n);
}

function insert(rows: MutableRow[], rules: MatchRules, part: PartitionView, partIndex: number, n: NodeView): void {
  for (const row of rows) {
    if (!partitionMatches(rules, row, part)) continue;
    if (row.nodes.length > 0 && !nodeMatches(rules, row, n)) continue;
    if (!row.names.has(n.name)) {
      row.nodes.push(n);
      row.names.add(n.name);
    }
    return;
  }
  rows.push({ part, partIndex, nodes: [n], names: new Set([n.name]) });
}

/** The lines in Slurm's creation order (sort them with sortSinfoRows). */
export function buildSinfoRows(
  nodes: readonly NodeView[],
  partitions: readonly PartitionView[],
  keys: ReadonlySet<MatchKey>,
  sel: SinfoSelection,
): SinfoRow[] {
  const rules: MatchRules = { keys, nodeOriented: sel.nodeOriented, listReasons: sel.listReasons, exact: sel.exact };
  const shown = (p: PartitionView): boolean => sel.partitions === null || sel.partitions.includes(p.name);
  const rows: MutableRow[] = [];
  if (!sel.nodeOriented && keys.has('partition')) {
    partitions.forEach((part, partIndex) => {
      if (shown(part)) rows.push({ part, partIndex, nodes: [], names: new Set() });
    });
  }
  const wanted = sel.nodes === null ? null : new Set(sel.nodes);
  const kept = nodes.filter((n) => keepNode(sel, wanted, n));
  partitions.forEach((part, partIndex) => {
    if (!shown(part)) return;
    const members = new Set(part.nodes);
    for (const n of kept) {
      if (members.has(n.name)) insert(rows, rules, part, partIndex, n);
    }
  });
  return rows.map(({ part, partIndex, nodes: members }) => ({ part, partIndex, nodes: members }));
}
