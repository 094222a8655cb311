// The CLI's connection to the controller: read ratchet.conf (RATCHET_CONF), state who we
// are, and turn transport failures into Slurm-style messages.

import { loadConfigFile } from '../api/config-file.ts';
import type { RatchetConfig } from '../core/config-model.ts';
import { callLite, streamLite } from '../lib/http-lite.ts';
import { HttpError } from '../lib/http-error.ts';
import { confPath } from '../lib/conf-file.ts';
import { authHeaders } from '../lib/auth-header.ts';
import type { ErrorBody } from '../api/wire.ts';
import type { Job } from '../core/job.ts';
import type { CompactJobs } from '../api/job-codec.ts';

export class CliError extends Error {
  readonly lines: string[];
  readonly code: number;

  constructor(lines: string[], code: number) {
    super(lines.join('\n'));
    this.lines = lines;
    this.code = code;
  }
}

let cached: RatchetConfig | null = null;

export function config(prog: string): RatchetConfig {
  if (cached !== null) return cached;
  const file = confPath([], process.env);
  const parsed = loadConfigFile(file);
  if (!parsed.ok && parsed.unreadable) {
    throw new CliError([`${prog}: error: Unable to read configuration file ${file} (set RATCHET_CONF)`], 1);
  }
  if (!parsed.ok) throw new CliError([`${prog}: error: ${parsed.error}`], 1);
  cached = parsed.config;
  return cached;
}


/** The munge credential for one call; munged unreachable -> CliError in Slurm's words. */
async function credential(prog: string, cfg: RatchetConfig, method: 'GET' | 'POST', path: string): Promise<Record<string, string>> {
  try {
    return await authHeaders(cfg, method, path);
  } catch (e) {
    throw new CliError([`${prog}: error: Munge encode failed: ${(e as Error).message}`, `${prog}: error: authentication: Socket communication error`], 1);
  }
}

/**
 * A controller that answered with an error stays an HttpError, and an error already worded
 * stays as it is; no answer at all is Slurm's connect failure.
 */
function transportError(prog: string, e: unknown): Error {
  return e instanceof HttpError || e instanceof CliError ? e : new CliError([`${prog}: error: Unable to contact slurm controller (connect failure)`], 1);
}

/** A bulk query's failure: the controller's error as `<prog>: error: ...` lines, else as transportError. */
function bulkError(prog: string, e: unknown): Error {
  const body = errorBody(e);
  if (body === null) return transportError(prog, e);
  return new CliError([`${prog}: error: ${body.error}`, ...(body.detail ?? []).map((d) => `${prog}: error: ${d}`)], 1);
}

/** Call the controller. Controller errors come back as ErrorBody; no controller -> CliError. */
export async function request<T>(prog: string, path: string, body?: unknown): Promise<T> {
  const cfg = config(prog);
  const headers = await credential(prog, cfg, body === undefined ? 'GET' : 'POST', path);
  try {
    return await callLite<T>(cfg.controlHost, cfg.controlPort, path, body, { headers, timeoutMs: 60_000 });
  } catch (e) {
    throw transportError(prog, e);
  }
}

/** A bulk query in the compact form (fmt=t, api/job-codec.ts), decoded; a controller error as `<prog>: error: ...`. */
export async function requestJobs(prog: string, path: string): Promise<{ now: number; jobs: Job[] }> {
  // Loaded here, while the request is in flight: sbatch, which never decodes jobs, is spared it.
  const codec = import('../api/job-codec.ts');
  let r: CompactJobs;
  try {
    r = await request<CompactJobs>(prog, `${path}${path.includes('?') ? '&' : '?'}fmt=t`);
  } catch (e) {
    throw bulkError(prog, e);
  }
  return { now: r.now, jobs: (await codec).decodeJobs(r) };
}

/**
 * A bulk query in the streamed form (fmt=l, api/job-codec.ts): each line to `onLine` as it
 * arrives; errors as requestJobs' are.
 */
export async function requestLines(prog: string, path: string, onLine: (line: string) => void): Promise<void> {
  const cfg = config(prog);
  const full = `${path}${path.includes('?') ? '&' : '?'}fmt=l`;
  const headers = await credential(prog, cfg, 'GET', full);
  // A failure of the caller's own line handling is the caller's, not the transport's.
  const own: unknown[] = [];
  const guarded = (line: string): void => {
    try {
      onLine(line);
    } catch (e) {
      own.push(e);
      throw e;
    }
  };
  try {
    await streamLite(cfg.controlHost, cfg.controlPort, full, guarded, { headers, timeoutMs: 60_000 });
  } catch (e) {
    throw own.length > 0 ? own[0] : bulkError(prog, e);
  }
}

export function errorBody(e: unknown): ErrorBody | null {
  if (e instanceof HttpError && typeof e.body === 'object' && e.body !== null && 'error' in e.body) return e.body as ErrorBody;
  return null;
}

/** Run a command main: print CliErrors the Slurm way and set the exit code. */
export async function runCli(fn: () => Promise<number | void>): Promise<void> {
  try {
    const code = await fn();
    if (typeof code === 'number') process.exitCode = code;
  } catch (e) {
    if (e instanceof CliError) {
      if (e.lines.length > 0) process.stderr.write(`${e.lines.join('\n')}\n`);
      process.exitCode = e.code;
      return;
    }
    throw e;
  }
}
