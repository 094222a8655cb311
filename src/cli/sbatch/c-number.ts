// C number parsing as sbatch does it (strtol/strtoll base 10, then a cast to int), so that
// odd input is accepted, refused or wrapped exactly as Slurm would.

const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);

/** C isspace in the "C" locale. */
export const isCSpace = (ch: string | undefined): boolean =>
  ch === ' ' || ch === '\t' || ch === '\n' || ch === '\v' || ch === '\f' || ch === '\r';

export interface StrtolResult {
  /** Saturated to the 64-bit range, as strtol does on overflow. */
  readonly value: bigint;
  /** Index just past the number; 0 when no digits were found (C sets endptr = str). */
  readonly end: number;
}

/** strtol(s, &end, 10) on a 64-bit long. */
export function strtol(s: string): StrtolResult {
  let i = 0;
  while (isCSpace(s[i])) i++;
  let sign = 1n;
  if (s[i] === '+' || s[i] === '-') {
    if (s[i] === '-') sign = -1n;
    i++;
  }
  const start = i;
  while (i < s.length && s[i]! >= '0' && s[i]! <= '9') i++;
  if (i === start) return { value: 0n, end: 0 };
  let value = sign * BigInt(s.slice(start, i));
  if (value > LONG_MAX) value = LONG_MAX;
  if (value < LONG_MIN) value = LONG_MIN;
  return { value, end: i };
}

/** `(int)` of a C long: the low 32 bits, signed. */
export const toCInt = (v: bigint): number => Number(BigInt.asIntN(32, v));

export type IntParse = { ok: true; value: number } | { ok: false; message: string };

/**
 * Slurm's parse_int(name, val, positive): the whole string must be a number, not negative
 * (not zero either when `positive`); the result is cast to int like Slurm does.
 */
export function parseCInt(name: string, val: string, positive: boolean): IntParse {
  const r = strtol(val);
  const rest = r.end === 0 ? val : val.slice(r.end);
  if (rest !== '' || r.value < 0n || (positive && r.value <= 0n)) {
    return { ok: false, message: `Invalid numeric value "${val}" for ${name}.` };
  }
  if (r.value === LONG_MAX) return { ok: false, message: `Numeric argument (${LONG_MAX}) to big for ${name}.` };
  return { ok: true, value: toCInt(r.value) };
}

/** atoi: leading number or 0. */
export const atoi = (s: string): number => toCInt(strtol(s).value);

/** Does a flag-style environment value turn the flag on? ('', "yes", or a non-zero number). */
export function envFlagOn(value: string): boolean {
  if (value === '' || value.toLowerCase() === 'yes') return true;
  const r = strtol(value);
  return r.end === value.length && r.value !== 0n;
}
