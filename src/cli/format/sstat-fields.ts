// sstat's columns: Slurm 22.05's default list with its widths (measured on the peer), the
// extra fields `sstat -e` lists, and how each prints from a live step's statistics.
// Ratchet measures memory (cgroup high-water mark), virtual size, major faults and CPU
// time; CPU frequency, energy and disk I/O are not measured and print 0.

import type { StepStat } from '../../api/stat-wire.ts';
import type { SacctKind } from './field-width.ts';
import { formatBytesAsKiB } from '../../core/mem-spec.ts';
import { cpuTimeText } from './sacct-values.ts';

export interface SstatField {
  readonly name: string;
  /** Negative = left-justified (JobID). */
  readonly width: number;
  readonly kind: SacctKind;
}

/** One step as sstat prints it: the statistics merged over the step's nodes. */
export interface SstatRow {
  readonly jobId: number;
  readonly stat: StepStat;
}

type Value = (r: SstatRow) => string;

const kib = (bytes: number | null): string => formatBytesAsKiB(bytes === null ? null : Math.round(bytes / 1024) * 1024);
const perTask = (n: number | null, r: SstatRow): number | null => (n === null ? null : n / Math.max(1, r.stat.ntasks));
const cpu = (r: SstatRow): string => cpuTimeText(Math.floor(r.stat.cpuSeconds / Math.max(1, r.stat.ntasks)));
const node = (r: SstatRow): string => r.stat.node;
const zero = (): string => '0';
const inUsage = (r: SstatRow, per: boolean): string => {
  const d = per ? Math.max(1, r.stat.ntasks) : 1;
  return `cpu=${cpuTimeText(Math.floor(r.stat.cpuSeconds / d))},energy=0,fs/disk=0,mem=${kib(perTask(r.stat.maxRssBytes, r) ?? 0)},` +
    `pages=${Math.round(r.stat.pages / d)},vmem=${kib(r.stat.vmBytes / d)}`;
};
const inNodes = (r: SstatRow): string => ['cpu', 'energy', 'fs/disk', 'mem', 'pages', 'vmem'].map((k) => `${k}=${r.stat.node}`).join(',');
const inTasks = (): string => 'cpu=00:00:00,fs/disk=0,mem=0,pages=0,vmem=0';
const outUsage = (): string => 'energy=0,fs/disk=0';
const freqReq = (r: SstatRow): string => (r.stat.step === 'batch' ? '0' : 'Unknown');

// [name, width, kind, value], in sstat's default order.
const DEFAULT: readonly (readonly [string, number, SacctKind, Value])[] = [
  ['JobID', -12, 'str', (r) => `${r.jobId}.${r.stat.step}`],
  ['MaxVMSize', 10, 'str', (r) => kib(r.stat.vmBytes)], ['MaxVMSizeNode', 14, 'str', node], ['MaxVMSizeTask', 14, 'num', zero],
  ['AveVMSize', 10, 'str', (r) => kib(perTask(r.stat.vmBytes, r))],
  ['MaxRSS', 10, 'str', (r) => kib(r.stat.maxRssBytes)], ['MaxRSSNode', 10, 'str', node], ['MaxRSSTask', 10, 'num', zero],
  ['AveRSS', 10, 'str', (r) => kib(perTask(r.stat.maxRssBytes, r))],
  ['MaxPages', 8, 'str', (r) => String(r.stat.pages)], ['MaxPagesNode', 12, 'str', node], ['MaxPagesTask', 14, 'num', zero],
  ['AvePages', 10, 'str', (r) => String(Math.round(r.stat.pages / Math.max(1, r.stat.ntasks)))],
  ['MinCPU', 10, 'str', cpu], ['MinCPUNode', 10, 'str', node], ['MinCPUTask', 10, 'num', zero], ['AveCPU', 10, 'str', cpu],
  ['NTasks', 8, 'num', (r) => String(r.stat.ntasks)], ['AveCPUFreq', 10, 'str', zero],
  ['ReqCPUFreqMin', 13, 'str', freqReq], ['ReqCPUFreqMax', 13, 'str', freqReq], ['ReqCPUFreqGov', 13, 'str', freqReq],
  ['ConsumedEnergy', 14, 'str', zero],
  ['MaxDiskRead', 12, 'str', zero], ['MaxDiskReadNode', 15, 'str', node], ['MaxDiskReadTask', 15, 'num', zero], ['AveDiskRead', 12, 'str', zero],
  ['MaxDiskWrite', 12, 'str', zero], ['MaxDiskWriteNode', 16, 'str', node], ['MaxDiskWriteTask', 16, 'num', zero], ['AveDiskWrite', 12, 'str', zero],
  ['TRESUsageInAve', 14, 'str', (r) => inUsage(r, true)], ['TRESUsageInMax', 14, 'str', (r) => inUsage(r, false)],
  ['TRESUsageInMaxNode', 18, 'str', inNodes], ['TRESUsageInMaxTask', 18, 'str', inTasks],
  ['TRESUsageInMin', 14, 'str', (r) => inUsage(r, true)], ['TRESUsageInMinNode', 18, 'str', inNodes],
  ['TRESUsageInMinTask', 18, 'str', inTasks], ['TRESUsageInTot', 14, 'str', (r) => inUsage(r, false)],
  ['TRESUsageOutAve', 15, 'str', outUsage], ['TRESUsageOutMax', 15, 'str', outUsage],
  ['TRESUsageOutMaxNode', 19, 'str', (r) => `energy=${r.stat.node},fs/disk=${r.stat.node}`], ['TRESUsageOutMaxTask', 19, 'str', () => 'fs/disk=0'],
  ['TRESUsageOutMin', 15, 'str', outUsage], ['TRESUsageOutMinNode', 19, 'str', (r) => `energy=${r.stat.node},fs/disk=${r.stat.node}`],
  ['TRESUsageOutMinTask', 19, 'str', () => 'fs/disk=0'], ['TRESUsageOutTot', 15, 'str', outUsage],
];
const EXTRA: readonly (readonly [string, number, SacctKind, Value])[] = [
  ['ConsumedEnergyRaw', 17, 'num', zero], ['Nodelist', 20, 'str', node], ['Pids', 20, 'str', (r) => r.stat.pids.join(',')],
  ['ReqCPUFreq', 13, 'str', freqReq],
];

const VALUES = new Map<string, Value>([...DEFAULT, ...EXTRA].map(([n, , , v]) => [n, v]));

export const SSTAT_DEFAULT_FIELDS: readonly SstatField[] = DEFAULT.map(([name, width, kind]) => ({ name, width, kind }));

/** `sstat -e`: every field, sorted by name as sstat lists them, four per line padded to 19. */
export function sstatHelpFields(): string {
  const names = [...DEFAULT, ...EXTRA].map(([n]) => n).sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  return `${names.map((n, i) => (i % 4 === 0 && i > 0 ? '\n' : i % 4 === 0 ? '' : ' ') + n.padEnd(19)).join('')}\n`;
}

/** `--format=a,b%N`: the columns (case-insensitive prefixes, as sstat matches them), or the bad name. */
export function resolveSstatFields(format: readonly string[]): { ok: true; fields: SstatField[] } | { ok: false; bad: string } {
  if (format.length === 0) return { ok: true, fields: [...SSTAT_DEFAULT_FIELDS] };
  const all = [...DEFAULT, ...EXTRA].map(([name, width, kind]) => ({ name, width, kind }));
  const out: SstatField[] = [];
  for (const raw of format.join(',').split(',')) {
    let name = raw.trim();
    if (name === '') continue;
    const pct = name.indexOf('%');
    let width: number | null = null;
    if (pct >= 0) {
      width = Number.parseInt(name.slice(pct + 1), 10) || 0;
      name = name.slice(0, pct);
    }
    const n = name.toLowerCase();
    const f = all.find((x) => x.name.toLowerCase() === n) ?? all.find((x) => x.name.toLowerCase().startsWith(n));
    if (f === undefined) return { ok: false, bad: name };
    out.push(width === null ? f : { ...f, width });
  }
  return { ok: true, fields: out };
}

export function sstatValue(field: SstatField, row: SstatRow): string {
  return VALUES.get(field.name)?.(row) ?? '';
}
