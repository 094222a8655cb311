// squeue's `-o/--format` engine: `%[.][size]type` fields with the literal text around
// them, a header of column titles at the same widths, one line per job. Also the default
// and `-l` formats and the date line `-l` prints first (squeue-args.ts picks the format).

import { squeueCell } from './field-width.ts';
import type { JobView } from './job-view.ts';
import type { LetterDef } from './squeue-fields.ts';
import { SQUEUE_LETTERS, cutsValue } from './squeue-fields.ts';

export const SQUEUE_DEFAULT_FORMAT = '%.18i %.9P %.8j %.8u %.2t %.10M %.6D %R';
export const SQUEUE_LONG_FORMAT = '%.18i %.9P %.8j %.8u %.8T %.10M %.9l %.6D %R';

export type SqueueToken =
  | { readonly kind: 'text'; readonly text: string }
  | {
    readonly kind: 'field';
    readonly letter: string;
    readonly def: LetterDef;
    readonly width: number;
    readonly right: boolean;
    /** Literal text up to the next `%`. */
    readonly suffix: string;
  };

export interface ParsedFormat {
  readonly tokens: readonly SqueueToken[];
  /** Messages for unknown letters (squeue prints `squeue: error: <msg>` and goes on). */
  readonly errors: readonly string[];
}

/**
 * Parse a format the way squeue does: text before the first `%` is a prefix on every line,
 * the rest is split on `%` (runs of `%` count as one, as strtok does), and each piece is
 * `[.][digits]<letter><literal suffix>`. An unknown letter prints its piece literally.
 */
export function parseSqueueFormat(format: string): ParsedFormat {
  if (format.toLowerCase() === '%all') return parseAll();
  const tokens: SqueueToken[] = [];
  const errors: string[] = [];
  const first = format.indexOf('%');
  if (first !== 0) tokens.push({ kind: 'text', text: first < 0 ? format : format.slice(0, first) });
  if (first < 0) return { tokens, errors };
  for (const piece of format.slice(first).split('%')) {
    if (piece === '') continue;
    const m = /^(\.?)(\d*)([\s\S]?)([\s\S]*)$/.exec(piece);
    const letter = m?.[3] ?? '';
    const def = SQUEUE_LETTERS[letter];
    if (m === null || def === undefined) {
      tokens.push({ kind: 'text', text: `%${piece}` });
      errors.push(`Invalid job format specification: ${letter}`);
      continue;
    }
    const width = m[2] === '' || m[2] === undefined ? 0 : Math.min(Number(m[2]), 1 << 20);
    tokens.push({ kind: 'field', letter, def, width, right: m[1] === '.', suffix: m[4] ?? '' });
  }
  return { tokens, errors };
}

/** `%all`: every known letter, a-z then A-Z, `|`-separated, unpadded; unknown ones skipped. */
function parseAll(): ParsedFormat {
  const letters = [...'abcdefghijklmnopqrstuvwxyz', ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
  const known = letters.filter((l) => SQUEUE_LETTERS[l] !== undefined);
  const tokens: SqueueToken[] = known.map((letter, i) => ({
    kind: 'field',
    letter,
    def: SQUEUE_LETTERS[letter] as LetterDef,
    width: 0,
    right: false,
    suffix: i === known.length - 1 ? '' : '|',
  }));
  return { tokens, errors: [] };
}

function renderLine(tokens: readonly SqueueToken[], cell: (t: Extract<SqueueToken, { kind: 'field' }>) => string): string {
  let out = '';
  for (const t of tokens) out += t.kind === 'text' ? t.text : cell(t) + t.suffix;
  return `${out}\n`;
}

export function squeueHeader(tokens: readonly SqueueToken[]): string {
  return renderLine(tokens, (t) => squeueCell(t.def.title, t.width, t.right, t.def.cutTitle));
}

export function squeueRow(tokens: readonly SqueueToken[], job: JobView, now: number): string {
  return renderLine(tokens, (t) => squeueCell(t.def.value(job, now), t.width, t.right, cutsValue(t.letter, t.def, job)));
}

export interface SqueueRenderOptions {
  readonly now: number;
  /** `-h/--noheader` turns this off. */
  readonly header: boolean;
  /** `-l` prints the controller's date first (only with a header). */
  readonly dateLine: boolean;
}

/** The whole squeue output for jobs already selected and sorted (see squeue-select.ts). */
export function renderSqueue(jobs: readonly JobView[], format: string, opts: SqueueRenderOptions): {
  text: string;
  errors: readonly string[];
} {
  const { tokens, errors } = parseSqueueFormat(format);
  let text = opts.header && opts.dateLine ? `${ctimeLine(opts.now)}\n` : '';
  if (opts.header) text += squeueHeader(tokens);
  for (const job of jobs) text += squeueRow(tokens, job, opts.now);
  return { text, errors };
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/**
 * The date line of `squeue -l` / `sinfo -l`, in local time: `Mon Dec 07 18:17:57 2026`. The
 * day is zero-padded (strftime's %d, as Slurm prints it), not space-padded as ctime(3) does.
 */
export function ctimeLine(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '';
  const day = two(d.getDate());
  const hms = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  return `${DAYS[d.getDay()] ?? ''} ${MONTHS[d.getMonth()] ?? ''} ${day} ${hms} ${d.getFullYear()}`;
}
