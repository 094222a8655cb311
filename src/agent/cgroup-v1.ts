// cgroup v1 driver (legacy and hybrid layouts): the job gets a directory in each mounted
// hierarchy it uses, <root>/<controller>/ratchet_<node>/job_<id>, and its launcher writes
// its pid into every one of them (processes are members of each hierarchy separately).
//   memory:  memory.limit_in_bytes (+ memory.memsw.limit_in_bytes, so swap cannot hide an
//            OOM), memory.oom_control `oom_kill N`, memory.max_usage_in_bytes
//   freezer: freezer.state FROZEN / THAWED
//   cpuacct: cpuacct.usage_user / usage_sys in ns (cpuacct.stat in USER_HZ ticks as fallback)
//   pids:    membership only
// Membership is the same in every hierarchy: the launcher writes its pid into each, memory
// first, before it forks anything, and children inherit all of them. So the job's processes
// are read from the first hierarchy alone (procs), while signalling everything (killAll)
// still takes the union, in case a root process moved one of them.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CgroupDriver, CpuUsage, JobCgroup } from './cgroup.ts';
import { CgroupError, jobDirName, nodeDirName, parseJobDirName } from './cgroup.ts';
import { SIG, exists, isCgroupFs, parentsFirst, parseKeyed, readInt, readText, removeCgroupDir, rmdirOnce, sendSignal, writeText } from './proc.ts';
import { descendants, treePids } from './cgroup-tree.ts';

export const V1_CONTROLLERS = ['memory', 'freezer', 'cpuacct', 'pids'] as const;
export type V1Controller = (typeof V1_CONTROLLERS)[number];

/** USER_HZ: the unit of cpuacct.stat. 100 on every Linux ABI that matters. */
const USER_HZ = 100;

const memswKnown = new Map<string, boolean>();

function memswIn(parent: string, file: string): boolean {
  let known = memswKnown.get(parent);
  if (known === undefined) memswKnown.set(parent, (known = exists(file)));
  return known;
}

class V1JobCgroup implements JobCgroup {
  readonly path: string;
  readonly procFiles: readonly string[];
  readonly canFreeze: boolean;
  /** v1 counts an OOM kill only in the victim's own memory cgroup. */
  readonly countsChildOoms = false;
  private readonly dirs: ReadonlyMap<V1Controller, string>;
  private readonly real: boolean;

  constructor(dirs: ReadonlyMap<V1Controller, string>, real: boolean) {
    this.dirs = dirs;
    this.real = real;
    const first = dirs.get('memory') ?? [...dirs.values()][0];
    if (first === undefined) throw new CgroupError('cgroup v1: no hierarchy for the job');
    this.path = first;
    this.procFiles = [...dirs.values()].map((d) => path.join(d, 'cgroup.procs'));
    this.canFreeze = dirs.has('freezer');
  }

  private file(ctrl: V1Controller, name: string): string | null {
    const d = this.dirs.get(ctrl);
    return d === undefined ? null : path.join(d, name);
  }

  addProcess(pid: number): void {
    for (const f of this.procFiles) writeText(f, String(pid));
  }

  procs(): number[] {
    return treePids(this.path);
  }

  private allProcs(): number[] {
    const all = new Set<number>();
    for (const d of this.dirs.values()) for (const p of treePids(d)) all.add(p);
    return [...all];
  }

  child(name: string): JobCgroup {
    const dirs = new Map([...this.dirs].map(([c, d]) => [c, path.join(d, name)] as const));
    for (const d of dirs.values()) {
      if (exists(d)) fs.rmdirSync(d);
      fs.mkdirSync(d);
    }
    return new V1JobCgroup(dirs, this.real);
  }

  setMemoryLimit(bytes: number | null): void {
    const limit = this.file('memory', 'memory.limit_in_bytes');
    if (limit === null) throw new CgroupError('cgroup v1: the memory controller is not mounted; cannot enforce a memory limit');
    const memsw = this.file('memory', 'memory.memsw.limit_in_bytes');
    // Swap accounting is a kernel setting, the same for every job directory of a parent:
    // whether the file exists is asked once per parent.
    const hasMemsw = memsw !== null && memswIn(path.dirname(path.dirname(memsw)), memsw);
    const value = bytes === null ? '-1' : String(Math.max(0, Math.floor(bytes)));
    // memsw must stay >= the memory limit at every moment: open it first, then set both.
    if (hasMemsw) writeText(memsw, '-1');
    writeText(limit, value);
    if (hasMemsw && bytes !== null) writeText(memsw, value);
  }

  oomKills(): number {
    const f = this.file('memory', 'memory.oom_control');
    return f === null ? 0 : (parseKeyed(readText(f)).get('oom_kill') ?? 0);
  }

  peakBytes(): number | null {
    const f = this.file('memory', 'memory.max_usage_in_bytes');
    return f === null ? null : readInt(f);
  }

  sample(): void {
    // The kernel keeps the high-water mark itself.
  }

  cpuUsage(): CpuUsage {
    const u = this.file('cpuacct', 'cpuacct.usage_user');
    const s = this.file('cpuacct', 'cpuacct.usage_sys');
    const un = u === null ? null : readInt(u);
    const sn = s === null ? null : readInt(s);
    if (un !== null && sn !== null) return { user: un / 1e9, system: sn / 1e9 };
    const stat = this.file('cpuacct', 'cpuacct.stat');
    const m = parseKeyed(stat === null ? null : readText(stat));
    return { user: (m.get('user') ?? 0) / USER_HZ, system: (m.get('system') ?? 0) / USER_HZ };
  }

  freeze(): void {
    const f = this.file('freezer', 'freezer.state');
    if (f === null) throw new CgroupError('cgroup v1: the freezer controller is not mounted');
    writeText(f, 'FROZEN');
  }

  thaw(): void {
    const f = this.file('freezer', 'freezer.state');
    if (f === null) throw new CgroupError('cgroup v1: the freezer controller is not mounted');
    writeText(f, 'THAWED');
  }

  frozen(): boolean {
    const f = this.file('freezer', 'freezer.state');
    return f !== null && readText(f)?.trim() === 'FROZEN';
  }

  killAll(signal: number): number {
    let n = 0;
    for (const pid of parentsFirst(this.allProcs())) if (sendSignal(pid, signal)) n++;
    return n;
  }

  async remove(): Promise<void> {
    // The usual end: the job's processes are gone (endOfRunCounters drained them) and each
    // directory goes with one rmdir; anything else takes the careful way below.
    const left = this.real
      ? (await Promise.all([...this.dirs.values()].map(async (d) => ((await rmdirOnce(d)) ? null : d)))).filter((d) => d !== null)
      : [...this.dirs.values()];
    if (left.length > 0) await this.removeCarefully(left);
  }

  private async removeCarefully(dirs: readonly string[]): Promise<void> {
    // A task frozen by the v1 freezer cannot act on SIGKILL until thawed; thawing a thawed
    // cgroup is harmless.
    if (this.canFreeze) {
      try {
        this.thaw();
      } catch {
        // the directory is already gone
      }
    }
    const kill = (): void => void this.killAll(SIG.KILL);
    kill();
    const failed: string[] = [];
    // The hierarchies are independent: their directories go in parallel.
    await Promise.all(dirs.map(async (dir) => {
      for (const sub of this.real ? descendants(dir) : []) await removeCgroupDir(sub, this.real, kill);
      if (!(await removeCgroupDir(dir, this.real, kill))) failed.push(dir);
    }));
    if (failed.length > 0) throw new CgroupError(`cgroup v1: could not remove ${failed.join(', ')} (processes still running: ${this.allProcs().join(' ') || 'none'})`);
  }
}

export class V1Driver implements CgroupDriver {
  readonly kind = 'v1';
  readonly root: string;
  private readonly controllers: readonly V1Controller[];
  private readonly real: boolean;

  constructor(root: string, controllers: readonly V1Controller[]) {
    this.root = root;
    this.controllers = controllers;
    if (controllers.length === 0) throw new CgroupError(`cgroup v1: no controllers under ${root}`);
    this.real = isCgroupFs(path.join(root, controllers[0] ?? ''));
  }

  private dirsFor(node: string, jobId: number): Map<V1Controller, string> {
    const m = new Map<V1Controller, string>();
    for (const c of this.controllers) m.set(c, path.join(this.root, c, nodeDirName(node), jobDirName(jobId)));
    return m;
  }

  async create(node: string, jobId: number, _attempt: number): Promise<JobCgroup> {
    const dirs = this.dirsFor(node, jobId);
    // On the thread pool and in parallel: a cgroup mkdir can wait on the kernel's cgroup lock.
    // A recursive mkdir that creates nothing found a leftover of an earlier run: replace it.
    const mkdirs = (): Promise<boolean[]> => Promise.all([...dirs.values()].map(async (d) => {
      try {
        return (await fs.promises.mkdir(d, { recursive: true })) !== undefined;
      } catch (err) {
        throw new CgroupError(`cgroup v1: mkdir ${d}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    }));
    if ((await mkdirs()).some((made) => !made)) {
      await new V1JobCgroup(dirs, this.real).remove();
      await mkdirs();
    }
    return new V1JobCgroup(dirs, this.real);
  }

  list(node: string): number[] {
    const ids = new Set<number>();
    for (const c of this.controllers) {
      let names: string[] = [];
      try {
        names = fs.readdirSync(path.join(this.root, c, nodeDirName(node)));
      } catch {
        continue;
      }
      for (const n of names) {
        const id = parseJobDirName(n);
        if (id !== null) ids.add(id);
      }
    }
    return [...ids].sort((a, b) => a - b);
  }

  async cleanupStale(node: string): Promise<number> {
    const ids = this.list(node);
    for (const id of ids) {
      const dirs = new Map([...this.dirsFor(node, id)].filter(([, d]) => exists(d)));
      if (dirs.size > 0) await new V1JobCgroup(dirs, this.real).remove();
    }
    return ids.length;
  }
}
