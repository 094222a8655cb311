// ratchet.conf lexing (slurm.conf syntax): comments, continuation lines, `Key=Value`
// pairs, and the value readers that turn a bad value into a Fault with its line number.

/** A bad value: thrown inside the parser only, returned to callers as { ok: false }. */
export class Fault {
  readonly line: number;
  readonly reason: string;
  constructor(line: number, reason: string) {
    this.line = line;
    this.reason = reason;
  }
}

export interface Pair {
  readonly key: string;
  readonly lower: string;
  readonly value: string;
}
export type Table = ReadonlyMap<string, Pair>;

function stripComment(line: string): string {
  let backslashes = 0;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '#' && backslashes % 2 === 0) return line.slice(0, i);
    backslashes = ch === '\\' ? backslashes + 1 : 0;
  }
  return line;
}

/** The line without its continuation backslash (and trailing blanks), or null if none. */
function continued(line: string): string | null {
  let i = line.length - 1;
  let bs = 0;
  for (; i >= 0; i--) {
    const ch = line[i] ?? '';
    if (ch === '\\') bs++;
    else if (/\s/.test(ch) && bs === 0) continue;
    else break;
  }
  return bs % 2 === 1 ? line.slice(0, i + bs) : null;
}

/** Logical lines with the number of their first physical line. */
export function logicalLines(text: string): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  let buf = '';
  let start = 0;
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    if (buf === '' && start === 0) start = i + 1;
    const line = stripComment(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
    const cont = continued(line);
    if (cont !== null && i < lines.length - 1) {
      buf += cont;
      return;
    }
    out.push({ line: start, text: (buf + (cont ?? line)).replace(/\\(.?)/gs, '$1') });
    buf = '';
    start = 0;
  });
  return out;
}

const PAIR = /^\s*([A-Za-z0-9_.]+)\s*([-*+/]?)=\s*(?:"([^"]*)"|(\S+))(?=\s|$)/;

export function pairsOf(text: string, line: number): Pair[] {
  const out: Pair[] = [];
  let rest = text;
  for (let m = PAIR.exec(rest); m; m = PAIR.exec(rest)) {
    const key = m[1] ?? '';
    if (m[2]) throw new Fault(line, `operator "${m[2]}=" is not supported (${key})`);
    out.push({ key, lower: key.toLowerCase(), value: m[3] ?? m[4] ?? '' });
    rest = rest.slice(m[0].length);
  }
  if (rest.trim() !== '') {
    if (/^\s*include\s/i.test(rest)) throw new Fault(line, 'Include is not supported');
    throw new Fault(line, `Parse error: "${rest.trim()}"`);
  }
  return out;
}

// ---- values ------------------------------------------------------------------------------

/** s_p_handle_uint16/32/64: strtoul base 0, optional K (x1024) for 32/64, UNLIMITED/INFINITE. */
export function unsigned(p: Pair, line: number, bits: 16 | 32 | 64): number | 'INFINITE' {
  const v = p.value;
  if (/^(unlimited|infinite)$/i.test(v)) return 'INFINITE';
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)([kK]?)$/.exec(v);
  if (!m || (m[3] && bits === 16)) throw new Fault(line, `${p.key} value "${v}" is not a valid number`);
  if (m[1] === '-') throw new Fault(line, `${p.key} value (${v}) is less than zero`);
  const digits = m[2] ?? '0';
  let n = /^0[xX]/.test(digits) ? Number.parseInt(digits.slice(2), 16)
    : digits.length > 1 && digits.startsWith('0') ? Number.parseInt(digits, 8) : Number(digits);
  if (m[3]) n *= 1024;
  const max = bits === 64 ? Number.MAX_SAFE_INTEGER : 2 ** bits - 1;
  if (!Number.isSafeInteger(n) || n > max) throw new Fault(line, `${p.key} value (${v}) is out of range`);
  return n;
}

export const finite = (n: number | 'INFINITE', infinite: number): number => (n === 'INFINITE' ? infinite : n);

/** s_p_handle_boolean. */
export function boolean(p: Pair, line: number): boolean {
  const v = p.value.toLowerCase();
  if (['yes', 'up', 'true', '1'].includes(v)) return true;
  if (['no', 'down', 'false', '0'].includes(v)) return false;
  throw new Fault(line, `"${p.value}" is not a valid option for "${p.key}"`);
}

export function port(p: Pair, line: number): number {
  const m = /^(\d+)(-\d+)?$/.exec(p.value);
  const n = Number(m?.[1]);
  if (!m || !Number.isInteger(n) || n < 1 || n > 65535) throw new Fault(line, `Invalid ${p.key} ${p.value}`);
  return n;
}

export function nonEmpty(p: Pair, line: number): string {
  if (p.value === '') throw new Fault(line, `${p.key} may not be empty`);
  return p.value;
}

