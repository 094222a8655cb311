// `#SBATCH` lines: which lines count and how their text splits into arguments, as Slurm's
// sbatch does it. The arguments of all lines form one argv that goes through getopt, so an
// option on one line may take its value from the next.
//
// Lines: `#SBATCH` (or the legacy `#SLURM`) at column 0, case-sensitive, is a directive;
// a blank line or one whose first non-blank character is `#` is skipped; anything else
// ends the scan. Splitting: blanks separate, '...' and "..." group, a backslash takes the
// next character literally (inside quotes too), an unquoted `#` starts a comment.

import { isCSpace } from './c-number.ts';

export interface DirectiveScan {
  readonly args: string[];
  /** Lines sbatch prints on stderr and carries on (the #SLURM notice). */
  readonly notices: string[];
  /** A fatal split error (`sbatch: fatal: ...`), exit 1. */
  readonly fatal: string | null;
  /** A `hetjob` separator: heterogeneous jobs are not implemented. */
  readonly hetjob: boolean;
}

const SBATCH = '#SBATCH';
const SLURM = '#SLURM';
const HET_WORD = /^(?:hetjob|packjob)(?:[ \t\n\v\f\r]|$)/i;

type Arg = { arg: string | null; end: number } | { fatal: string };

/**
 * One argument of `text`, starting at the beginning of `text` (Slurm's get_argument).
 * arg null = nothing more on this line; that includes `''` (Slurm copies no character,
 * so it reads an empty quoted word as the end of the line).
 */
function nextArgument(label: string, lineno: number, text: string): Arg {
  let i = 0;
  while (isCSpace(text[i])) i++;
  if (HET_WORD.test(text.slice(i))) return { arg: null, end: i };
  if (text[i] === ':') return { fatal: `${label}: line ${lineno}: Unexpected \`:\` in [${text}]` };
  let out: string | null = null;
  let quote: string | null = null;
  let escaped = false;
  for (; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (quote === null && isCSpace(ch)) break;
    if (escaped) {
      escaped = false;
    } else if (ch === '\\') {
      // `\ ` is a literal space (as in Slurm since 24.05; 22.05 ended the word there).
      if (text[i + 1] === ' ') {
        out = (out ?? '') + ' ';
        i++;
      } else {
        escaped = true;
      }
      continue;
    } else if (quote !== null) {
      if (ch === quote) {
        quote = null;
        continue;
      }
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      continue;
    } else if (ch === '#') {
      break;
    }
    out = (out ?? '') + ch;
  }
  if (quote !== null) return { fatal: `${label}: line ${lineno}: Unmatched \`${quote}\` in [${text}]` };
  return { arg: out, end: i };
}

/** Is this non-directive line a command (which ends the directive block)? */
function isCommand(line: string): boolean {
  for (const ch of line) {
    if (isCSpace(ch)) continue;
    return ch !== '#';
  }
  return false;
}

/**
 * Scan a batch script's directives. `label` names the script in fatal messages: its file
 * name, or `stdin`.
 */
export function scanDirectives(script: string, label: string): DirectiveScan {
  const args: string[] = [];
  const notices: string[] = [];
  const lines = script.split('\n');
  // A final newline does not start another line.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  let warnedSlurm = false;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n] ?? '';
    let pos: number;
    if (line.startsWith(SBATCH)) {
      pos = SBATCH.length;
    } else if (line.startsWith(SLURM)) {
      pos = SLURM.length;
      if (!warnedSlurm) {
        notices.push('sbatch: error: Change from #SLURM to #SBATCH in your script and verify the options are valid in sbatch');
        warnedSlurm = true;
      }
    } else if (isCommand(line)) {
      break;
    } else {
      continue;
    }
    while (isCSpace(line[pos])) pos++;
    // Component 0 of a heterogeneous job ends at its first separator.
    if (HET_WORD.test(line.slice(pos))) return { args, notices, fatal: null, hetjob: true };
    for (;;) {
      const r = nextArgument(label, n + 1, line.slice(pos));
      if ('fatal' in r) return { args, notices, fatal: `sbatch: fatal: ${r.fatal}`, hetjob: false };
      if (r.arg === null) break;
      args.push(r.arg);
      pos += r.end;
    }
  }
  return { args, notices, fatal: null, hetjob: false };
}
