// Kernel-facing helpers for the node agent: read/write pseudo-files (cgroupfs, /proc),
// signal processes without throwing, and tell a real cgroup filesystem from a fake one.
// Everything here treats "the process is already gone" as a normal outcome, because in a
// job's life it always is one: processes exit between listing and signalling them.

import * as fs from 'node:fs';
import { constants } from 'node:os';

export const SIG = {
  HUP: 1,
  INT: 2,
  KILL: 9,
  USR1: 10,
  TERM: 15,
  CONT: 18,
  STOP: 19,
} as const;

/** Reads a small kernel file; null when it does not exist or cannot be read. */
export function readText(path: string): string | null {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Writes a kernel control file. Errors carry the path, since errno alone says little. */
export function writeText(path: string, text: string): void {
  try {
    fs.writeFileSync(path, text);
  } catch (err) {
    throw new Error(`write ${path} (${JSON.stringify(text)}): ${errText(err)}`, { cause: err });
  }
}

export function exists(path: string): boolean {
  return fs.existsSync(path);
}

/** `key value` lines (cpu.stat, memory.events, memory.oom_control, cpuacct.stat) as a map. */
export function parseKeyed(text: string | null): Map<string, number> {
  const out = new Map<string, number>();
  if (text === null) return out;
  for (const line of text.split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k === undefined || v === undefined) continue;
    const n = Number(v);
    if (Number.isFinite(n)) out.set(k, n);
  }
  return out;
}

/** A file holding one integer (memory.peak, memory.max_usage_in_bytes); null if absent/bad. */
export function readInt(path: string): number | null {
  const t = readText(path);
  if (t === null) return null;
  const n = Number(t.trim());
  return Number.isFinite(n) ? n : null;
}

/** cgroup.procs: one pid per line. */
export function readPids(path: string): number[] {
  const t = readText(path);
  if (t === null) return [];
  const out: number[] = [];
  for (const line of t.split('\n')) {
    const n = Number(line.trim());
    if (line.trim() !== '' && Number.isInteger(n) && n > 0) out.push(n);
  }
  return out;
}

/** kill(2) that reports whether the signal was delivered instead of throwing on ESRCH/EPERM. */
export function sendSignal(pid: number, sig: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

/** The parent pid of a process (field 4 of /proc/<pid>/stat); null when it is gone. */
export function parentOf(pid: number): number | null {
  const t = readText(`/proc/${pid}/stat`);
  if (t === null) return null;
  const ppid = Number(t.slice(t.lastIndexOf(')') + 2).split(' ')[1]);
  return Number.isInteger(ppid) ? ppid : null;
}

/**
 * `pids` ordered so that a process comes after its parent, when both are in the list. Sent
 * in this order, a SIGKILL reaches a shell before its children, so no shell of the job lives
 * to report "Killed" for a child (Slurm freezes the cgroup around the kill for the same
 * effect). Pids are not in age order: they wrap (pid_max is 32768 on many systems).
 */
export function parentsFirst(pids: readonly number[], ppidOf: (pid: number) => number | null = parentOf): number[] {
  const parent = new Map(pids.map((p) => [p, ppidOf(p)] as const));
  const depth = new Map<number, number>();
  const depthOf = (p: number, seen: Set<number>): number => {
    const known = depth.get(p);
    if (known !== undefined) return known;
    const pp = parent.get(p);
    const d = pp !== undefined && pp !== null && parent.has(pp) && !seen.has(pp) ? depthOf(pp, seen.add(p)) + 1 : 0;
    depth.set(p, d);
    return d;
  };
  return pids.map((p, i) => ({ p, i, d: depthOf(p, new Set()) })).sort((a, b) => a.d - b.d || a.i - b.i).map((x) => x.p);
}

/** Signal a whole process group (negative pid). */
export function signalGroup(pgid: number, sig: number): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, sig);
    return true;
  } catch {
    return false;
  }
}

/** The one-letter state of /proc/<pid>/stat (R S D T Z ...); null when the pid is gone. */
export function procState(pid: number): string | null {
  const t = readText(`/proc/${pid}/stat`);
  if (t === null) return null;
  // The command name is in parentheses and may itself contain ') ', so split at the last one.
  const close = t.lastIndexOf(')');
  if (close < 0) return null;
  const rest = t.slice(close + 2);
  return rest.charAt(0) || null;
}

/** Node reports a terminating signal by name; the evidence wants its number. */
export function signalNumber(name: NodeJS.Signals | null | undefined): number | null {
  if (name === null || name === undefined) return null;
  const n = (constants.signals as Record<string, number | undefined>)[name];
  return n ?? null;
}

export function errText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code !== undefined && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

export function errCode(err: unknown): string | undefined {
  return err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const CGROUP_SUPER_MAGIC = 0x27e0eb;
const CGROUP2_SUPER_MAGIC = 0x63677270;

/**
 * True when `path` is on a real cgroup filesystem. A fake root (a temp dir used by unit
 * tests) holds ordinary files, so a job directory there must be removed recursively, while
 * on cgroupfs rmdir is the only legal removal.
 */
export function isCgroupFs(path: string): boolean {
  try {
    const t = fs.statfsSync(path).type;
    return t === CGROUP_SUPER_MAGIC || t === CGROUP2_SUPER_MAGIC;
  } catch {
    return false;
  }
}

/**
 * Removes a cgroup directory. On cgroupfs rmdir fails with EBUSY while tasks (or dying
 * tasks the kernel has not released yet) remain, so retry briefly; `beforeRetry` lets the
 * caller kill stragglers between attempts. Resolves false if it gave up.
 */
export async function removeCgroupDir(path: string, real: boolean, beforeRetry: () => void, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
    try {
      // Off the event loop: an rmdir can wait on the kernel's cgroup lock or the journal.
      if (real) await fs.promises.rmdir(path);
      else await fs.promises.rm(path, { recursive: true, force: true });
      return true;
    } catch (err) {
      if (errCode(err) === 'ENOENT') return true;
      if (Date.now() >= deadline) return false;
    }
    beforeRetry();
    await sleep(delay);
  }
}

/**
 * One rmdir of a cgroup directory, off the event loop: true when it is gone (or was never
 * there), false when the kernel refused (tasks or child cgroups left: EBUSY).
 */
export async function rmdirOnce(path: string): Promise<boolean> {
  try {
    await fs.promises.rmdir(path);
    return true;
  } catch (err) {
    return errCode(err) === 'ENOENT';
  }
}

/** The session id of a process (field 6 of /proc/<pid>/stat); null when it is gone. */
export function sessionOf(pid: number): number | null {
  const t = readText(`/proc/${pid}/stat`);
  if (t === null) return null;
  const f = t.slice(t.lastIndexOf(')') + 2).split(' ');
  const sid = Number(f[3]);
  return Number.isInteger(sid) ? sid : null;
}
