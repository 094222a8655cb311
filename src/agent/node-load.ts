// What slurmd reports about its machine with each registration and ping, for
// `scontrol show node` (CPULoad, FreeMem) and sinfo (%O, %e): the one-minute load average and
// the memory available to new work, read fresh each time.

import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface NodeLoad {
  /** One-minute load average. */
  cpuLoad: number;
  /** MiB; null when /proc/meminfo cannot be read. */
  freeMem: number | null;
}

/** MemAvailable (the kernel's estimate of what can be allocated without swapping), in MiB. */
export function availableMiB(meminfo: string): number | null {
  const m = /^MemAvailable:\s+(\d+) kB$/m.exec(meminfo) ?? /^MemFree:\s+(\d+) kB$/m.exec(meminfo);
  return m?.[1] === undefined ? null : Math.floor(Number(m[1]) / 1024);
}

export function nodeLoad(): NodeLoad {
  let freeMem: number | null = null;
  try {
    freeMem = availableMiB(readFileSync('/proc/meminfo', 'utf8'));
  } catch {
    freeMem = null;
  }
  return { cpuLoad: os.loadavg()[0] ?? 0, freeMem };
}

/** `uname -s -r -v`, as slurmd prints OS=. */
export function osName(): string {
  return `${os.type()} ${os.release()} ${os.version()}`;
}
