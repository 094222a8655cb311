// The class of a run for `--escalate-start=auto`: earlier runs "of the same job" are those
// of the same user under the same job name; when the name is only sbatch's default (the
// script's file name, `wrap`, `sbatch` for stdin), the same user's runs of the same script
// text instead, so `sbatch --wrap` of different commands never share a history.

import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { JobRequest } from '../core/job.ts';

type ClassReq = Pick<JobRequest, 'name' | 'script' | 'scriptPath'>;

/** Was the name given by -J/--job-name (or #SBATCH), or is it sbatch's default? */
export function defaultName(req: Pick<JobRequest, 'name' | 'scriptPath'>): boolean {
  if (req.scriptPath === null) return req.name === 'wrap' || req.name === 'sbatch';
  return req.name === basename(req.scriptPath);
}

const cache = new WeakMap<ClassReq, string | null>();

/**
 * `u<uid>:n:<name>` or `u<uid>:s:<sha256 of the script, 16 hex>`; null when the name is the
 * default and the script text is not at hand (a finished job loaded without it).
 */
export function runClass(uid: number, req: ClassReq): string | null {
  let key = cache.get(req);
  if (key === undefined) {
    if (!defaultName(req)) key = `n:${req.name}`;
    else key = req.script === '' ? null : `s:${createHash('sha256').update(req.script).digest('hex').slice(0, 16)}`;
    cache.set(req, key);
  }
  return key === null ? null : `u${uid}:${key}`;
}
