// Job cgroups for the node agent: one interface, two drivers (cgroup v1 hybrid layout and
// pure cgroup v2), chosen once at agent start by detectCgroups().
//
// Layout: every agent owns a per-node parent so several agents can share one machine
// (tests run n1, n2... side by side), and each job run gets its own child:
//   v2: <root>/ratchet_<node>/job_<id>
//   v1: <root>/<controller>/ratchet_<node>/job_<id> for memory, freezer, cpuacct, pids
// The cgroup is the job's process container: limits, OOM counter, peak memory, CPU time,
// freezer and "kill everything" all come from it, so evidence is the kernel's, not guessed.
//
// Test hooks: detectCgroups() accepts any root, so unit tests point it at a temp directory
// holding the control files (a "fake root"); removal then deletes recursively.

import * as path from 'node:path';
import { SIG, exists, readText, sleep } from './proc.ts';
import { V1Driver, V1_CONTROLLERS } from './cgroup-v1.ts';
import { V2Driver } from './cgroup-v2.ts';

export interface CpuUsage {
  /** Seconds of user and system CPU time consumed by every process that ran in the cgroup. */
  readonly user: number;
  readonly system: number;
}

export interface JobCgroup {
  /** The main directory (v2: the job cgroup; v1: the memory, else first, hierarchy's). */
  readonly path: string;
  /** Files a launcher writes its own pid into to join the job (one per v1 hierarchy). */
  readonly procFiles: readonly string[];
  /** Whether a kernel freezer is available (else suspend falls back to SIGSTOP). */
  readonly canFreeze: boolean;
  addProcess(pid: number): void;
  /** Pids of every process currently in the job (all hierarchies for v1). */
  procs(): number[];
  /** Bytes; null removes the limit. Throws when the memory controller is unavailable. */
  setMemoryLimit(bytes: number | null): void;
  /** The kernel's oom_kill counter for this cgroup. */
  oomKills(): number;
  /** High-water mark of memory use in bytes; null when not measurable. */
  peakBytes(): number | null;
  /** Samples memory use where the kernel keeps no high-water mark (v2 without memory.peak). */
  sample(): void;
  cpuUsage(): CpuUsage;
  freeze(): void;
  thaw(): void;
  /** Whether the freezer reports the cgroup fully frozen. */
  frozen(): boolean;
  /** Sends `signal` to every process in the job; returns how many were signalled. */
  killAll(signal: number): number;
  /** Kills stragglers, waits for the cgroup to empty and removes it (every hierarchy). */
  remove(): Promise<void>;
  /**
   * A step's cgroup inside this one (`step_<n>`), created fresh: its own OOM counter, peak
   * memory and CPU time under the job's limits. The job's procs/killAll/freeze cover it.
   */
  child(name: string): JobCgroup;
  /** Whether this cgroup's oom_kill counter also counts kills inside its children (v2). */
  readonly countsChildOoms: boolean;
}

export interface CgroupDriver {
  readonly kind: 'v1' | 'v2';
  readonly root: string;
  /**
   * Creates a fresh cgroup for one run of a job. A leftover cgroup of the same job (an
   * earlier attempt the agent lost track of) is emptied and replaced, so counters such as
   * oom_kill never carry over from a previous run.
   */
  create(node: string, jobId: number, attempt: number): Promise<JobCgroup>;
  /** Job ids that have a cgroup under this node's parent. */
  list(node: string): number[];
  /** Kills and removes every job cgroup of this node (agent start); returns how many. */
  cleanupStale(node: string): Promise<number>;
}

export interface DetectOptions {
  /**
   * v2 only: set memory.oom.group=1 so an OOM kills the whole job. Off by default because
   * Slurm 22.05 kills only the offending process: golden a_oom a2 shows the batch script
   * going on after its python3 child was OOM-killed.
   */
  readonly oomGroup?: boolean;
}

export class CgroupError extends Error {
  override readonly name = 'CgroupError';
}

const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** `ratchet_<node>`: the per-node parent directory name. */
export function nodeDirName(node: string): string {
  if (!NODE_NAME.test(node) || node.length > 200) throw new CgroupError(`invalid node name for a cgroup: ${JSON.stringify(node)}`);
  return `ratchet_${node}`;
}

/** `job_<id>`: the job directory name. */
export function jobDirName(jobId: number): string {
  if (!Number.isSafeInteger(jobId) || jobId <= 0) throw new CgroupError(`invalid job id for a cgroup: ${jobId}`);
  return `job_${jobId}`;
}

/** Parses a `job_<id>` directory name back; null for anything else. */
export function parseJobDirName(name: string): number | null {
  const m = /^job_([1-9][0-9]*)$/.exec(name);
  return m === null ? null : Number(m[1]);
}

/**
 * Picks the driver for this machine. Pure v2: `<root>/cgroup.controllers` exists (root is a
 * cgroup2 mount). Legacy/hybrid: v1 controllers mounted as `<root>/<controller>` (memory,
 * freezer, cpuacct, pids); the empty cgroup2 at `<root>/unified` of a hybrid system holds
 * no controllers and is not used. A hybrid system whose unified mount does hold the memory
 * controller gets the v2 driver there.
 */
export function detectCgroups(root = '/sys/fs/cgroup', opts: DetectOptions = {}): CgroupDriver {
  if (exists(path.join(root, 'cgroup.controllers'))) return new V2Driver(root, opts.oomGroup ?? false);
  const v1 = V1_CONTROLLERS.filter((c) => exists(path.join(root, c, 'cgroup.procs')));
  if (v1.length > 0) return new V1Driver(root, v1);
  const unified = path.join(root, 'unified');
  const ctl = readText(path.join(unified, 'cgroup.controllers'));
  if (ctl !== null && ctl.split(/\s+/).includes('memory')) return new V2Driver(unified, opts.oomGroup ?? false);
  throw new CgroupError(`no usable cgroup hierarchy under ${root} (neither cgroup2 with cgroup.controllers nor v1 controllers ${V1_CONTROLLERS.join(', ')})`);
}

/** The kernel's account of a finished job: OOM kills, peak memory, CPU time. */
export function cgroupEvidence(cg: JobCgroup): { oomKills: number; peak: number | null; cpu: CpuUsage } {
  return { oomKills: cg.oomKills(), peak: cg.peakBytes(), cpu: cg.cpuUsage() };
}

/** SIGKILL whatever is left in a job cgroup until it is empty, for at most `timeoutMs`. */
export async function drainCgroup(cg: JobCgroup, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (cg.procs().length > 0 && Date.now() < deadline) {
    cg.killAll(SIG.KILL);
    await sleep(20);
  }
}

/**
 * A start-up hint for the admin, from /proc/mounts: moving a process into a cgroup (the
 * launcher does it for every job, v1 or v2) takes the kernel's global threadgroup lock for
 * writing, which on an idle machine first waits for an RCU grace period (about 20 ms here,
 * most of an idle job's start). A cgroup2 mount with `favordynmods` keeps that lock in its
 * writer-friendly mode for every hierarchy. Null when it is set or there is no cgroup2 mount.
 */
export function favorDynmodsHint(mounts: string): string | null {
  const v2 = mounts.split('\n').map((l) => l.split(' ')).filter((f) => f[2] === 'cgroup2');
  if (v2.length === 0 || v2.some((f) => (f[3] ?? '').split(',').includes('favordynmods'))) return null;
  const at = v2[0]?.[1] ?? '/sys/fs/cgroup';
  return 'moving each job into its cgroup waits for an RCU grace period when the node is idle; ' +
    `\`mount -o remount,favordynmods ${at}\` (kernel 6.0+) removes that wait for every job start`;
}
