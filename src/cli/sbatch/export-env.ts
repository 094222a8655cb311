// The environment sbatch hands to the job (--export, --export-file), plus the variables
// sbatch itself adds for the job, following Slurm 22.05's sbatch:
//   - before capturing, sbatch sets SLURM_JOB_NAME (when a name is known), SLURM_OPEN_MODE
//     (a|t) and SLURM_EXPORT_ENV (the --export value unless ALL; kept if already set) in its
//     own environment, so they travel with ALL and with the SLURM_* pass-through;
//   - ALL (default): everything; NONE: only SLURM* variables, and SLURM_GET_USER_ENV=1;
//     NIL (later Slurm): only SLURM* variables; a list: ALL, VAR and VAR=value items, then
//     every SLURM_* variable, and SLURM_GET_USER_ENV=1;
//   - --export-file: the file's NUL-separated NAME=value entries replace sbatch's own
//     environment (which is emptied first), then --export applies as above;
//   - SLURM_CPUS_PER_TASK (-c), SLURM_NTASKS and SLURM_NPROCS (-n) are always set.
// SLURM_SUBMIT_DIR/HOST are the controller's to add.

import type { ReadFile } from './script.ts';
import { strtol } from './c-number.ts';

export type Env = Record<string, string>;

export interface ExportInput {
  readonly environ: Env;
  readonly exportEnv: string | null;
  readonly exportFile: string | null;
  readonly jobName: string | null;
  readonly openMode: 'append' | 'truncate' | null;
  readonly cpusPerTask: number | null;
  readonly ntasks: number | null;
}

export type ExportResult = { ok: true; env: Env; notices: string[] } | { ok: false; error: string };

/** Slurm's env entry splitter: a name of at most 255 bytes before the first `=`. */
function split(entry: string): [string, string] | null {
  const eq = entry.indexOf('=');
  if (eq < 0 || eq >= 256) return null;
  return [entry.slice(0, eq), entry.slice(eq + 1)];
}

/** Variables Slurm drops from an environment file. */
const DISCARDED = new Set(['DISPLAY', 'ENVIRONMENT', 'HOSTNAME']);

/** NAME=value entries, each ended by a NUL; reading stops at an empty or unterminated one. */
export function parseEnvFile(body: Buffer): Env {
  const env: Env = {};
  const text = body.toString('utf8');
  let pos = 0;
  for (;;) {
    const end = text.indexOf('\0', pos);
    if (end <= pos) break;
    const kv = split(text.slice(pos, end));
    if (kv !== null && !DISCARDED.has(kv[0])) env[kv[0]] = kv[1];
    pos = end + 1;
  }
  return env;
}

/** A number of 3 or more names an open file descriptor (Linux: /dev/fd/N). */
function readEnvFile(name: string, cwd: string, readFile: ReadFile): Buffer | null {
  const fd = strtol(name);
  if (fd.end === name.length && fd.value >= 3n) {
    const body = readFile(`/dev/fd/${fd.value}`);
    if (Buffer.isBuffer(body)) return body;
  }
  const body = readFile(name.startsWith('/') ? name : `${cwd}/${name}`);
  return Buffer.isBuffer(body) ? body : null;
}

/**
 * Slurm's find_quote_token over the --export list: comma-separated, commas inside quotes do
 * not split, a token wholly wrapped in one kind of quote loses them.
 */
export function exportTokens(list: string): { tokens: string[]; notices: string[] } {
  const tokens: string[] = [];
  const notices: string[] = [];
  let pos = 0;
  while (pos < list.length) {
    let single = false;
    let double = false;
    let i = pos;
    for (; i < list.length; i++) {
      const ch = list[i];
      if (ch === "'") single = !single;
      else if (ch === '"') double = !double;
      else if (ch === ',' && !single && !double) break;
    }
    let tok = list.slice(pos, i);
    if (single || double) {
      notices.push(`sbatch: error: Improperly formed environment variable (${tok})`);
    } else if (tok.length >= 2 && (tok[0] === "'" || tok[0] === '"') && tok.endsWith(tok[0])) {
      tok = tok.slice(1, -1);
    }
    tokens.push(tok);
    pos = i + 1;
  }
  return { tokens, notices };
}

const slurmOnly = (environ: Env, prefix: string): Env =>
  Object.fromEntries(Object.entries(environ).filter(([k]) => k.startsWith(prefix)));

export function buildJobEnv(input: ExportInput, cwd: string, readFile: ReadFile): ExportResult {
  let environ: Env = { ...input.environ };
  if (input.jobName !== null) environ.SLURM_JOB_NAME = input.jobName;
  if (input.openMode !== null) environ.SLURM_OPEN_MODE = input.openMode === 'append' ? 'a' : 't';
  const mode = input.exportEnv;
  if (mode !== null && mode.toUpperCase() !== 'ALL' && environ.SLURM_EXPORT_ENV === undefined) {
    environ.SLURM_EXPORT_ENV = mode;
  }
  let env: Env = {};
  if (input.exportFile !== null) {
    const body = readEnvFile(input.exportFile, cwd, readFile);
    if (body === null) return { ok: false, error: `Could not open user environment file ${input.exportFile}` };
    env = parseEnvFile(body);
    environ = {};
  }
  const notices: string[] = [];
  let getUserEnv = false;
  const upper = mode?.toUpperCase() ?? 'ALL';
  if (upper === 'ALL') {
    Object.assign(env, environ);
  } else if (upper === 'NONE' || upper === 'NIL') {
    env = slurmOnly(environ, 'SLURM');
    getUserEnv = upper === 'NONE';
  } else {
    const parsed = exportTokens(mode ?? '');
    notices.push(...parsed.notices);
    for (const tok of parsed.tokens) {
      if (tok.toUpperCase() === 'ALL') {
        Object.assign(env, environ);
      } else if (tok.includes('=')) {
        const kv = split(tok);
        if (kv !== null) env[kv[0]] = kv[1];
      } else if (environ[tok] !== undefined) {
        env[tok] = environ[tok];
      }
    }
    Object.assign(env, slurmOnly(environ, 'SLURM_'));
    getUserEnv = true;
  }
  if (getUserEnv) env.SLURM_GET_USER_ENV = '1';
  if (input.cpusPerTask !== null) env.SLURM_CPUS_PER_TASK = String(input.cpusPerTask);
  if (input.ntasks !== null && input.ntasks > 0) {
    env.SLURM_NPROCS = String(input.ntasks);
    env.SLURM_NTASKS = String(input.ntasks);
  }
  return { ok: true, env, notices };
}
