// Slurm's node state as sinfo and scontrol print it: a base state plus flags, shown as one
// word (node_state_string: `DRAINING`, `MIXED-`, `IDLE*`), a compact word for sinfo %t
// (`drng`, `mix-`, `idle*`) or base+flags (`ALLOCATED+DRAIN`). Also the `-t` state filter.
// Only the flags Ratchet can have are modelled: DRAIN, COMPLETING, NOT_RESPONDING, PLANNED.

import type { NodeView } from './sinfo-view.ts';

/** enum node_states: the numbers matter, sinfo sorts by them (`-t` in "#P,-t"). */
export const NODE_BASE = { UNKNOWN: 0, DOWN: 1, IDLE: 2, ALLOCATED: 3, MIXED: 5, FUTURE: 6 } as const;
export type NodeBase = keyof typeof NODE_BASE;

/** Flag bits as Slurm numbers them (for sorting and the `-t` filter). */
const FLAG = { DRAIN: 1 << 9, COMPLETING: 1 << 10, NO_RESPOND: 1 << 11, PLANNED: 1 << 21 } as const;

export interface NodeState {
  readonly base: NodeBase;
  readonly drain: boolean;
  readonly completing: boolean;
  readonly notResponding: boolean;
  readonly planned: boolean;
}

/** Exhaustiveness check that still gives a value for a state from a newer controller. */
const unexpected = <T>(_value: never, fallback: T): T => fallback;

function baseOf(node: NodeView): NodeBase {
  switch (node.state) {
    case 'IDLE': case 'DRAIN': return 'IDLE';
    case 'MIXED': return 'MIXED';
    case 'ALLOCATED': return 'ALLOCATED';
    case 'DRAINING': return 'ALLOCATED';
    case 'DOWN': return 'DOWN';
    case 'UNKNOWN': return 'UNKNOWN';
    default: return unexpected(node.state, 'UNKNOWN');
  }
}

/**
 * The state sinfo and scontrol work with. Slurm's controller reports a node with jobs as
 * ALLOCATED and its clients turn that into MIXED when some CPUs are idle: sinfo only for a
 * node that is not drained, scontrol for any (`mixedWhenDrained`).
 */
export function nodeStateOf(node: NodeView, opts: { readonly mixedWhenDrained?: boolean } = {}): NodeState {
  const drain = node.state === 'DRAIN' || node.state === 'DRAINING';
  let base = baseOf(node);
  const partial = node.allocCpus > 0 && node.allocCpus < node.cpus;
  if (partial && (!drain || opts.mixedWhenDrained === true)) base = 'MIXED';
  return {
    base,
    drain,
    completing: node.completing ?? false,
    notResponding: node.notResponding ?? (node.state === 'DOWN' || node.state === 'UNKNOWN'),
    planned: node.planned ?? false,
  };
}

export function nodeStateNumber(s: NodeState): number {
  return NODE_BASE[s.base] + (s.drain ? FLAG.DRAIN : 0) + (s.completing ? FLAG.COMPLETING : 0)
    + (s.notResponding ? FLAG.NO_RESPOND : 0) + (s.planned ? FLAG.PLANNED : 0);
}

interface Words {
  readonly draining: string;
  readonly drained: string;
  readonly down: string;
  readonly alloc: string;
  readonly comp: string;
  readonly idle: string;
  readonly planned: string;
  readonly mixed: string;
  readonly future: string;
  readonly unknown: string;
}

const LONG: Words = {
  draining: 'DRAINING', drained: 'DRAINED', down: 'DOWN', alloc: 'ALLOCATED', comp: 'COMPLETING',
  idle: 'IDLE', planned: 'PLANNED', mixed: 'MIXED', future: 'FUTURE', unknown: 'UNKNOWN',
};
const COMPACT: Words = {
  draining: 'DRNG', drained: 'DRAIN', down: 'DOWN', alloc: 'ALLOC', comp: 'COMP',
  idle: 'IDLE', planned: 'PLND', mixed: 'MIX', future: 'FUTR', unknown: 'UNK',
};

/** node_state_string's decision order, restricted to the flags we model. */
function oneWord(s: NodeState, w: Words): string {
  const star = s.notResponding ? '*' : '';
  if (s.drain) {
    const busy = s.completing || s.base === 'ALLOCATED' || s.base === 'MIXED';
    return (busy ? w.draining : w.drained) + star;
  }
  switch (s.base) {
    case 'DOWN': return w.down + star;
    case 'ALLOCATED': return w.alloc + (star || (s.completing ? '+' : ''));
    case 'IDLE':
    case 'MIXED':
    case 'FUTURE':
    case 'UNKNOWN':
      break;
    default: return unexpected(s.base, '?');
  }
  if (s.completing) return w.comp + star;
  if (s.base === 'IDLE') return star ? w.idle + star : s.planned ? w.planned : w.idle;
  if (s.base === 'MIXED') return w.mixed + (star || (s.planned ? '-' : ''));
  if (s.base === 'FUTURE') return w.future + star;
  return w.unknown + star;
}

/** node_state_string: `IDLE`, `MIXED-`, `DRAINING`, `DOWN*` (sinfo %T lower-cases it). */
export function nodeStateLong(s: NodeState): string {
  return oneWord(s, LONG);
}

/** node_state_string_compact: `IDLE`, `MIX-`, `DRNG`, `DOWN*` (sinfo %t lower-cases it). */
export function nodeStateCompact(s: NodeState): string {
  return oneWord(s, COMPACT);
}

/** node_state_string_complete: the base then every flag, `MIXED+PLANNED`, `IDLE+DRAIN`. */
export function nodeStateComplete(s: NodeState): string {
  let out: string = s.base;
  if (s.completing) out += '+COMPLETING';
  if (s.drain) out += '+DRAIN';
  if (s.notResponding) out += '+NOT_RESPONDING';
  if (s.planned) out += '+PLANNED';
  return out;
}

// ---- the -t/--states filter ----------------------------------------------------------

/** One term of `-t`: what _node_state_id resolves a (prefix of a) state name to. */
export type StateTerm =
  | { readonly kind: 'base'; readonly base: NodeBase }
  | { readonly kind: 'allocated' }
  | { readonly kind: 'drain' | 'draining' | 'drained' }
  | { readonly kind: 'flag'; readonly flag: keyof typeof FLAG }
  /** A state Ratchet never has (FAIL, MAINT, CLOUD, ...): matches no node. */
  | { readonly kind: 'never' };

export interface StateFilter {
  readonly terms: readonly StateTerm[];
  /** `&` anywhere in the list makes every term required. */
  readonly all: boolean;
}

/** The base states in enum order with their long and compact names (ERROR prints `?`). */
const BASES: readonly (readonly [string, string, StateTerm])[] = [
  ['UNKNOWN', 'UNK', { kind: 'base', base: 'UNKNOWN' }],
  ['DOWN', 'DOWN', { kind: 'base', base: 'DOWN' }],
  ['IDLE', 'IDLE', { kind: 'base', base: 'IDLE' }],
  ['ALLOCATED', 'ALLOC', { kind: 'allocated' }],
  ['?', '?', { kind: 'never' }],
  ['MIXED', 'MIX', { kind: 'base', base: 'MIXED' }],
  ['FUTURE', 'FUTR', { kind: 'base', base: 'FUTURE' }],
];

/** The named states tried after the base ones, in _node_state_id's order. */
const NAMED: readonly (readonly [readonly string[], StateTerm])[] = [
  [['PLANNED', 'PLND'], { kind: 'flag', flag: 'PLANNED' }],
  [['DRAIN'], { kind: 'drain' }],
  [['DRAINED'], { kind: 'drained' }],
  [['RESV', 'RESERVED', 'PERFCTRS', 'NPC'], { kind: 'never' }],
  [['DRAINING', 'DRNG'], { kind: 'draining' }],
  [['COMPLETING', 'COMP'], { kind: 'flag', flag: 'COMPLETING' }],
  [['NO_RESPOND'], { kind: 'flag', flag: 'NO_RESPOND' }],
  [['POWERING_DOWN', 'POWRING_DN', 'POWERED_DOWN', 'POWERED_DN', 'POWER_DOWN', 'POW_DN', 'POWERING_UP',
    'FAIL', 'MAINT', 'REBOOT', 'BOOT', 'REBOOT^', 'BOOT^', 'CLOUD'], { kind: 'never' }],
];

/** What sinfo lists after `valid states:` (Slurm's own text, quirks included). */
const VALID_STATES = 'unknown,down,idle,allocated,?,mixed,future,drain,drained,draining,no_respond,reserved,'
  + 'perfctrs,cloud,completing,powering_down,powered_down,power_down,powering_up,fail,maint,reboot,reboot^,unknown';

/** A state name or any prefix of one, case-insensitive, the first match winning. */
function stateTerm(word: string): StateTerm | undefined {
  const w = word.toUpperCase();
  for (const [long, compact, term] of BASES) {
    if (compact.startsWith(w) || long.startsWith(w)) return term;
  }
  for (const [names, term] of NAMED) {
    if (names.some((n) => n.startsWith(w))) return term;
  }
  return undefined;
}

/**
 * Parse `-t/--states`: `all`, or states separated by `,` (any) or `&` (all). A bad name
 * gives sinfo's two error lines.
 */
export function parseStateFilter(spec: string): { ok: true; filter: StateFilter } | { ok: false; errors: string[] } {
  if (spec.toLowerCase() === 'all') return { ok: true, filter: { terms: [], all: false } };
  const terms: StateTerm[] = [];
  for (const word of spec.split(/[,&]/)) {
    if (word === '') continue;
    const term = stateTerm(word);
    if (term === undefined) {
      return { ok: false, errors: [`sinfo: error: Bad state string: "${word}"`, `sinfo: error: valid states: ${VALID_STATES}`] };
    }
    terms.push(term);
  }
  // `all` lists every state; an empty list (`-t ''`) matches nothing.
  return { ok: true, filter: { terms: terms.length === 0 ? [{ kind: 'never' }] : terms, all: spec.includes('&') } };
}

function termMatches(t: StateTerm, s: NodeState, allocCpus: number): boolean {
  const draining = s.drain && (s.completing || s.base === 'ALLOCATED' || s.base === 'MIXED');
  switch (t.kind) {
    case 'base': return s.base === t.base;
    case 'allocated': return allocCpus > 0;
    case 'drain': return s.drain;
    case 'draining': return draining;
    case 'drained': return s.drain && !draining;
    case 'flag':
      return t.flag === 'DRAIN' ? s.drain : t.flag === 'COMPLETING' ? s.completing
        : t.flag === 'NO_RESPOND' ? s.notResponding : s.planned;
    case 'never': return false;
    default: return unexpected(t, false);
  }
}

/** Whether a node passes the filter (an empty term list is `all`: everything passes). */
export function matchesStateFilter(f: StateFilter, node: NodeView): boolean {
  if (f.terms.length === 0) return true;
  const s = nodeStateOf(node);
  return f.all
    ? f.terms.every((t) => termMatches(t, s, node.allocCpus))
    : f.terms.some((t) => termMatches(t, s, node.allocCpus));
}

/** Whether a node counts as not responding (`-d/--dead`, `-r/--responding`). */
export function isNotResponding(node: NodeView): boolean {
  return nodeStateOf(node).notResponding;
}
