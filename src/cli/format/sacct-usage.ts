// sacct's per-step usage fields (MaxVMSize, MaxPages, AveCPUFreq, MaxDiskRead/Write and
// the TRESUsageIn*/TRESUsageOut* strings) from what the node measured (StepRecord.usage, peak
// RSS, CPU time), formatted as Slurm 22.05's sacct prints them. One task per step, so the
// Max/Min/Ave/Tot variants agree and every *Task is task 0. Blank where nothing was measured.

import type { StepRecord } from '../../core/job.ts';
import { UNIT, formatUnits } from '../../core/mem-spec.ts';

type UsageGetter = (s: StepRecord, units: number | null) => string | null;

/** sacct's CPU-time text: `00:MM:SS`, `MM:SS.mmm` with a fraction, `HH:MM:SS`, `D-HH:MM:SS`. */
export function cpuTimeText(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  let secs = Math.floor(seconds);
  let usecs = Math.round((seconds - secs) * 1e6);
  if (usecs >= 1e6) {
    secs += 1;
    usecs -= 1e6;
  }
  const two = (n: number): string => String(n).padStart(2, '0');
  const s = secs % 60;
  const m = Math.floor(secs / 60) % 60;
  const h = Math.floor(secs / 3600) % 24;
  const d = Math.floor(secs / 86400);
  const ms = Math.floor(usecs / 1000);
  if (d > 0) return `${d}-${two(h)}:${two(m)}:${two(s)}`;
  if (h > 0) return `${two(h)}:${two(m)}:${two(s)}`;
  if (ms > 0) return `${two(m)}:${two(s)}.${String(ms).padStart(3, '0')}`;
  return `00:${two(m)}:${two(s)}`;
}

export const cpuTotal = (s: StepRecord): number => s.userCpu + s.systemCpu;
/** MinCPU, AveCPU and the TRES usage `cpu=` come from milliseconds printed in whole seconds. */
export const cpuWhole = (s: StepRecord): string => cpuTimeText(Math.floor(cpuTotal(s)));

const bytes = (n: number, units: number | null): string => formatUnits(n, UNIT.none, units);

/** Disk figures are MB as a double: over 1 converted, a fraction as `0.00M`, else `0` (Slurm). */
export function diskText(n: number, units: number | null): string {
  const mb = n / 1048576;
  if (mb > 1) return formatUnits(mb, UNIT.mega, units);
  return mb > 0 ? `${mb.toFixed(2)}M` : '0';
}

/** A frequency Slurm keeps in "kHz" (cpuinfo's MHz figure) and scales by 1000: `2.60M`. */
export function freqText(mhz: number): string {
  let v = mhz;
  let i = 1;
  while (v >= 1000 && i < 5) {
    v /= 1000;
    i++;
  }
  const letter = 'BKMGTP'[i] ?? '?';
  return Number.isInteger(v) ? `${v}${letter}` : `${v.toFixed(2)}${letter}`;
}

const node = (s: StepRecord): string => s.nodeList[0] ?? '';

/** A measured figure, its node and its task (0), or blank when it was not measured. */
function measured(get: (s: StepRecord) => number | null | undefined, text: (n: number, units: number | null) => string) {
  return {
    value: ((s, units) => {
      const n = get(s);
      return n === null || n === undefined ? null : text(n, units);
    }) satisfies UsageGetter,
    node: ((s) => (get(s) === null || get(s) === undefined ? null : node(s))) satisfies UsageGetter,
    task: ((s) => (get(s) === null || get(s) === undefined ? null : '0')) satisfies UsageGetter,
  };
}

const vm = measured((s) => s.usage?.maxVmBytes, bytes);
const pages = measured((s) => s.usage?.pages, (n) => String(n));
const read = measured((s) => s.usage?.readBytes, diskText);
const write = measured((s) => s.usage?.writeBytes, diskText);

type Kind = 'value' | 'node' | 'task';

/**
 * TRESUsageIn*: cpu, energy, fs/disk (read), mem, pages, vmem; TRESUsageOut*: energy,
 * fs/disk (written). energy is 0 (no energy plugin, as ConsumedEnergy) and, as in Slurm,
 * absent from the *Task forms. A TRES not measured is left out.
 */
function tresUsage(dir: 'in' | 'out', kind: Kind): UsageGetter {
  return (s, units) => {
    const u = s.usage;
    const at = (v: string): string => (kind === 'value' ? v : kind === 'node' ? node(s) : '0');
    const parts: string[] = [];
    const add = (name: string, v: number | null | undefined, text: (n: number) => string): void => {
      if (v !== null && v !== undefined) parts.push(`${name}=${at(text(v))}`);
    };
    if (dir === 'in') parts.push(`cpu=${at(cpuWhole(s))}`);
    if (u !== undefined && kind !== 'task') parts.push(`energy=${at('0')}`);
    add('fs/disk', dir === 'in' ? u?.readBytes : u?.writeBytes, (n) => bytes(n, units));
    if (dir === 'in') {
      add('mem', s.maxRssBytes, (n) => bytes(n, units));
      add('pages', u?.pages, (n) => String(n));
      add('vmem', u?.maxVmBytes, (n) => bytes(n, units));
    }
    return parts.length === 0 ? null : parts.join(',');
  };
}

/** The usage fields by sacct name; each applies to step rows only. */
export const USAGE_FIELDS: Readonly<Record<string, UsageGetter>> = {
  AveCPUFreq: (s) => (s.usage?.cpuFreqMHz === null || s.usage?.cpuFreqMHz === undefined ? null : freqText(s.usage.cpuFreqMHz)),
  AveDiskRead: read.value,
  AveDiskWrite: write.value,
  AvePages: pages.value,
  AveVMSize: vm.value,
  MaxDiskRead: read.value,
  MaxDiskReadNode: read.node,
  MaxDiskReadTask: read.task,
  MaxDiskWrite: write.value,
  MaxDiskWriteNode: write.node,
  MaxDiskWriteTask: write.task,
  MaxPages: pages.value,
  MaxPagesNode: pages.node,
  MaxPagesTask: pages.task,
  MaxVMSize: vm.value,
  MaxVMSizeNode: vm.node,
  MaxVMSizeTask: vm.task,
  TRESUsageInAve: tresUsage('in', 'value'),
  TRESUsageInMax: tresUsage('in', 'value'),
  TRESUsageInMaxNode: tresUsage('in', 'node'),
  TRESUsageInMaxTask: tresUsage('in', 'task'),
  TRESUsageInMin: tresUsage('in', 'value'),
  TRESUsageInMinNode: tresUsage('in', 'node'),
  TRESUsageInMinTask: tresUsage('in', 'task'),
  TRESUsageInTot: tresUsage('in', 'value'),
  TRESUsageOutAve: tresUsage('out', 'value'),
  TRESUsageOutMax: tresUsage('out', 'value'),
  TRESUsageOutMaxNode: tresUsage('out', 'node'),
  TRESUsageOutMaxTask: tresUsage('out', 'task'),
  TRESUsageOutMin: tresUsage('out', 'value'),
  TRESUsageOutMinNode: tresUsage('out', 'node'),
  TRESUsageOutMinTask: tresUsage('out', 'task'),
  TRESUsageOutTot: tresUsage('out', 'value'),
};
