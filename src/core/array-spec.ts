// Job array index sets: `--array=<spec>[%<max_running>]` parsing with Slurm's acceptance
// rules, and the compact forms Slurm prints (`2-9`, `1,6,11,16`, `0-30:2`).
//
// An index set is kept as sorted, disjoint, non-adjacent inclusive runs, so a 1,000,000-task
// array `0-999999` is one run and taking its lowest task is O(1). Sets are immutable values
// (JSON-serialisable: they are stored in the job record).

/** Sorted, disjoint, non-adjacent inclusive runs `[lo, hi]`. */
export type IndexSet = readonly (readonly [number, number])[];

export const EMPTY_SET: IndexSet = [];

export function setSize(s: IndexSet): number {
  let n = 0;
  for (const [lo, hi] of s) n += hi - lo + 1;
  return n;
}

export function setHas(s: IndexSet, i: number): boolean {
  let a = 0;
  let b = s.length - 1;
  while (a <= b) {
    const m = (a + b) >> 1;
    const r = s[m];
    if (r === undefined) return false;
    if (i < r[0]) b = m - 1;
    else if (i > r[1]) a = m + 1;
    else return true;
  }
  return false;
}

export function setFirst(s: IndexSet): number | null {
  return s[0]?.[0] ?? null;
}

export function setLast(s: IndexSet): number | null {
  return s[s.length - 1]?.[1] ?? null;
}

/** Up to `n` members in ascending order. */
export function setTake(s: IndexSet, n: number): number[] {
  const out: number[] = [];
  for (const [lo, hi] of s) {
    for (let i = lo; i <= hi && out.length < n; i++) out.push(i);
    if (out.length >= n) break;
  }
  return out;
}

/** Every member, ascending (callers bound the size). */
export function setMembers(s: IndexSet): number[] {
  return setTake(s, setSize(s));
}

/** Build a set from arbitrary indices (any order, duplicates allowed). */
export function setFromIndices(xs: Iterable<number>): IndexSet {
  return normalise([...xs].map((i) => [i, i] as const));
}

function normalise(runs: readonly (readonly [number, number])[]): IndexSet {
  const sorted = [...runs].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

export function setUnion(a: IndexSet, b: IndexSet): IndexSet {
  return normalise([...a, ...b]);
}

/** a minus b. */
export function setMinus(a: IndexSet, b: IndexSet): IndexSet {
  if (b.length === 0) return a;
  const out: (readonly [number, number])[] = [];
  for (const [lo0, hi] of a) {
    let lo = lo0;
    for (const [blo, bhi] of b) {
      if (bhi < lo || blo > hi) continue;
      if (blo > lo) out.push([lo, blo - 1]);
      lo = Math.max(lo, bhi + 1);
      if (lo > hi) break;
    }
    if (lo <= hi) out.push([lo, hi]);
  }
  return out;
}

export function setIntersect(a: IndexSet, b: IndexSet): IndexSet {
  return setMinus(a, setMinus(a, b));
}

/** a without one member. */
export function setRemove(a: IndexSet, i: number): IndexSet {
  return setMinus(a, [[i, i]]);
}

/**
 * Slurm's compact form: ranges `a-b`, single values, and `a-b:s` for a stretch of more than
 * five members with a regular stride spanning more than ten (`0-30:2`, but `0,2,4,6,8,10`).
 */
export function formatSet(s: IndexSet): string {
  if (s.length === 0) return '';
  const stepped = steppedForm(s);
  if (stepped !== null) return stepped;
  return s.map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`)).join(',');
}

function steppedForm(s: IndexSet): string | null {
  // Only a set of single members (or a pure stride) can be shown with a step.
  if (s.length < 2 || s.some(([lo, hi]) => lo !== hi)) return null;
  const first = s[0]?.[0] ?? 0;
  const second = s[1]?.[0] ?? 0;
  const step = second - first;
  for (let k = 1; k < s.length; k++) {
    if ((s[k]?.[0] ?? 0) - (s[k - 1]?.[0] ?? 0) !== step) return null;
  }
  const last = s[s.length - 1]?.[0] ?? 0;
  if (s.length <= 5 || last - first <= 10) return null;
  return `${first}-${last}:${step}`;
}

/** Cut a displayed task string to Slurm's bitstring buffer (64 characters with `...`). */
export function clipTaskString(text: string, max = 64): string {
  return text.length < max ? text : `${text.slice(0, max - 4)}...`;
}

export interface ArraySpec {
  readonly tasks: IndexSet;
  /** `%N`; 0 = no limit. */
  readonly throttle: number;
  /** SLURM_ARRAY_TASK_STEP: the number after the first `:` of the spec, else 1. */
  readonly step: number;
}

/**
 * Parse `--array`. `maxArraySize` is MaxArraySize (indices 0..max-1; 0 disables arrays).
 * Rules as Slurm 22.05 applies them: a comma list of `N`, `A-B`, `A-B:S` (S > 0, A <= B),
 * surrounding `[ ]` tolerated, empty elements skipped, an empty index part meaning task 0; the
 * throttle is read from the first `%` like C's atoi (junk after digits ignored, values wrap to
 * 32 bits, <= 0 means no limit).
 */
export function parseArraySpec(spec: string, maxArraySize: number): ArraySpec | null {
  const pct = spec.indexOf('%');
  let body = pct < 0 ? spec : spec.slice(0, pct);
  const throttle = pct < 0 ? 0 : atoi32(spec.slice(pct + 1));
  body = body.trim();
  if (body.startsWith('[')) body = body.slice(1);
  if (body.endsWith(']')) body = body.slice(0, -1);
  if (body === '') body = '0';
  const runs: (readonly [number, number])[] = [];
  let step = 0;
  for (const part of body.split(',')) {
    if (part === '') continue;
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part.trim());
    if (m === null) return null;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    const st = m[3] === undefined ? 1 : Number(m[3]);
    if (m[3] !== undefined && step === 0) step = st;
    if (hi < lo || st <= 0 || hi >= maxArraySize) return null;
    if (st === 1) runs.push([lo, hi]);
    else for (let i = lo; i <= hi; i += st) runs.push([i, i]);
  }
  const tasks = normalise(runs);
  if (tasks.length === 0) return null;
  return { tasks, throttle: throttle > 0 ? throttle : 0, step: step === 0 ? 1 : step };
}

/** C atoi on glibc: optional sign and leading digits, result truncated to a signed 32-bit int. */
function atoi32(s: string): number {
  const m = /^\s*([+-]?)(\d+)/.exec(s);
  if (m === null) return 0;
  const digits = m[2] ?? '0';
  let v = BigInt(digits) % (1n << 64n);
  if (m[1] === '-') v = -v;
  return Number(BigInt.asIntN(32, v));
}

/** The displayed task list of a pending array record: `2-9%2`, `1,6,11,16`. */
export function taskListText(s: IndexSet, throttle: number): string {
  return clipTaskString(formatSet(s)) + (throttle > 0 ? `%${throttle}` : '');
}
