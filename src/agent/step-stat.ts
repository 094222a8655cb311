// Live statistics of one running step for sstat: memory high-water mark and CPU time from
// the step's cgroup, virtual size and major faults summed over its processes from /proc.

import type { StepStat } from '../api/stat-wire.ts';
import type { JobCgroup } from './cgroup.ts';
import { readText } from './proc.ts';

/** VmSize (bytes) and majflt of one process; zeros once it is gone. */
function procUsage(pid: number): { vm: number; majflt: number } {
  const status = readText(`/proc/${pid}/status`) ?? '';
  const vmKiB = Number(/^VmSize:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  const stat = readText(`/proc/${pid}/stat`) ?? '';
  // Fields after the command name (which may hold spaces): state is [0], majflt is [9].
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { vm: vmKiB * 1024, majflt: Number(f[9] ?? 0) || 0 };
}

/**
 * `exclude`: pids counted elsewhere (the batch step is the job's cgroup minus its srun
 * steps' processes; its memory peak and CPU time still include theirs, as the cgroup does).
 */
export function stepStat(cg: JobCgroup, step: 'batch' | number, node: string, ntasks: number, exclude: ReadonlySet<number> = new Set()): StepStat {
  const pids = cg.procs().filter((p) => !exclude.has(p));
  let vm = 0;
  let pages = 0;
  for (const p of pids) {
    const u = procUsage(p);
    vm += u.vm;
    pages += u.majflt;
  }
  const cpu = cg.cpuUsage();
  return { step, node, ntasks, maxRssBytes: cg.peakBytes(), vmBytes: vm, pages, cpuSeconds: cpu.user + cpu.system, pids };
}
