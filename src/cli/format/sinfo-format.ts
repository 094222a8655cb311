// sinfo's format engine: `-o` (`%[.][size]letter` with literal text, `%all`) and `-O`
// (`name[:[.][size][suffix]]`, comma separated, width 20 by default), turned into tokens,
// then a header line and one line per row, cells fitted the way sinfo's _print_str does.

import { squeueCell } from './field-width.ts';
import type { SinfoFieldDef } from './sinfo-fields.ts';
import { SINFO_LETTERS, SINFO_LONG_NAMES } from './sinfo-fields.ts';
import type { MatchKey } from './sinfo-match.ts';
import type { SinfoRow } from './sinfo-row.ts';

export type SinfoToken =
  | { readonly kind: 'text'; readonly text: string }
  | {
    readonly kind: 'field';
    readonly def: SinfoFieldDef;
    readonly width: number;
    readonly right: boolean;
    readonly suffix: string;
  };

export interface ParsedSinfoFormat {
  readonly tokens: readonly SinfoToken[];
  /** Lines for stderr, exactly as sinfo prints them (with or without `sinfo: error: `). */
  readonly errors: readonly string[];
}

const MAX_WIDTH = 1 << 20;

/** `%all`: every letter a-z then A-Z, `|`-separated, a space after the upper-case ones. */
function allTokens(): SinfoToken[] {
  const tokens: SinfoToken[] = [];
  const letters = [...'abcdefghijklmnopqrstuvwxyz'];
  letters.forEach((l) => {
    const def = SINFO_LETTERS[l];
    if (def !== undefined) tokens.push({ kind: 'field', def, width: 0, right: false, suffix: '|' });
  });
  [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].forEach((l) => {
    const def = SINFO_LETTERS[l];
    if (def !== undefined) tokens.push({ kind: 'field', def, width: 0, right: false, suffix: l === 'Z' ? ' ' : ' |' });
  });
  return tokens;
}

/**
 * `-o`: text before the first `%` starts every line (a format without `%` is all text);
 * pieces between `%`s (runs of `%` count as one) are `[.][digits]<letter><suffix>`. An
 * unknown letter prints its piece, `%` included, and a message goes to stderr.
 */
export function parseSinfoFormat(format: string): ParsedSinfoFormat {
  const tokens: SinfoToken[] = [];
  const errors: string[] = [];
  const at = format.indexOf('%');
  if (at !== 0) tokens.push({ kind: 'text', text: at < 0 ? format : format.slice(0, at) });
  if (at < 0) return { tokens, errors };
  const rest = format.slice(at);
  if (rest.toLowerCase() === '%all') return { tokens: [...tokens, ...allTokens()], errors };
  for (const piece of rest.split('%')) {
    if (piece === '') continue;
    const m = /^(\.?)(\d*)([\s\S]?)([\s\S]*)$/.exec(piece);
    const letter = m?.[3] ?? '';
    const def = SINFO_LETTERS[letter];
    if (m === null || def === undefined) {
      tokens.push({ kind: 'text', text: `%${piece}` });
      // A piece ending in its size has no letter: sinfo prints the NUL it found.
      errors.push(`Invalid node format specification: ${letter === '' ? '\0' : letter}`);
      continue;
    }
    const width = m[2] === '' || m[2] === undefined ? 0 : Math.min(Number(m[2]), MAX_WIDTH);
    tokens.push({ kind: 'field', def, width, right: m[1] === '.', suffix: m[4] ?? '' });
  }
  return { tokens, errors };
}

/** strtol after the `:`: leading space, a sign, digits; the rest is the suffix. */
function longSize(spec: string): { width: number; right: boolean; suffix: string } {
  const right = spec.startsWith('.');
  const body = right ? spec.slice(1) : spec;
  const m = /^[ \t\n\v\f\r]*[-+]?\d+/.exec(body);
  if (m === null) return { width: 0, right, suffix: body };
  const n = Number(m[0].trim());
  return { width: Math.max(-MAX_WIDTH, Math.min(n, MAX_WIDTH)), right, suffix: body.slice(m[0].length) };
}

/** `-O`: `name[:[.][size][suffix]]` items; `all` is `%all`; no size means 20, left. */
export function parseSinfoLongFormat(format: string): ParsedSinfoFormat {
  const tokens: SinfoToken[] = [];
  const errors: string[] = [];
  for (const item of format.split(',')) {
    if (item === '') continue;
    const colon = item.indexOf(':');
    const name = colon < 0 ? item : item.slice(0, colon);
    const size = colon < 0 ? { width: 20, right: false, suffix: '' } : longSize(item.slice(colon + 1));
    if (name.toLowerCase() === 'all') {
      tokens.push(...allTokens());
      continue;
    }
    const def = SINFO_LONG_NAMES[name.toLowerCase()];
    if (def === undefined) {
      if (size.suffix !== '') tokens.push({ kind: 'text', text: size.suffix });
      errors.push(`sinfo: error: Invalid job format specification: ${name}`);
      continue;
    }
    tokens.push({ kind: 'field', def, ...size });
  }
  return { tokens, errors };
}

/** The attributes rows must agree on, from the fields a format prints. */
export function matchKeys(tokens: readonly SinfoToken[]): Set<MatchKey> {
  const keys = new Set<MatchKey>();
  for (const t of tokens) if (t.kind === 'field' && t.def.match !== null) keys.add(t.def.match);
  return keys;
}

/** Column widths the default formats take from the data: at least 9, `*` counted. */
export interface DataWidths {
  readonly part: number | null;
  readonly node: number | null;
}

function cell(value: string | null, width: number, right: boolean, cut: boolean): string {
  return width < 0 ? '' : squeueCell(value, width, right, cut);
}

function render(tokens: readonly SinfoToken[], widths: DataWidths, f: (t: Extract<SinfoToken, { kind: 'field' }>, w: number) => string): string {
  let out = '';
  for (const t of tokens) {
    if (t.kind === 'text') {
      out += t.text;
      continue;
    }
    const forced = t.def.widthFrom === 'part' ? widths.part : t.def.widthFrom === 'node' ? widths.node : null;
    out += f(t, forced ?? t.width) + t.suffix;
  }
  return `${out}\n`;
}

export function sinfoHeader(tokens: readonly SinfoToken[], widths: DataWidths): string {
  return render(tokens, widths, (t, w) => cell(t.def.title, w, t.right, t.def.cutTitle));
}

export function sinfoLine(tokens: readonly SinfoToken[], widths: DataWidths, row: SinfoRow): string {
  return render(tokens, widths, (t, w) => cell(t.def.value(row, w), w, t.right, true));
}
