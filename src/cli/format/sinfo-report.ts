// The whole sinfo report: which format applies (-o/-O, -s, -N, -R, -l, SINFO_FORMAT),
// the filters, grouping, sorting, and the text with its header and `-l` date line. Pure:
// the node and partition lists and the clock come in, stdout/stderr text goes out.

import { compressHostlist, expandHostlist } from '../../core/hostlist.ts';
import type { ParsedSinfoFormat } from './sinfo-format.ts';
import { matchKeys, parseSinfoFormat, parseSinfoLongFormat, sinfoHeader, sinfoLine } from './sinfo-format.ts';
import type { StateFilter } from './sinfo-node-state.ts';
import { parseStateFilter } from './sinfo-node-state.ts';
import type { SinfoRow } from './sinfo-row.ts';
import { buildSinfoRows } from './sinfo-group.ts';
import { SINFO_DEFAULT_SORT, SINFO_NODE_SORT, sortSinfoRows } from './sinfo-sort.ts';
import type { NodeView, PartitionView } from './sinfo-view.ts';
import { ctimeLine } from './squeue-format.ts';

export const SINFO_FORMATS = {
  default: 'partition:9 ,available:.5 ,time:.10 ,nodes:.6 ,statecompact:.6 ,nodelist:0',
  long: 'partition:9 ,available:.5 ,time:.10 ,size:.10 ,root:.4 ,oversubscribe:.8 ,groups:.10 ,nodes:.6 ,statelong:.11 ,nodelist:0',
  node: 'nodelist:0 ,nodes:.6 ,partition:.9 ,statecompact:6',
  nodeLong: 'nodelist:0 ,nodes:.6 ,partition:.9 ,statelong:.11 ,cpus:4 ,socketcorethread:.8 ,memory:.6 ,disk:.8 ,weight:.6 ,features:.8 ,reason:20',
  summarize: 'partition:9 ,available:.5 ,time:.10 ,nodeaiot:.16 ,nodelist:0',
  reasons: 'reason:20 ,user:9 ,timestamp:19 ,nodelist:0',
  reasonsLong: 'reason:20 ,userlong:12 ,timestamp:19 ,statecompact:6 ,nodelist:0',
} as const;

export interface SinfoLayoutOptions {
  /** `-o` (long: false) or `-O` (long: true) as given; null = none. */
  readonly userFormat: { readonly text: string; readonly long: boolean } | null;
  /** `-l/--long`. */
  readonly long: boolean;
  readonly nodeOriented: boolean;
  readonly summarize: boolean;
  readonly listReasons: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export type SinfoLayout =
  | {
    readonly ok: true;
    readonly format: string;
    /** `-O` syntax (all built-in formats are). */
    readonly longSyntax: boolean;
    /** The partition / node list columns are sized to the data (built-in formats only). */
    readonly partWidth: boolean;
    readonly nodeWidth: boolean;
  }
  | { readonly ok: false; readonly error: string };

/** Which format sinfo uses, in its order of precedence. */
export function sinfoLayoutFor(o: SinfoLayoutOptions): SinfoLayout {
  if (o.userFormat !== null) {
    if (o.long) return { ok: false, error: 'sinfo: fatal: Options -o(--format) and -l(--long) are mutually exclusive. Please remove one and retry.' };
    return { ok: true, format: o.userFormat.text, longSyntax: o.userFormat.long, partWidth: false, nodeWidth: false };
  }
  const builtIn = (format: string, partWidth: boolean, nodeWidth: boolean): SinfoLayout => (
    { ok: true, format, longSyntax: true, partWidth, nodeWidth });
  if (o.summarize) return builtIn(SINFO_FORMATS.summarize, true, false);
  if (o.nodeOriented) return builtIn(o.long ? SINFO_FORMATS.nodeLong : SINFO_FORMATS.node, true, true);
  if (o.listReasons) return builtIn(o.long ? SINFO_FORMATS.reasonsLong : SINFO_FORMATS.reasons, false, false);
  const env = o.env['SINFO_FORMAT'];
  if (env !== undefined) return { ok: true, format: env, longSyntax: false, partWidth: false, nodeWidth: false };
  return builtIn(o.long ? SINFO_FORMATS.long : SINFO_FORMATS.default, true, false);
}

export interface SinfoOptions extends SinfoLayoutOptions {
  readonly now: number;
  /** `-h/--noheader`. */
  readonly noHeader: boolean;
  readonly exact: boolean;
  /** `-p` as given (comma list); null = all partitions. */
  readonly partitions: string | null;
  /** `-n` as given (a hostlist); null = all nodes. */
  readonly nodes: string | null;
  /** `-t` as given; null = none (-R then means down,fail,drain). */
  readonly states: string | null;
  readonly dead: boolean;
  readonly responding: boolean;
  /** `-S` (or SINFO_SORT); null = the default for the layout. */
  readonly sort: string | null;
}

export interface SinfoResult {
  readonly stdout: string;
  /** Complete lines for stderr. */
  readonly stderr: readonly string[];
  /** 0, or 1 when sinfo would stop before printing (bad -t, -o with -l). */
  readonly exitCode: number;
}

function fieldSizes(rows: readonly SinfoRow[], layout: Extract<SinfoLayout, { ok: true }>): { part: number | null; node: number | null } {
  let part = 9;
  let node = 9;
  for (const r of rows) {
    part = Math.max(part, r.part.name.length + (r.part.isDefault ? 1 : 0));
    node = Math.max(node, compressHostlist(r.nodes.map((n) => n.name)).length);
  }
  return { part: layout.partWidth ? part : null, node: layout.nodeWidth ? node : null };
}

/** `-n`: a hostlist; one sinfo cannot parse names nothing (it is taken literally). */
function nodeNames(spec: string): string[] {
  return expandHostlist(spec) ?? [spec];
}

export function renderSinfo(nodes: readonly NodeView[], partitions: readonly PartitionView[], o: SinfoOptions): SinfoResult {
  // sinfo rejects a bad -t while reading its options, before it looks at the format.
  let states: StateFilter | null = null;
  const stateSpec = o.states ?? (o.listReasons ? 'down,fail,drain' : null);
  if (stateSpec !== null) {
    const parsed = parseStateFilter(stateSpec);
    if (!parsed.ok) return { stdout: '', stderr: parsed.errors, exitCode: 1 };
    states = parsed.filter;
  }
  const layout = sinfoLayoutFor(o);
  if (!layout.ok) return { stdout: '', stderr: [layout.error], exitCode: 1 };
  const parsed: ParsedSinfoFormat = layout.longSyntax ? parseSinfoLongFormat(layout.format) : parseSinfoFormat(layout.format);
  const rows = buildSinfoRows(nodes, partitions, matchKeys(parsed.tokens), {
    nodeOriented: o.nodeOriented,
    listReasons: o.listReasons,
    exact: o.exact,
    partitions: o.partitions === null ? null : o.partitions.split(',').filter((p) => p !== ''),
    nodes: o.nodes === null ? null : nodeNames(o.nodes),
    states,
    dead: o.dead,
    responding: o.responding,
  });
  const sorted = sortSinfoRows(rows, o.sort ?? (o.nodeOriented ? SINFO_NODE_SORT : SINFO_DEFAULT_SORT));
  const widths = fieldSizes(sorted, layout);
  let stdout = '';
  if (!o.noHeader) {
    if (o.long) stdout += `${ctimeLine(o.now)}\n`;
    stdout += sinfoHeader(parsed.tokens, widths);
  }
  for (const row of sorted) stdout += sinfoLine(parsed.tokens, widths, row);
  return { stdout, stderr: parsed.errors, exitCode: 0 };
}
