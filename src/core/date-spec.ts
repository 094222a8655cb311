// Slurm's date grammar (parse_time in Slurm 22.05; sacct -S/-E, sbatch --begin): a string is
// scanned left to right, blanks, `-` and `T` between items are skipped, and each item sets
// the date, the time of day or both:
//   HH:MM[:SS][am|pm]              time of day (one-digit hours allowed)
//   YYYY-MM-DD                     date
//   MMDD[YY], MM/DD[/YY], MM.DD[.YY]  date (two-digit year = 20YY)
//   today, tomorrow                date; midnight, noon, fika (15:00), teatime (16:00) time
//   now[{+|-}N[seconds|minutes|hours|days|weeks]]  both (singular or plural unit, default s)
//   uts<epoch seconds>             an absolute time
// A date without a time is 00:00; a time without a date is today when `past` (else the
// next such time); a date without a year is this year, or (past) last year when the month
// is still to come. Nothing at all gives 0, which callers treat as "not set".
//
// Errors carry the position Slurm reports: `Invalid time specification (pos=N): <text>`.
// Pure: the current time comes in; local time is the process's TZ (as Slurm's localtime).

export type DateSpec = { readonly ok: true; readonly epoch: number } | { readonly ok: false; readonly pos: number };

const UNITS: readonly (readonly [string, number])[] = [
  ['seconds', 1], ['second', 1], ['minutes', 60], ['minute', 60], ['hours', 3600], ['hour', 3600],
  ['days', 86400], ['day', 86400], ['weeks', 604800], ['week', 604800],
];

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';
const isSpace = (c: string | undefined): boolean => c !== undefined && ' \t\n\v\f\r'.includes(c);
/** C's `c - '0'` on a char that may not be a digit (a past-the-end read is the NUL byte). */
const code = (c: string | undefined): number => (c === undefined ? 0 : c.charCodeAt(0)) - 48;
const startsWithCi = (s: string, at: number, word: string): boolean => s.slice(at, at + word.length).toLowerCase() === word;

type Step = { ok: true; pos: number } | { ok: false; pos: number };

/** `+N[unit]` after `now`; `at` is the sign. Returns the index of its last character. */
function delta(s: string, at: number): (Step & { seconds: number }) | { ok: false; pos: number } {
  let count = 0;
  let digits = 0;
  let i = at + 1;
  for (; i < s.length && s[i] !== '\n'; i++) {
    if (isSpace(s[i])) continue;
    const unit = UNITS.find(([name]) => startsWithCi(s, i, name));
    if (unit !== undefined) {
      i += unit[0].length;
      count *= unit[1];
      break;
    }
    if (isDigit(s[i])) {
      count = count * 10 + code(s[i]);
      digits++;
      continue;
    }
    return { ok: false, pos: i - 1 };
  }
  if (digits === 0) return { ok: false, pos: at };
  return { ok: true, pos: i - 1, seconds: count };
}

interface Fields {
  hour: number;
  minute: number;
  second: number;
  month: number;
  mday: number;
  /** Years since 1900, as struct tm. */
  year: number;
}

function timeOfDay(s: string, at: number, f: Fields): Step {
  let o = at;
  if (!isDigit(s[o])) return { ok: false, pos: o };
  let hr = code(s[o++]);
  if (s[o] !== ':') {
    if (!isDigit(s[o])) return { ok: false, pos: o };
    hr = hr * 10 + code(s[o++]);
  }
  if (hr > 23) return { ok: false, pos: o - 2 };
  if (s[o] !== ':') return { ok: false, pos: o };
  o++;
  if (!isDigit(s[o])) return { ok: false, pos: o };
  let min = code(s[o++]);
  if (!isDigit(s[o])) return { ok: false, pos: o };
  min = min * 10 + code(s[o++]);
  if (min > 59) return { ok: false, pos: o - 2 };
  let sec = 0;
  if (s[o] === ':') {
    o++;
    if (!isDigit(s[o])) return { ok: false, pos: o };
    sec = code(s[o++]);
    if (!isDigit(s[o])) return { ok: false, pos: o };
    sec = sec * 10 + code(s[o++]);
    if (sec > 59) return { ok: false, pos: o - 2 };
  }
  while (isSpace(s[o])) o++;
  if (startsWithCi(s, o, 'pm')) {
    hr += 12;
    if (hr > 23) {
      if (hr !== 24) return { ok: false, pos: o };
      hr = 12;
    }
    o += 2;
  } else if (startsWithCi(s, o, 'am')) {
    if (hr > 11) {
      if (hr !== 12) return { ok: false, pos: o };
      hr = 0;
    }
    o += 2;
  }
  f.hour = hr;
  f.minute = min;
  f.second = sec;
  return { ok: true, pos: o - 1 };
}

/** Two digits at most of a month or day, range-checked; the first char is taken as is. */
function part(s: string, o: number, max: number, checkFirst: boolean): { ok: true; value: number; o: number } | { ok: false; pos: number } {
  if (checkFirst && !isDigit(s[o])) return { ok: false, pos: o };
  let v = code(s[o++]);
  if (isDigit(s[o])) v = v * 10 + code(s[o++]);
  if (v < 1 || v > max) return { ok: false, pos: o - 2 };
  return { ok: true, value: v, o };
}

function date(s: string, at: number, f: Fields): Step {
  let o = at;
  if (s.length >= o + 7 && s[o + 4] === '-' && s[o + 7] === '-') {
    let yr = 0;
    for (let k = 0; k < 4; k++) {
      if (!isDigit(s[o])) return { ok: false, pos: o };
      yr = yr * 10 + code(s[o++]);
    }
    o++;
    const mon = part(s, o, 12, false);
    if (!mon.ok) return mon;
    o = mon.o + 1;
    const day = part(s, o, 31, true);
    if (!day.ok) return day;
    f.month = mon.value - 1;
    f.mday = day.value;
    f.year = yr - 1900;
    return { ok: true, pos: day.o - 1 };
  }
  const mon = part(s, o, 12, false);
  if (!mon.ok) return mon;
  o = mon.o;
  if (s[o] === '.' || s[o] === '/') o++;
  const day = part(s, o, 31, true);
  if (!day.ok) return day;
  o = day.o;
  if (s[o] === '.' || s[o] === '/') o++;
  let yr = 0;
  if (isDigit(s[o])) {
    yr = code(s[o++]);
    if (!isDigit(s[o])) return { ok: false, pos: o };
    yr = yr * 10 + code(s[o++]);
  }
  f.month = mon.value - 1;
  f.mday = day.value;
  if (yr !== 0) f.year = yr + 100;
  return { ok: true, pos: o - 1 };
}

const setDate = (f: Fields, d: Date): void => {
  f.month = d.getMonth();
  f.mday = d.getDate();
  f.year = d.getFullYear() - 1900;
};

/** Parse `s` as Slurm's parse_time; `nowSec` is the current epoch second. */
export function parseDateSpec(s: string, nowSec: number, past: boolean): DateSpec {
  if (startsWithCi(s, 0, 'uts')) {
    const m = /^[ \t\n\v\f\r]*[-+]?\d+$/.exec(s.slice(3));
    const uts = m === null ? 0 : Number(m[0].trim());
    return uts < 1_000_000 ? { ok: false, pos: 0 } : { ok: true, epoch: uts };
  }
  const now = new Date(nowSec * 1000);
  const f: Fields = { hour: -1, minute: -1, second: 0, month: -1, mday: -1, year: -1 };
  for (let pos = 0; pos < s.length && s[pos] !== '\n'; pos++) {
    const c = s[pos];
    if (isBlank(c) || c === '-' || c === 'T') continue;
    const named = ([['midnight', 0], ['noon', 12], ['fika', 15], ['teatime', 16]] as const).find(([w]) => startsWithCi(s, pos, w));
    if (startsWithCi(s, pos, 'today')) {
      setDate(f, now);
      pos += 4;
    } else if (startsWithCi(s, pos, 'tomorrow')) {
      setDate(f, new Date((nowSec + 86400) * 1000));
      pos += 7;
    } else if (named !== undefined) {
      [f.hour, f.minute, f.second] = [named[1], 0, 0];
      pos += named[0].length - 1;
    } else if (startsWithCi(s, pos, 'now')) {
      let seconds = 0;
      for (let i = pos + 3; ; i++) {
        if (s[i] === '+' || s[i] === '-') {
          // Slurm adds the scan index to the position (the same when `now` comes first).
          const d = delta(s, pos + i);
          if (!d.ok) return { ok: false, pos: d.pos };
          seconds = s[i] === '-' ? -d.seconds : d.seconds;
          pos = d.pos;
          break;
        }
        if (isBlank(s[i])) continue;
        if (i >= s.length || s[i] === '\n') {
          pos += i - 1;
          break;
        }
        return { ok: false, pos: pos + i };
      }
      const later = new Date((nowSec + seconds) * 1000);
      setDate(f, later);
      [f.hour, f.minute, f.second] = [later.getHours(), later.getMinutes(), later.getSeconds()];
    } else if (!isDigit(c)) {
      return { ok: false, pos };
    } else {
      const r = s[pos + 1] === ':' || s[pos + 2] === ':' ? timeOfDay(s, pos, f) : date(s, pos, f);
      if (!r.ok) return r;
      pos = r.pos;
    }
  }
  if (f.hour === -1 && f.month === -1) return { ok: true, epoch: 0 };
  if (f.hour === -1) {
    f.hour = 0;
    f.minute = 0;
  } else if (f.month === -1) {
    const soon = past || f.hour > now.getHours() || (f.hour === now.getHours() && f.minute > now.getMinutes());
    setDate(f, soon ? now : new Date((nowSec + 86400) * 1000));
  }
  if (f.year === -1) {
    const nowYear = now.getFullYear() - 1900;
    if (past) {
      f.year = f.month > now.getMonth() ? nowYear - 1 : nowYear;
    } else {
      const mine = [f.month, f.mday, f.hour, f.minute];
      const theirs = [now.getMonth(), now.getDate(), now.getHours(), now.getMinutes()];
      const k = mine.findIndex((v, i) => v !== theirs[i]);
      f.year = k >= 0 && (mine[k] ?? 0) > (theirs[k] ?? 0) ? nowYear : nowYear + 1;
    }
  }
  const t = new Date(f.year + 1900, f.month, f.mday, f.hour, f.minute, f.second).getTime();
  return Number.isNaN(t) ? { ok: false, pos: s.length } : { ok: true, epoch: Math.floor(t / 1000) };
}
