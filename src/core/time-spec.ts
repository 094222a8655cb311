// Slurm's time grammar (`--time`, `scontrol update TimeLimit=`, partition MaxTime) and the
// four ways Slurm prints a duration or a timestamp.
//
// Parsing reproduces Slurm 22.05's time_str2secs/time_str2mins, including its C integer
// arithmetic: `--time=-5` parses as -5 days, time_str2mins rounds with a truncating
// division ((-432000 + 59) / 60 = -7199) and the result is stored in a uint32, so the job
// shows TimeLimit=2982611-04:17:00 (golden g_sbatch). We return what Slurm would store.

/** Slurm's INFINITE / NO_VAL as they look after being returned through a C `int`. */
const C_INFINITE = -1;
const C_NO_VAL = -2;
const UINT32 = 2 ** 32;
const YEAR_SECONDS = 365 * 24 * 60 * 60;

export type TimeSpec = { ok: true; seconds: number | 'UNLIMITED' } | { ok: false };
export type TimeLimitUpdate =
  | { ok: true; kind: 'set' | 'add' | 'sub'; seconds: number | 'UNLIMITED' }
  | { ok: false };

/** _is_valid_timespec: digits, `-`, `:` only; counts of digit groups per shape. */
function isValidTimespec(s: string): boolean {
  let digitGroups = 0;
  let dashes = 0;
  let colons = 0;
  let inDigits = false;
  for (const ch of s) {
    if (ch >= '0' && ch <= '9') {
      if (!inDigits) digitGroups++;
      inDigits = true;
    } else if (ch === '-') {
      inDigits = false;
      dashes++;
      if (colons > 0) return false;
    } else if (ch === ':') {
      inDigits = false;
      colons++;
    } else {
      return false;
    }
  }
  if (digitGroups === 0 || dashes > 1 || colons > 2) return false;
  // A D-H:M form needs three numbers, D-H:M:S four; without a day H:M:S needs three, M:S two.
  const needed = dashes > 0 ? [0, 3, 4] : [0, 2, 3];
  return digitGroups >= (needed[colons] ?? 0);
}

/** sscanf's %d: optional sign and digits, saturated to 64 bits, then truncated to an int. */
function scanInt(s: string, pos: number): { value: number; end: number } | null {
  const m = /^[-+]?\d+/.exec(s.slice(pos));
  if (!m) return null;
  let big = BigInt(m[0]);
  const LONG_MAX = 2n ** 63n - 1n;
  if (big > LONG_MAX) big = LONG_MAX;
  if (big < -LONG_MAX - 1n) big = -LONG_MAX - 1n;
  return { value: Number(BigInt.asIntN(32, big)), end: pos + m[0].length };
}

/** sscanf(s, fmt) for formats made of %d and single literal characters: the ints read. */
function scanInts(s: string, separators: readonly string[]): number[] {
  const out: number[] = [];
  let pos = 0;
  for (let i = 0; ; i++) {
    const r = scanInt(s, pos);
    if (!r) return out;
    out.push(r.value);
    pos = r.end;
    const sep = separators[i];
    if (sep === undefined || s[pos] !== sep) return out;
    pos++;
  }
}

const add32 = (a: number, b: number): number => (a + b) | 0;

/** time_str2secs: seconds as a C int, or the INFINITE / NO_VAL sentinels. */
function timeStr2Secs(s: string): number {
  if (s === '') return C_NO_VAL;
  const upper = s.toUpperCase();
  if (upper === '-1' || upper === 'INFINITE' || upper === 'UNLIMITED') return C_INFINITE;
  if (!isValidTimespec(s)) return C_NO_VAL;
  let d = 0, h = 0, m = 0, sec = 0;
  if (s.includes('-')) {
    [d = 0, h = 0, m = 0, sec = 0] = scanInts(s, ['-', ':', ':']);
    d = Math.imul(d, 86400);
    h = Math.imul(h, 3600);
    m = Math.imul(m, 60);
  } else {
    const v = scanInts(s, [':', ':']);
    if (v.length === 3) {
      h = Math.imul(v[0] ?? 0, 3600);
      m = Math.imul(v[1] ?? 0, 60);
      sec = v[2] ?? 0;
    } else {
      // minutes[:seconds]
      m = Math.imul(v[0] ?? 0, 60);
      sec = v[1] ?? 0;
    }
  }
  return add32(add32(add32(d, h), m), sec);
}

/** time_str2mins applied to a time_str2secs result: rounds up with C's truncating division. */
function secsToSlurmMinutes(secs: number): number {
  if (secs === C_INFINITE || secs === C_NO_VAL) return secs;
  return Math.trunc(add32(secs, 59) / 60);
}

/**
 * Seconds for a parsed value, given Slurm's int minute count: the exact seconds when Slurm's
 * own rounding is the plain ceiling, else what Slurm stores (its uint32 minutes, as seconds).
 */
function storedSeconds(secs: number, mins: number): number {
  if (secs >= 0 && mins === Math.ceil(secs / 60)) return secs;
  return (mins >>> 0) * 60;
}

/** sbatch/srun `--time`: exact seconds (round with roundUpToMinute for minute resolution). */
export function parseTimeSpec(s: string): TimeSpec {
  const secs = timeStr2Secs(s);
  if (secs === C_NO_VAL) return { ok: false };
  if (secs === C_INFINITE) return { ok: true, seconds: 'UNLIMITED' };
  const mins = secsToSlurmMinutes(secs);
  if (mins === C_NO_VAL) return { ok: false };
  // sbatch turns 0 into INFINITE; a uint32 of all ones is INFINITE too.
  if (mins === 0 || mins === C_INFINITE) return { ok: true, seconds: 'UNLIMITED' };
  return { ok: true, seconds: storedSeconds(secs, mins) };
}

/**
 * A time value in slurm.conf (MaxTime, DefaultTime): whole minutes as seconds, 'UNLIMITED',
 * or null when Slurm rejects it ("Bad value"); unlike --time, 0 stays 0.
 */
export function parseConfigMinutes(s: string): number | 'UNLIMITED' | null {
  const mins = secsToSlurmMinutes(timeStr2Secs(s));
  if (mins === C_INFINITE) return 'UNLIMITED';
  if (mins < 0) return null;
  return mins * 60;
}

/** scontrol `update TimeLimit=`: `5`, `+10`, `-3`, `1:30:00`, `UNLIMITED`. */
export function parseTimeLimitUpdate(s: string): TimeLimitUpdate {
  let kind: 'set' | 'add' | 'sub' = 'set';
  let val = s;
  if (s.startsWith('+') || s.startsWith('-')) {
    kind = s.startsWith('+') ? 'add' : 'sub';
    val = s.slice(1);
  }
  const secs = timeStr2Secs(val);
  const mins = secsToSlurmMinutes(secs);
  if (mins === C_NO_VAL) return { ok: false };
  if (mins === C_INFINITE) return { ok: true, kind, seconds: 'UNLIMITED' };
  // Unlike sbatch, scontrol sends 0 as is: the job gets a zero time limit.
  return { ok: true, kind, seconds: storedSeconds(secs, mins) };
}

export type TimeLimitResult = { ok: true; seconds: number | null } | { ok: false; error: string };

/**
 * Apply an update to a job's current limit (seconds, null = UNLIMITED). With 'minutes'
 * resolution this is scontrol's uint32 minute arithmetic (UNLIMITED is 0xffffffff, so `+10`
 * on an unlimited job wraps to 9 minutes, as in Slurm); with 'seconds' it is exact and
 * UNLIMITED absorbs additions.
 */
export function applyTimeLimitUpdate(
  current: number | null,
  upd: { kind: 'set' | 'add' | 'sub'; seconds: number | 'UNLIMITED' },
  resolution: 'minutes' | 'seconds',
): TimeLimitResult {
  if (upd.kind === 'set') return { ok: true, seconds: upd.seconds === 'UNLIMITED' ? null : upd.seconds };
  if (resolution === 'minutes') {
    const INF = UINT32 - 1;
    const cur = current === null ? INF : Math.ceil(current / 60);
    const delta = upd.seconds === 'UNLIMITED' ? INF : Math.ceil(upd.seconds / 60);
    let result: number;
    if (upd.kind === 'add') {
      result = (cur + delta) % UINT32;
    } else if (delta > cur) {
      return { ok: false, error: `TimeLimit decrement larger than current time limit (${delta} > ${cur})` };
    } else {
      result = cur - delta;
    }
    return { ok: true, seconds: result === INF ? null : result * 60 };
  }
  if (upd.kind === 'add') {
    if (current === null || upd.seconds === 'UNLIMITED') return { ok: true, seconds: null };
    return { ok: true, seconds: current + upd.seconds };
  }
  if (upd.seconds === 'UNLIMITED' || (current !== null && upd.seconds > current)) {
    const d = upd.seconds === 'UNLIMITED' ? 'UNLIMITED' : String(upd.seconds);
    return { ok: false, error: `TimeLimit decrement larger than current time limit (${d} > ${current ?? 'UNLIMITED'})` };
  }
  return { ok: true, seconds: current === null ? null : current - upd.seconds };
}

export function roundUpToMinute(seconds: number): number {
  return Math.ceil(seconds / 60) * 60;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** secs2time_str: `HH:MM:SS` or `D-HH:MM:SS`; `INVALID` when negative. */
function secs2TimeStr(total: number): string {
  const t = Math.floor(total);
  if (t < 0 || !Number.isFinite(t)) return 'INVALID';
  const days = Math.floor(t / 86400);
  const hms = `${pad2(Math.floor(t / 3600) % 24)}:${pad2(Math.floor(t / 60) % 60)}:${pad2(t % 60)}`;
  return days > 0 ? `${days}-${hms}` : hms;
}

/** scontrol TimeLimit= / sacct Timelimit: `00:05:00`, `1-00:00:00`, `UNLIMITED`. */
export function formatLimit(seconds: number | null): string {
  return seconds === null ? 'UNLIMITED' : secs2TimeStr(seconds);
}

/** sacct Elapsed / CPUTime, scontrol RunTime: `00:00:08`, `1-02:03:04`. */
export function formatElapsed(seconds: number): string {
  return secs2TimeStr(Math.max(0, seconds));
}

/** squeue `%M %l %L` (_print_secs): `0:08`, `1:00:00`, `1-00:00:00`; INVALID beyond a year. */
export function formatSqueueTime(seconds: number | null): string {
  if (seconds === null) return 'UNLIMITED';
  const t = Math.floor(seconds);
  if (!(t >= 0 && t <= YEAR_SECONDS)) return 'INVALID';
  const days = Math.floor(t / 86400);
  const hours = Math.floor(t / 3600) % 24;
  const ms = `${pad2(Math.floor(t / 60) % 60)}:${pad2(t % 60)}`;
  if (days > 0) return `${days}-${pad2(hours)}:${ms}`;
  if (hours > 0) return `${hours}:${ms}`;
  return `${Math.floor(t / 60) % 60}:${pad2(t % 60)}`;
}

/** `%FT%T` in local time (scontrol SubmitTime=, sacct Start, squeue %V); `none` for null. */
export function formatTimestamp(ms: number | null, none: string): string {
  if (ms === null || !Number.isFinite(ms)) return none;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return none;
  const date = `${String(d.getFullYear()).padStart(4, '0')}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  return `${date}T${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}
