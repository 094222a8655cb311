// The rest of what Slurm's jobacct_gather reports for a step, measured here: the largest
// total virtual memory of its processes and the characters they read and wrote (sampled from
// /proc at the start and every JobAcctGatherFrequency, Slurm's default 30 s, as Slurm polls),
// major page faults (the cgroup's own counter, exact) and the average CPU frequency.

import { readText } from './proc.ts';
import type { StepUsage } from '../core/job.ts';
import type { JobCgroup } from './cgroup.ts';

/** Slurm's default JobAcctGatherFrequency, seconds. */
export const GATHER_SECONDS = 30;

/** `VmSize:` of /proc/PID/status in bytes; null for a process gone or a kernel thread. */
export function vmSizeBytes(status: string | null): number | null {
  const m = status === null ? null : /^VmSize:\s+(\d+) kB$/m.exec(status);
  return m?.[1] === undefined ? null : Number(m[1]) * 1024;
}

/** rchar / wchar of /proc/PID/io. */
export function ioChars(io: string | null): { read: number; write: number } | null {
  if (io === null) return null;
  const r = /^rchar:\s+(\d+)$/m.exec(io);
  const w = /^wchar:\s+(\d+)$/m.exec(io);
  return r?.[1] === undefined || w?.[1] === undefined ? null : { read: Number(r[1]), write: Number(w[1]) };
}

/** Major faults from memory.stat: v2 `pgmajfault`, v1 `total_pgmajfault` (the hierarchy's). */
export function majorFaults(memoryStat: string | null): number | null {
  if (memoryStat === null) return null;
  const m = /^total_pgmajfault (\d+)$/m.exec(memoryStat) ?? /^pgmajfault (\d+)$/m.exec(memoryStat);
  return m?.[1] === undefined ? null : Number(m[1]);
}

/** Average of the CPUs' current frequency, MHz: cpufreq when the kernel has it, else cpuinfo. */
export function cpuFreqMHz(cpuinfo: string | null, scaling: readonly (string | null)[]): number | null {
  const khz = scaling.map((t) => (t === null ? NaN : Number(t.trim()))).filter((n) => Number.isFinite(n) && n > 0);
  if (khz.length > 0) return Math.round(khz.reduce((a, b) => a + b, 0) / khz.length / 1000);
  const mhz = [...(cpuinfo ?? '').matchAll(/^cpu MHz\s*:\s*([\d.]+)$/gm)].map((m) => Number(m[1]));
  return mhz.length > 0 ? Math.round(mhz.reduce((a, b) => a + b, 0) / mhz.length) : null;
}

let freqCache: { at: number; mhz: number | null } | null = null;

/** The machine's average CPU frequency, read at most once a second (one file per CPU). */
function machineCpuFreq(): number | null {
  const now = Date.now();
  if (freqCache !== null && now - freqCache.at < 1000) return freqCache.mhz;
  freqCache = { at: now, mhz: readCpuFreq() };
  return freqCache.mhz;
}

function readCpuFreq(): number | null {
  const scaling: (string | null)[] = [];
  for (let i = 0; i < 4096; i++) {
    const t = readText(`/sys/devices/system/cpu/cpu${i}/cpufreq/scaling_cur_freq`);
    if (t === null) break;
    scaling.push(t);
  }
  return cpuFreqMHz(scaling.length > 0 ? null : readText('/proc/cpuinfo'), scaling);
}

/** Samples a step's processes; each process counts with the most it was seen to have done. */
export class UsageSampler {
  private vmPeak: number | null = null;
  private readonly io = new Map<number, { read: number; write: number }>();

  sample(pids: readonly number[]): void {
    let vm = 0;
    let seen = false;
    for (const pid of pids) {
      const status = readText(`/proc/${pid}/status`);
      if (status !== null) {
        // A process that already exited and is not yet reaped (a zombie: `--wrap true` can
        // be one by the first sample) has no address space: it counts, with 0.
        vm += vmSizeBytes(status) ?? 0;
        seen = true;
      }
      const c = ioChars(readText(`/proc/${pid}/io`));
      if (c !== null) this.io.set(pid, c);
    }
    if (seen && (this.vmPeak === null || vm > this.vmPeak)) this.vmPeak = vm;
  }

  /** The step's usage; `memoryStat` is read from its cgroup before the cgroup goes. */
  result(memoryStat: string | null): StepUsage {
    const chars = [...this.io.values()];
    const total = (k: 'read' | 'write'): number | null => (chars.length === 0 ? null : chars.reduce((a, c) => a + c[k], 0));
    return {
      maxVmBytes: this.vmPeak, pages: majorFaults(memoryStat), readBytes: total('read'), writeBytes: total('write'),
      cpuFreqMHz: machineCpuFreq(),
    };
  }
}

/**
 * The sampling of one batch run: its launcher at once (a short script may be gone before the
 * next sample, and Slurm's stepd also gathers as the task starts), then, once the script
 * runs, every GATHER_SECONDS, plus the cgroup's memory every second where the kernel keeps
 * no high-water mark of its own.
 */
export class RunGather {
  private readonly sampler = new UsageSampler();
  private timers: NodeJS.Timeout[] = [];
  private readonly guard: (what: string, fn: () => void) => void;

  /** `guard` runs each sample, logging instead of throwing. */
  constructor(guard: (what: string, fn: () => void) => void) {
    this.guard = guard;
  }

  first(pid: number): void {
    this.guard('gather', () => this.sampler.sample([pid]));
  }

  start(cg: JobCgroup): void {
    if (cg.peakBytes() === null) this.timers.push(setInterval(() => this.guard('sample', () => cg.sample()), 1000));
    const gather = (): void => this.sampler.sample(cg.procs());
    this.guard('gather', gather);
    this.timers.push(setInterval(() => this.guard('gather', gather), GATHER_SECONDS * 1000));
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
  }

  /** The run's usage; the page-fault counter is read from the cgroup before it goes. */
  result(cg: JobCgroup | null): StepUsage {
    return this.sampler.result(cg === null ? null : readText(`${cg.path}/memory.stat`));
  }
}
