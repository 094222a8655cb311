// cgroup v2 driver: one directory per job, <root>/ratchet_<node>/job_<id>.
//   memory.max (+ memory.swap.max=0 under a limit, so swap cannot hide an OOM),
//   memory.events `oom_kill N`, memory.peak (kernels without it: the maximum of
//   memory.current as sampled by the runner), cgroup.freeze, cgroup.kill, cpu.stat
//   user_usec / system_usec.
// Controllers (+memory +cpu +pids) are enabled in the root's and the node parent's
// cgroup.subtree_control as far as the parent offers them. The node parent never holds
// processes itself, so the "no internal processes" rule is never in the way.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CgroupDriver, CpuUsage, JobCgroup } from './cgroup.ts';
import { CgroupError, jobDirName, nodeDirName, parseJobDirName } from './cgroup.ts';
import { SIG, errText, exists, isCgroupFs, parentsFirst, parseKeyed, readInt, readText, removeCgroupDir, rmdirOnce, sendSignal, writeText } from './proc.ts';
import { descendants, treePids } from './cgroup-tree.ts';

const WANTED = ['memory', 'cpu', 'pids'] as const;

class V2JobCgroup implements JobCgroup {
  readonly procFiles: readonly string[];
  readonly canFreeze: boolean;
  readonly path: string;
  private readonly real: boolean;
  private sampledPeak: number | null = null;
  /** v2 counts a kill in every ancestor's memory.events too. */
  readonly countsChildOoms = true;
  /**
   * A step cgroup without the memory controller of its own (a job cgroup holding the batch
   * shell cannot delegate controllers): its OOM kills are the parent's since its creation.
   */
  private readonly oomFrom: { parent: V2JobCgroup; base: number } | null;

  constructor(dir: string, real: boolean, parent: V2JobCgroup | null = null) {
    this.path = dir;
    this.real = real;
    this.oomFrom = parent === null ? null : { parent, base: parent.oomKills() };
    this.procFiles = [this.f('cgroup.procs')];
    this.canFreeze = exists(this.f('cgroup.freeze'));
  }

  private f(name: string): string {
    return path.join(this.path, name);
  }

  addProcess(pid: number): void {
    writeText(this.f('cgroup.procs'), String(pid));
  }

  procs(): number[] {
    return treePids(this.path);
  }

  child(name: string): JobCgroup {
    const dir = path.join(this.path, name);
    if (exists(dir)) fs.rmdirSync(dir);
    fs.mkdirSync(dir);
    return new V2JobCgroup(dir, this.real, this);
  }

  setMemoryLimit(bytes: number | null): void {
    if (!exists(this.f('memory.max'))) {
      throw new CgroupError(`cgroup v2: the memory controller is not enabled for ${this.path}; cannot enforce a memory limit`);
    }
    writeText(this.f('memory.max'), bytes === null ? 'max' : String(Math.max(0, Math.floor(bytes))));
    if (exists(this.f('memory.swap.max'))) writeText(this.f('memory.swap.max'), bytes === null ? 'max' : '0');
  }

  oomKills(): number {
    if (this.oomFrom !== null && !exists(this.f('memory.events'))) return Math.max(0, this.oomFrom.parent.oomKills() - this.oomFrom.base);
    return parseKeyed(readText(this.f('memory.events'))).get('oom_kill') ?? 0;
  }

  peakBytes(): number | null {
    const peak = readInt(this.f('memory.peak'));
    if (peak !== null) return peak;
    this.sample();
    return this.sampledPeak;
  }

  sample(): void {
    const cur = readInt(this.f('memory.current'));
    if (cur !== null && (this.sampledPeak === null || cur > this.sampledPeak)) this.sampledPeak = cur;
  }

  cpuUsage(): CpuUsage {
    const m = parseKeyed(readText(this.f('cpu.stat')));
    return { user: (m.get('user_usec') ?? 0) / 1e6, system: (m.get('system_usec') ?? 0) / 1e6 };
  }

  freeze(): void {
    writeText(this.f('cgroup.freeze'), '1');
  }

  thaw(): void {
    writeText(this.f('cgroup.freeze'), '0');
  }

  frozen(): boolean {
    return parseKeyed(readText(this.f('cgroup.events'))).get('frozen') === 1;
  }

  killAll(signal: number): number {
    const pids = this.procs();
    // cgroup.kill (5.14+) also gets processes forked while we iterate.
    if (signal === SIG.KILL && exists(this.f('cgroup.kill'))) {
      try {
        writeText(this.f('cgroup.kill'), '1');
        return pids.length;
      } catch {
        // fall back to one kill(2) per process
      }
    }
    let n = 0;
    for (const pid of parentsFirst(pids)) if (sendSignal(pid, signal)) n++;
    return n;
  }

  async remove(): Promise<void> {
    // Usually the job is over and its directory empty: one rmdir; else the careful way.
    if (this.real && (await rmdirOnce(this.path))) return;
    const kill = (): void => void this.killAll(SIG.KILL);
    kill();
    for (const sub of this.real ? descendants(this.path) : []) await removeCgroupDir(sub, this.real, kill);
    if (!(await removeCgroupDir(this.path, this.real, kill))) {
      throw new CgroupError(`cgroup v2: could not remove ${this.path} (processes still running: ${this.procs().join(' ') || 'none'})`);
    }
  }
}

export class V2Driver implements CgroupDriver {
  readonly kind = 'v2';
  readonly root: string;
  private readonly oomGroup: boolean;
  private readonly real: boolean;

  constructor(root: string, oomGroup: boolean) {
    this.root = root;
    this.oomGroup = oomGroup;
    this.real = isCgroupFs(root);
  }

  /** Enables what the parent offers of memory/cpu/pids for its children. */
  private enableControllers(dir: string): void {
    const offered = (readText(path.join(dir, 'cgroup.controllers')) ?? '').split(/\s+/);
    const active = (readText(path.join(dir, 'cgroup.subtree_control')) ?? '').split(/\s+/);
    const missing = WANTED.filter((c) => offered.includes(c) && !active.includes(c));
    if (missing.length === 0) return;
    try {
      writeText(path.join(dir, 'cgroup.subtree_control'), missing.map((c) => `+${c}`).join(' '));
    } catch (err) {
      // EBUSY: the parent holds processes (a container whose root is not delegated).
      // Jobs still run; setMemoryLimit will say that memory cannot be enforced.
      if (!this.real) return;
      throw new CgroupError(`cgroup v2: cannot enable ${missing.join(' ')} in ${dir}: ${errText(err)}`, { cause: err });
    }
  }

  private nodeDir(node: string): string {
    return path.join(this.root, nodeDirName(node));
  }

  async create(node: string, jobId: number, _attempt: number): Promise<JobCgroup> {
    const parent = this.nodeDir(node);
    const dir = path.join(parent, jobDirName(jobId));
    if (exists(dir)) await new V2JobCgroup(dir, this.real).remove();
    try {
      this.enableControllers(this.root);
      await fs.promises.mkdir(parent, { recursive: true });
      this.enableControllers(parent);
      // on the thread pool: a cgroup mkdir can wait on the kernel's cgroup lock
      await fs.promises.mkdir(dir);
    } catch (err) {
      if (err instanceof CgroupError) throw err;
      throw new CgroupError(`cgroup v2: mkdir ${dir}: ${errText(err)}`, { cause: err });
    }
    const cg = new V2JobCgroup(dir, this.real);
    if (this.oomGroup && exists(path.join(dir, 'memory.oom.group'))) writeText(path.join(dir, 'memory.oom.group'), '1');
    return cg;
  }

  list(node: string): number[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.nodeDir(node));
    } catch {
      return [];
    }
    return names.map(parseJobDirName).filter((id): id is number => id !== null).sort((a, b) => a - b);
  }

  async cleanupStale(node: string): Promise<number> {
    const ids = this.list(node);
    for (const id of ids) await new V2JobCgroup(path.join(this.nodeDir(node), jobDirName(id)), this.real).remove();
    return ids.length;
  }
}
