// Memory sizes: Slurm's `--mem` grammar (str_to_mbytes) and its "exact" unit conversion
// (convert_num_unit with CONVERT_NUM_UNIT_EXACT), used by sacct ReqMem/MaxRSS, scontrol
// MinMemoryNode= and the mem= of TRES strings.

/** C isspace: what strtoll skips before the number. */
const LEADING_SPACE = /^[ \t\n\v\f\r]*/;

/**
 * `--mem` / `--mem-per-cpu`: an integer with an optional K|M|G|T unit (any case, optional
 * trailing B); MiB by default, K rounded up to whole MiB. Returns MiB, null when invalid.
 */
export function parseMemSpec(s: string): number | null {
  const body = s.replace(LEADING_SPACE, '');
  // strtoll: optional sign then decimal digits; nothing parsed means invalid.
  const m = /^([-+]?)(\d+)(.*)$/s.exec(body);
  if (!m) return null;
  const [, sign = '', digits = '', rest = ''] = m;
  let n = BigInt(digits);
  if (sign === '-' && n !== 0n) return null;
  const unit = rest.length === 0 ? '' : /^([kmgt])b?$/i.exec(rest)?.[1]?.toUpperCase();
  if (unit === undefined) return null;
  switch (unit) {
    case 'K': n = (n + 1023n) / 1024n; break;
    case 'G': n *= 1024n; break;
    case 'T': n *= 1024n * 1024n; break;
    default: break;
  }
  // Beyond 2^53 MiB Slurm itself overflows; refuse rather than print garbage.
  return n > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(n);
}

const UNITS = ['', 'K', 'M', 'G', 'T', 'P'] as const;
/** UNIT_NONE .. UNIT_PETA, as Slurm numbers them. */
const UNIT_BYTES = 0;
const UNIT_KIB = 1;
const UNIT_MIB = 2;

/**
 * convert_num_unit(num, orig, NO_VAL, CONVERT_NUM_UNIT_EXACT): step up a unit while the value
 * is at least 1024 and a multiple of 512 (so halves like 1.50G still count as exact); print
 * an integer with the unit letter, else two decimals.
 */
export function formatExact(num: number, origUnit: number): string {
  if (!Number.isFinite(num) || Math.trunc(num) === 0) return '0';
  let v = num;
  let unit = origUnit;
  while (v >= 1024 && Math.trunc(v) % 512 === 0) {
    v /= 1024;
    unit++;
  }
  const letter = unit >= 0 && unit < UNITS.length ? UNITS[unit] : '?';
  return Number.isInteger(v) ? `${v}${letter}` : `${v.toFixed(2)}${letter}`;
}

/** Slurm's unit indexes (UNIT_NONE, UNIT_KILO, UNIT_MEGA) for formatUnits. */
export const UNIT = { none: UNIT_BYTES, kilo: UNIT_KIB, mega: UNIT_MIB } as const;

/**
 * convert_num_unit as sacct calls it: with `--units` (1..5 = K..P) the value is scaled to
 * that unit, two decimals when not whole (`0.25G`, `0.00K`); without, formatExact.
 */
export function formatUnits(num: number, origUnit: number, spec: number | null): string {
  if (spec === null) return formatExact(num, origUnit);
  if (!Number.isFinite(num) || Math.trunc(num) === 0) return '0';
  const v = num * 1024 ** (origUnit - spec);
  const letter = UNITS[spec] ?? '?';
  return Number.isInteger(v) ? `${v}${letter}` : `${v.toFixed(2)}${letter}`;
}

/** MiB as sacct ReqMem / scontrol MinMemoryNode / TRES mem= print it: `50M`, `1G`, `1.50G`, `0`. */
export function formatMiB(mib: number): string {
  return formatExact(mib, UNIT_MIB);
}

/** KiB as sacct/sstat MaxRSS, AveRSS print them: `0`, `404K`, `37880K`, `2M`. */
export function formatKiB(kib: number): string {
  return formatExact(kib, UNIT_KIB);
}

/**
 * A byte count as sacct prints MaxRSS (Slurm converts from bytes): '' for null. For
 * multiples of 1024 (cgroup counters are page multiples) this equals formatKiB(bytes / 1024).
 */
export function formatBytesAsKiB(bytes: number | null): string {
  return bytes === null ? '' : formatExact(bytes, UNIT_BYTES);
}
