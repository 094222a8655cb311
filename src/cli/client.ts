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
import { decodeJobs } from '../api/job-codec.ts';
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


/** Call the controller. Controller errors come back as ErrorBody; no controller -> CliError. */
export async function request<T>(prog: string, path: string, body?: unknown): Promise<T> {
  const cfg = config(prog);
  let headers: Record<string, string>;
  try {
    headers = await authHeaders(cfg, body === undefined ? 'GET' : 'POST', path);
  } catch (e) {
    throw new CliError([`${prog}: error: Munge encode failed: ${(e as Error).message}`, `${prog}: error: authentication: Socket communication error`], 1);
  }
  try {
    return await callLite<T>(cfg.controlHost, cfg.controlPort, path, body, { headers, timeoutMs: 60_000 });
  } catch (e) {
    if (e instanceof HttpError) throw e;
    throw new CliError([`${prog}: error: Unable to contact slurm controller (connect failure)`], 1);
  }
}

/** A bulk query in the compact form (fmt=t, api/job-codec.ts), decoded; a controller error as `<prog>: error: ...`. */
export async function requestJobs(prog: string, path: string): Promise<{ now: number; jobs: Job[] }> {
  const r = await requestCompact(prog, path);
  return { now: r.now, jobs: decodeJobs(r) };
}

/**
 * A bulk query in the streamed form (fmt=l, api/job-codec.ts): each line to `onLine` as it
 * arrives; errors as request's and requestJobs' are.
 */
export async function requestLines(prog: string, path: string, onLine: (line: string) => void): Promise<void> {
  const cfg = config(prog);
  const full = `${path}${path.includes('?') ? '&' : '?'}fmt=l`;
  let headers: Record<string, string>;
  try {
    headers = await authHeaders(cfg, 'GET', full);
  } catch (e) {
    throw new CliError([`${prog}: error: Munge encode failed: ${(e as Error).message}`, `${prog}: error: authentication: Socket communication error`], 1);
  }
  // A failure of the caller's own line handling is the caller's, not the transport's.
  let own: { e: unknown } | null = null;
  const guarded = (line: string): void => {
    try {
      onLine(line);
    } catch (e) {
      own = { e };
      throw e;
    }
  };
  try {
    await streamLite(cfg.controlHost, cfg.controlPort, full, guarded, { headers, timeoutMs: 60_000 });
  } catch (e) {
    if (own !== null) throw (own as { e: unknown }).e;
    const body = errorBody(e);
    if (body !== null) throw new CliError([`${prog}: error: ${body.error}`, ...(body.detail ?? []).map((d) => `${prog}: error: ${d}`)], 1);
    if (e instanceof HttpError) throw e;
    throw new CliError([`${prog}: error: Unable to contact slurm controller (connect failure)`], 1);
  }
}

/** requestJobs, left in the compact form for callers that decode as they go. */
export async function requestCompact(prog: string, path: string): Promise<CompactJobs> {
  try {
    return await request<CompactJobs>(prog, `${path}${path.includes('?') ? '&' : '?'}fmt=t`);
  } catch (e) {
    const body = errorBody(e);
    if (body === null) throw e;
    throw new CliError([`${prog}: error: ${body.error}`, ...(body.detail ?? []).map((d) => `${prog}: error: ${d}`)], 1);
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
