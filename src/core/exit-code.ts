// Exit statuses and signals: Slurm's `N:S` ExitCode, the wait-status word it is stored as,
// sacct's folding of codes >= 128, signal names as strsignal(3) prints them (glibc, Linux
// x86_64) and the signal names Slurm's options accept.

import type { ExitStatus } from './job.ts';

/** slurmstepd reports an OOM-killed step as wait status 253 (SIG_OOM): signal 125. */
export const OOM_EXIT: ExitStatus = { code: 0, signal: 125 };

/** From a child's exit: exited -> `code:0`, killed by a signal -> `0:signal`. */
export function exitFromWait(code: number | null, signal: number | null): ExitStatus {
  if (signal !== null && signal !== 0) return { code: 0, signal };
  return { code: code ?? 0, signal: 0 };
}

/** A POSIX wait status (low 7 bits signal, bits 8-15 exit status) as Slurm stores it. */
export function fromWaitStatus(status: number): ExitStatus {
  const sig = status & 0x7f;
  // WIFSIGNALED: a signal number other than 0 and other than 0x7f (stopped).
  if (sig !== 0 && sig !== 0x7f) return { code: 0, signal: sig };
  return { code: (status >> 8) & 0xff, signal: 0 };
}

export function toWaitStatus(e: ExitStatus): number {
  return e.signal !== 0 ? e.signal & 0x7f : (e.code & 0xff) << 8;
}

export function formatExit(e: ExitStatus): string {
  return `${e.code}:${e.signal}`;
}

/**
 * sacct's ExitCode column (job and step rows): WEXITSTATUS, minus 128 when >= 128, so a
 * script whose last command died of SIGKILL (exit 137) shows `9:0` while scontrol shows
 * `137:0`. The signal half is untouched; DerivedExitCode is printed without this fold.
 */
export function sacctExit(e: ExitStatus): ExitStatus {
  if (e.signal !== 0) return { code: 0, signal: e.signal };
  return { code: e.code >= 128 ? e.code - 128 : e.code, signal: 0 };
}

const DESCRIPTIONS: readonly string[] = [
  'Hangup', 'Interrupt', 'Quit', 'Illegal instruction', 'Trace/breakpoint trap', 'Aborted',
  'Bus error', 'Floating point exception', 'Killed', 'User defined signal 1',
  'Segmentation fault', 'User defined signal 2', 'Broken pipe', 'Alarm clock', 'Terminated',
  'Stack fault', 'Child exited', 'Continued', 'Stopped (signal)', 'Stopped',
  'Stopped (tty input)', 'Stopped (tty output)', 'Urgent I/O condition',
  'CPU time limit exceeded', 'File size limit exceeded', 'Virtual timer expired',
  'Profiling timer expired', 'Window changed', 'I/O possible', 'Power failure',
  'Bad system call',
];
/** glibc keeps 32 and 33 for itself: its SIGRTMIN is 34. */
const SIGRTMIN = 34;
const SIGRTMAX = 64;

/** strsignal(3): `Killed`, `Terminated`, `Real-time signal 0`, `Unknown signal 125`. */
export function signalName(sig: number): string {
  const text = Number.isInteger(sig) && sig >= 1 ? DESCRIPTIONS[sig - 1] : undefined;
  if (text !== undefined) return text;
  if (Number.isInteger(sig) && sig >= SIGRTMIN && sig <= SIGRTMAX) return `Real-time signal ${sig - SIGRTMIN}`;
  return `Unknown signal ${sig}`;
}

/** The names Slurm's options accept (sig_name2num), with Linux x86_64 numbers. */
export const SIGNAL_NUMBERS: Readonly<Record<string, number>> = {
  HUP: 1, INT: 2, QUIT: 3, ABRT: 6, KILL: 9, ALRM: 14, TERM: 15, USR1: 10, USR2: 12,
  URG: 23, CONT: 18, STOP: 19, TSTP: 20, TTIN: 21, TTOU: 22, XCPU: 24,
};

const SPACE = /^[ \t\n\v\f\r]*$/;

/**
 * `--signal=` / `scancel -s`: a number, or one of Slurm's names with an optional `SIG`
 * prefix, case-insensitive, surrounding whitespace allowed. Null when Slurm would say
 * "Unknown job signal" or the number is not a Linux signal (1-64).
 */
export function parseSignal(s: string): number | null {
  const num = /^[ \t\n\v\f\r]*([-+]?\d+)(.*)$/s.exec(s);
  if (num) {
    if (!SPACE.test(num[2] ?? '')) return null;
    const n = Number(num[1]);
    return Number.isInteger(n) && n >= 1 && n <= SIGRTMAX ? n : null;
  }
  let name = s.replace(/^[ \t\n\v\f\r]+/, '').toUpperCase();
  if (name.startsWith('SIG')) name = name.slice(3);
  name = name.replace(/[ \t\n\v\f\r]+$/, '');
  return Object.hasOwn(SIGNAL_NUMBERS, name) ? (SIGNAL_NUMBERS[name] ?? null) : null;
}

/** sig_num2name: Slurm's short name (`USR1`) or the number as text. */
export function signalAbbrev(sig: number): string {
  for (const [name, n] of Object.entries(SIGNAL_NUMBERS)) if (n === sig) return name;
  return String(sig);
}
