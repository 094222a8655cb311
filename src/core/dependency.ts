// The `--dependency` grammar (sbatch, `scontrol update Dependency=`) and how Slurm displays
// what is left of it (`Dependency=` in scontrol, `%E` in squeue). Pure.
//
// Grammar, as Slurm 22.05 accepts it (checked against the peer, see ../shared/peer/golden/
// e_deps.txt and g_sbatch.txt):
//   ""  or "0"                    no dependency (clears one on update)
//   J[,J...]                      legacy form, no ':' anywhere: afterany on each J (no +minutes)
//   item[,item...] | item[?item...]
//   item = singleton | type:target[:target...]
//   type = after | afterany | afterok | afternotok | aftercorr | afterburstb* (case-insensitive)
//   target = J[_T | _* | _[list]][+minutes]
// A `?` anywhere makes the whole list "any" (22.05 does not reject mixing `,` and `?`).
// Numbers follow C's strtol as Slurm reads them: the id is taken modulo 2^32 (0 is refused,
// so `-1` is a valid, unknown id), the minutes are an int (<= 0 refused) and stored as
// seconds in 32 bits; whatever follows `+minutes` up to the next `:` is ignored.
//
// A target names a job id and, optionally, one array task (`J_7`) or the whole array (`J_*`);
// `J_[1-3,7]` expands to one target per task. Whether a task target exists is the resolver's
// business (dependency-eval.ts): a plain job has no tasks, so such a target is unknown there,
// and unknown targets are fulfilled, as in Slurm.

export const DEP_TYPES = ['after', 'afterany', 'afterok', 'afternotok', 'aftercorr', 'afterburstbuffer', 'singleton'] as const;
export type DepType = (typeof DEP_TYPES)[number];

export interface DepTarget {
  readonly jobId: number;
  /** null = the job (a whole array when it is one); '*' = explicitly the whole array; N = task N. */
  readonly task: number | '*' | null;
}

/** Fulfilled items are removed from the list, so an item left is either of these. */
export type DepItemState = 'unfulfilled' | 'failed';

export interface DepItem {
  readonly type: DepType;
  /** null for singleton. */
  readonly target: DepTarget | null;
  /** `+minutes`: only `after` waits for it; Slurm accepts and shows it on every type. */
  readonly delayMin: number;
  readonly state: DepItemState;
}

export interface JobDependency {
  /** The text as given: the job's SLURM_JOB_DEPENDENCY. */
  readonly spec: string;
  /** `?`: any one fulfilled item satisfies the job; otherwise all must be. */
  readonly any: boolean;
  /** What is left to wait for; empty once satisfied. */
  readonly items: readonly DepItem[];
}

/** `unsupported`: `expand:` (Slurm: "Requested operation not supported on this system"). */
export type DepParseError = 'invalid' | 'unsupported';

export type DepParse =
  | { readonly ok: true; readonly dependency: JobDependency | null }
  | { readonly ok: false; readonly error: DepParseError };

export interface DepParseOptions {
  /** Task ids inside `_[...]` must be below this (Slurm's MaxArraySize, default 1001). */
  readonly maxArraySize?: number;
}

/** Beyond this many targets a spec is refused rather than expanded (no Slurm user gets near). */
export const MAX_DEP_ITEMS = 100_000;

const TYPE_NAMES: ReadonlyMap<string, DepType> = new Map([
  ['after', 'after'], ['afterany', 'afterany'], ['afterok', 'afterok'],
  ['afternotok', 'afternotok'], ['aftercorr', 'aftercorr'],
]);

class Invalid {
  readonly error: DepParseError;

  constructor(error: DepParseError = 'invalid') {
    this.error = error;
  }
}

const U32 = 2n ** 32n;
const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);

/** C strtol on `s` from `i`: the value (saturated to a 64-bit long) and where it stopped. */
function strtol(s: string, i: number): { value: bigint; end: number } {
  let p = i;
  while (p < s.length && ' \t\n\v\f\r'.includes(s.charAt(p))) p++;
  let neg = false;
  if (s[p] === '+' || s[p] === '-') {
    neg = s[p] === '-';
    p++;
  }
  const start = p;
  while (p < s.length && s.charCodeAt(p) >= 48 && s.charCodeAt(p) <= 57) p++;
  if (p === start) return { value: 0n, end: i };
  // Only the first digits matter once the value saturates; long runs stay cheap.
  const digits = s.slice(start, Math.min(p, start + 25));
  let v = BigInt(digits);
  if (neg) v = -v;
  if (v > LONG_MAX) v = LONG_MAX;
  if (v < LONG_MIN) v = LONG_MIN;
  return { value: v, end: p };
}

const toU32 = (v: bigint): number => Number(((v % U32) + U32) % U32);
const toI32 = (v: bigint): number => Number(BigInt.asIntN(32, v));

/** A job id: at least one digit, modulo 2^32, not 0. */
function jobIdAt(s: string, i: number): { id: number; end: number } {
  const r = strtol(s, i);
  if (r.end === i) throw new Invalid();
  const id = toU32(r.value);
  if (id === 0) throw new Invalid();
  return { id, end: r.end };
}

/** `+minutes`: an int > 0; Slurm keeps seconds in 32 bits, so huge values wrap. */
function delayAt(s: string, i: number): number {
  const r = strtol(s, i);
  if (r.end === i) throw new Invalid();
  const minutes = toI32(r.value);
  if (minutes <= 0) throw new Invalid();
  return Math.floor(((minutes * 60) % 2 ** 32) / 60);
}

/** `[1-3,7]` (without the brackets): every task id, each below maxArraySize. */
function taskList(body: string, max: number): number[] {
  if (body === '') throw new Invalid();
  const out: number[] = [];
  for (const part of body.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (m === null) throw new Invalid();
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo || hi >= max) throw new Invalid();
    if (out.length + (hi - lo + 1) > MAX_DEP_ITEMS) throw new Invalid();
    for (let t = lo; t <= hi; t++) out.push(t);
  }
  return out;
}

/** One `:`-separated target with its optional task part and (unless legacy) `+minutes`. */
function targets(tok: string, legacy: boolean, max: number): { targets: DepTarget[]; delayMin: number | null } {
  const { id, end } = jobIdAt(tok, 0);
  let p = end;
  let tasks: (number | '*' | null)[] = [null];
  if (tok[p] === '_') {
    p++;
    if (tok[p] === '*') {
      tasks = ['*'];
      p++;
    } else if (tok[p] === '[') {
      const close = tok.indexOf(']', p);
      if (close < 0) throw new Invalid();
      tasks = taskList(tok.slice(p + 1, close), max);
      p = close + 1;
    } else {
      // strtol without digits reads 0: `J_` is task 0, as Slurm takes it.
      const r = strtol(tok, p);
      tasks = [r.end === p ? 0 : toU32(r.value)];
      p = r.end;
    }
  }
  let delayMin: number | null = null;
  if (!legacy && tok[p] === '+') delayMin = delayAt(tok, p + 1);
  else if (p !== tok.length) throw new Invalid();
  return { targets: tasks.map((task) => ({ jobId: id, task })), delayMin };
}

function typeOf(word: string): DepType {
  const w = word.toLowerCase();
  const t = TYPE_NAMES.get(w);
  if (t !== undefined) return t;
  // Slurm matches only the first 11 characters of afterburstbuffer.
  if (w.startsWith('afterburstb')) return 'afterburstbuffer';
  if (w === 'expand') throw new Invalid('unsupported');
  throw new Invalid();
}

/** Split on any of `seps` outside `[...]` (a task list holds commas: `J_[1,3]`). */
function splitOutside(s: string, seps: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
    else if (depth === 0 && seps.includes(c)) {
      out.push(s.slice(from, i));
      from = i + 1;
    }
  }
  out.push(s.slice(from));
  return out;
}

function parseItems(spec: string, max: number): DepItem[] {
  // The legacy form is bare job ids joined by ',' only (`J?K` is refused).
  const legacy = !spec.includes(':') && /^[\s+-]*\d/.test(spec);
  if (legacy && spec.includes('?')) throw new Invalid();
  const items: DepItem[] = [];
  const seen = new Set<string>();
  const add = (type: DepType, target: DepTarget | null, delayMin: number): void => {
    const key = target === null ? type : `${type}:${target.jobId}_${String(target.task)}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (items.length >= MAX_DEP_ITEMS) throw new Invalid();
    items.push({ type, target, delayMin, state: 'unfulfilled' });
  };
  for (const tok of splitOutside(spec, ',?')) {
    if (tok === '') throw new Invalid();
    if (legacy) {
      for (const t of targets(tok, true, max).targets) add('afterany', t, 0);
      continue;
    }
    if (tok.toLowerCase() === 'singleton') {
      add('singleton', null, 0);
      continue;
    }
    const colon = tok.indexOf(':');
    if (colon < 0) throw new Invalid();
    const type = typeOf(tok.slice(0, colon));
    // A delay carries over to the ids after it (`afterany:1+5:2` is +5 on both).
    let delayMin = 0;
    for (const part of tok.slice(colon + 1).split(':')) {
      if (part === '') throw new Invalid();
      const r = targets(part, false, max);
      if (r.delayMin !== null) delayMin = r.delayMin;
      for (const t of r.targets) add(type, t, delayMin);
    }
  }
  return items;
}

/** Parse a dependency spec; never throws. `null` = no dependency. */
export function parseDependency(spec: string, opts: DepParseOptions = {}): DepParse {
  if (spec === '' || spec === '0') return { ok: true, dependency: null };
  try {
    const items = parseItems(spec, opts.maxArraySize ?? 1001);
    return { ok: true, dependency: { spec, any: spec.includes('?'), items } };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, error: e.error };
    throw e;
  }
}

/** `J`, `J_T` or `J_*`, as Slurm prints a target. */
export function formatTarget(t: DepTarget): string {
  if (t.task === null) return String(t.jobId);
  return `${t.jobId}_${t.task === '*' ? '*' : String(t.task)}`;
}

export function formatItem(i: DepItem): string {
  if (i.target === null) return `${i.type}(${i.state})`;
  const delay = i.delayMin > 0 ? `+${i.delayMin}` : '';
  return `${i.type}:${formatTarget(i.target)}${delay}(${i.state})`;
}

/** What is left, as scontrol's `Dependency=` and squeue's `%E` show it; `(null)` when nothing. */
export function formatDependency(dep: JobDependency | null | undefined): string {
  if (dep === null || dep === undefined || dep.items.length === 0) return '(null)';
  return dep.items.map(formatItem).join(dep.any ? '?' : ',');
}

/** Job ids the dependency still waits on (self and cycle checks). */
export function targetJobIds(dep: JobDependency | null | undefined): number[] {
  if (dep === null || dep === undefined) return [];
  return [...new Set(dep.items.flatMap((i) => (i.target === null ? [] : [i.target.jobId])))];
}
