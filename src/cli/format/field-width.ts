// Column fitting exactly as Slurm's clients do it with printf: squeue's `%[.][size]` fields
// and sacct's fixed-width columns. Kept apart so both engines share one definition of
// "pad", "cut" and what a missing (NULL) string looks like.

/**
 * squeue's _print_str. Right-justified (`%.8j`) pads on the left and, when the field cuts
 * (most do; node lists and times do not), keeps the first `width` characters;
 * left-justified (`%8j`) always cuts (printf precision) and pads on the right; width 0
 * prints the value as is. `null` is glibc's "(null)", which a precision below 6 prints as
 * nothing.
 */
export function squeueCell(value: string | null, width: number, right: boolean, cut: boolean): string {
  if (width <= 0) return value ?? '(null)';
  if (right) {
    const s = (value ?? '(null)').padStart(width);
    return cut ? s.slice(0, width) : s;
  }
  const v = value === null ? (width < 6 ? '' : '(null)') : value;
  return v.slice(0, width).padEnd(width);
}

/**
 * How sacct prints a column (print_fields_*): `str` cuts an over-long value to the width
 * with a trailing `+`; `num` and `time` never cut; `date` is cut without a marker (it is
 * formatted into a buffer of the column's size).
 */
export type SacctKind = 'str' | 'num' | 'time' | 'date';

/**
 * One fixed-width sacct cell including its trailing separator space. `len` < 0 means
 * left-justified (JobID); a missing value prints as blanks.
 */
export function sacctCell(value: string | null, len: number, kind: SacctKind): string {
  const abs = Math.abs(len);
  let v = value ?? '';
  if (value !== null && kind === 'str' && v.length > abs) v = abs > 0 ? `${v.slice(0, abs - 1)}+` : '';
  if (kind === 'date' || (kind === 'str' && value !== null)) v = v.slice(0, abs);
  return `${len >= 0 ? v.padStart(abs) : v.padEnd(abs)} `;
}

/** A header cell: the name cut to the column (no `+`), justified like the values. */
export function sacctHeaderCell(name: string, len: number): string {
  const abs = Math.abs(len);
  const v = name.slice(0, abs);
  return `${len >= 0 ? v.padStart(abs) : v.padEnd(abs)} `;
}
