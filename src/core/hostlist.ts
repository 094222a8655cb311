// Slurm hostlists: `n[1-3,7]`, `rack[1-2]n[01-16]`, `a,b c`. Expansion follows Slurm's
// bracketed parser (the one every Slurm build uses): tokens are separated by commas,
// spaces or tabs outside brackets; the last `[...]` of a token holds the ranges and nothing
// may follow its `]`; the prefix may itself hold ranges (cartesian product, outer first);
// the width of a range's low bound sets the zero padding. Where Slurm would quietly invent
// a name (an unmatched `[`) we report a syntax error instead.
// Compression follows hostlist_uniq + hostlist_ranged_string: natural sort of prefixes,
// duplicates removed, consecutive numbers joined, one bracket group per prefix.

/** Slurm refuses a single range wider than this (MAX_RANGE), and prefix products beyond it. */
const MAX_RANGE = 64 * 1024;
/** Our own guard on the total number of names an expression may expand to. */
const MAX_NAMES = 1_000_000;

interface Range {
  readonly lo: number;
  readonly hi: number;
  readonly width: number;
}

/** Split on separators outside brackets (Slurm's _next_tok keeps `x[1,2]` whole). */
function tokens(s: string): string[] | null {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (depth < 0 || depth > 1) return null;
    if (depth === 0 && (ch === ',' || ch === ' ' || ch === '\t')) {
      if (cur !== '') out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  if (depth !== 0) return null;
  if (cur !== '') out.push(cur);
  return out;
}

/** `1`, `01-10`, `5-` (= 5): the low bound's text length is the zero-padding width. */
function parseRange(s: string): Range | null {
  const m = /^(\d+)(?:-(\d*))?$/.exec(s);
  if (!m) return null;
  const [, loText = '', hiText] = m;
  const lo = Number(loText);
  const hi = hiText === undefined || hiText === '' ? lo : Number(hiText);
  if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi)) return null;
  if (lo > hi || hi - lo + 1 > MAX_RANGE) return null;
  return { lo, hi, width: loText.length };
}

function parseRangeList(s: string): Range[] | null {
  const out: Range[] = [];
  for (const part of s.split(',')) {
    const r = parseRange(part);
    if (!r) return null;
    out.push(r);
  }
  return out;
}

const padNum = (n: number, width: number): string => String(n).padStart(width, '0');

function rangeCount(ranges: readonly Range[]): number {
  return ranges.reduce((sum, r) => sum + (r.hi - r.lo + 1), 0);
}

/** The prefix part before the last `[`: may hold one more `[...]`, recursively. */
function expandPrefix(prefix: string, budget: number): string[] | null {
  const open = prefix.lastIndexOf('[');
  if (open < 0) return prefix.includes(']') ? null : [prefix];
  const close = prefix.indexOf(']', open);
  if (close < 0) return null;
  const suffix = prefix.slice(close + 1);
  if (suffix.includes(']')) return null;
  const ranges = parseRangeList(prefix.slice(open + 1, close));
  if (!ranges || rangeCount(ranges) > MAX_RANGE) return null;
  const heads = expandPrefix(prefix.slice(0, open), budget);
  if (!heads || heads.length * rangeCount(ranges) > budget) return null;
  const out: string[] = [];
  for (const head of heads) {
    for (const r of ranges) {
      for (let n = r.lo; n <= r.hi; n++) out.push(head + padNum(n, r.width) + suffix);
    }
  }
  return out;
}

/** Expand a hostlist expression into names, in order (duplicates kept); null on a syntax error. */
export function expandHostlist(s: string): string[] | null {
  const toks = tokens(s);
  if (!toks) return null;
  const out: string[] = [];
  for (const tok of toks) {
    const open = tok.lastIndexOf('[');
    if (open < 0) {
      if (tok.includes(']')) return null;
      out.push(tok);
      continue;
    }
    const close = tok.indexOf(']', open);
    if (close !== tok.length - 1) return null;
    const ranges = parseRangeList(tok.slice(open + 1, close));
    if (!ranges) return null;
    const budget = MAX_NAMES - out.length;
    const prefixes = expandPrefix(tok.slice(0, open), budget);
    if (!prefixes || prefixes.length * rangeCount(ranges) > budget) return null;
    for (const p of prefixes) {
      for (const r of ranges) {
        for (let n = r.lo; n <= r.hi; n++) out.push(p + padNum(n, r.width));
      }
    }
  }
  return out;
}

/** Slurm's strnatcmp: digit runs compare by value (or left-aligned when one starts with 0). */
export function natCompare(a: string, b: string): number {
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  const compareRight = (ai: number, bi: number): number => {
    let bias = 0;
    for (;; ai++, bi++) {
      const da = isDigit(a[ai]);
      const db = isDigit(b[bi]);
      if (!da && !db) return bias;
      if (!da) return -1;
      if (!db) return 1;
      if (bias === 0 && a[ai] !== b[bi]) bias = (a[ai] ?? '') < (b[bi] ?? '') ? -1 : 1;
    }
  };
  const compareLeft = (ai: number, bi: number): number => {
    for (;; ai++, bi++) {
      const da = isDigit(a[ai]);
      const db = isDigit(b[bi]);
      if (!da && !db) return 0;
      if (!da) return -1;
      if (!db) return 1;
      if (a[ai] !== b[bi]) return (a[ai] ?? '') < (b[bi] ?? '') ? -1 : 1;
    }
  };
  let ai = 0;
  let bi = 0;
  for (;;) {
    while (/\s/.test(a[ai] ?? '')) ai++;
    while (/\s/.test(b[bi] ?? '')) bi++;
    const ca = a[ai];
    const cb = b[bi];
    if (isDigit(ca) && isDigit(cb)) {
      const r = ca === '0' || cb === '0' ? compareLeft(ai, bi) : compareRight(ai, bi);
      if (r !== 0) return r;
    }
    if (ca === undefined && cb === undefined) return 0;
    if (ca === undefined) return -1;
    if (cb === undefined) return 1;
    if (ca !== cb) return ca < cb ? -1 : 1;
    ai++;
    bi++;
  }
}

/** A host as Slurm's hostlist stores it: prefix + numeric suffix, or a name without one. */
interface HostRange {
  prefix: string;
  lo: number;
  hi: number;
  width: number;
  single: boolean;
}

function toRange(name: string): HostRange {
  const m = /^(.*?)(\d+)$/s.exec(name);
  // Suffixes too long for an exact JS number stay whole names.
  if (!m || (m[2] ?? '').length > 15) return { prefix: name, lo: 0, hi: 0, width: 0, single: true };
  const digits = m[2] ?? '';
  const n = Number(digits);
  return { prefix: m[1] ?? '', lo: n, hi: n, width: digits.length, single: false };
}

const zerosNeeded = (n: number, width: number): number => Math.max(0, width - String(n).length);

/**
 * _width_equiv: two paddings are compatible when one width renders both numbers unchanged;
 * like Slurm, the compatible width is written back so the pair shares it.
 */
function widthCombine(h0: HostRange, h1: HostRange): boolean {
  if (h0.width === h1.width) return true;
  const npad = zerosNeeded(h0.lo, h0.width);
  const nmpad = zerosNeeded(h0.lo, h1.width);
  const mpad = zerosNeeded(h1.lo, h1.width);
  const mnpad = zerosNeeded(h1.lo, h0.width);
  if (npad !== nmpad && mpad !== mnpad) return false;
  if (npad !== nmpad) h1.width = h0.width;
  else h0.width = h1.width;
  return true;
}

function prefixCompare(h1: HostRange, h2: HostRange): number {
  const r = natCompare(h1.prefix, h2.prefix);
  return r !== 0 ? r : Number(h2.single) - Number(h1.single);
}

function rangeCompare(h1: HostRange, h2: HostRange): number {
  const r = prefixCompare(h1, h2);
  if (r !== 0) return r;
  return widthCombine(h1, h2) ? h1.lo - h2.lo : h1.width - h2.width;
}

/** hostrange_join: merge h2 into h1 when they touch or overlap; false when they stay apart. */
function join(h1: HostRange, h2: HostRange): boolean {
  if (prefixCompare(h1, h2) !== 0 || !widthCombine(h1, h2)) return false;
  if (h1.single && h2.single) return true;
  if (h1.hi + 1 >= h2.lo) {
    h1.hi = Math.max(h1.hi, h2.hi);
    return true;
  }
  return false;
}

function numText(r: HostRange): string {
  const lo = padNum(r.lo, r.width);
  return r.lo < r.hi ? `${lo}-${padNum(r.hi, r.width)}` : lo;
}

/** Slurm's ranged string of a set of names: `n[1,3-5],login1`; sorted, de-duplicated. */
export function compressHostlist(names: readonly string[]): string {
  const ranges = names.filter((n) => n !== '').map(toRange).sort(rangeCompare);
  const merged: HostRange[] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (!last || !join(last, r)) merged.push(r);
  }
  const sameGroup = (a: HostRange, b: HostRange): boolean => !a.single && !b.single && prefixCompare(a, b) === 0;
  const parts: string[] = [];
  for (let i = 0; i < merged.length;) {
    const first = merged[i];
    if (!first) break;
    if (first.single) {
      parts.push(first.prefix);
      i++;
      continue;
    }
    const nums: string[] = [numText(first)];
    let j = i + 1;
    for (let next = merged[j]; next && sameGroup(next, merged[j - 1] ?? next); next = merged[++j]) {
      nums.push(numText(next));
    }
    const bracket = first.hi > first.lo || nums.length > 1;
    parts.push(bracket ? `${first.prefix}[${nums.join(',')}]` : `${first.prefix}${nums[0] ?? ''}`);
    i = j;
  }
  return parts.join(',');
}
