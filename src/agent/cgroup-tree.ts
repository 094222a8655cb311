// Step cgroups live inside their job's cgroup (`job_<id>/step_<n>`), so "every process of
// the job" means the job directory and all directories below it: cgroup.procs lists only a
// directory's own members, and rmdir refuses a directory that still has children.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { readPids } from './proc.ts';

/** Every directory below `dir`, deepest first (the order rmdir needs). */
export function descendants(dir: string): string[] {
  const out: string[] = [];
  let names: fs.Dirent[];
  try {
    names = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const d of names) {
    if (!d.isDirectory()) continue;
    const sub = path.join(dir, d.name);
    out.push(...descendants(sub), sub);
  }
  return out;
}

/** Pids in `dir` and every directory below it. */
export function treePids(dir: string): number[] {
  const all = new Set<number>(readPids(path.join(dir, 'cgroup.procs')));
  for (const sub of descendants(dir)) for (const p of readPids(path.join(sub, 'cgroup.procs'))) all.add(p);
  return [...all];
}

/** `step_<n>` / `step_batch`: a step's directory name inside its job's cgroup. */
export function stepDirName(step: number | string): string {
  const s = String(step);
  if (!/^(?:[0-9]{1,9}|batch|extern)$/.test(s)) throw new Error(`invalid step id for a cgroup: ${s}`);
  return `step_${s}`;
}
