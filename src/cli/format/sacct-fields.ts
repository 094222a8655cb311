// sacct's field catalogue (names, default widths, how each prints) in sacct's own order,
// which is also what `sacct -e` lists, and the parsing of `--format`/`-o`, `-b`, `-l` and
// SACCT_FORMAT into the columns to print.

import type { SacctKind } from './field-width.ts';

export interface SacctField {
  readonly name: string;
  /** Column width; negative = left-justified. `--format=Name%N` replaces it. */
  readonly width: number;
  readonly kind: SacctKind;
}

type K = 's' | 'n' | 't' | 'd';
const KIND: Readonly<Record<K, SacctKind>> = { s: 'str', n: 'num', t: 'time', d: 'date' };

// Slurm 22.05's table (src/sacct/sacct.c), in order.
const TABLE: readonly (readonly [string, number, K])[] = [
  ['Account', 10, 's'], ['AdminComment', 15, 's'], ['AllocCPUS', 10, 'n'], ['AllocNodes', 10, 's'],
  ['AllocTRES', 10, 's'], ['AssocID', 7, 'n'], ['AveCPU', 10, 's'], ['AveCPUFreq', 10, 's'],
  ['AveDiskRead', 14, 's'], ['AveDiskWrite', 14, 's'], ['AvePages', 10, 's'], ['AveRSS', 10, 's'],
  ['AveVMSize', 10, 's'], ['BlockID', 16, 's'], ['Cluster', 10, 's'], ['Comment', 14, 's'],
  ['Constraints', 19, 's'], ['ConsumedEnergy', 14, 's'], ['ConsumedEnergyRaw', 17, 'n'], ['Container', 19, 's'],
  ['CPUTime', 10, 't'], ['CPUTimeRAW', 10, 'n'], ['DBIndex', -10, 'n'], ['DerivedExitCode', 15, 's'],
  ['Elapsed', 10, 't'], ['ElapsedRaw', 10, 'n'], ['Eligible', 19, 'd'], ['End', 19, 'd'],
  ['ExitCode', 8, 's'], ['Flags', 19, 's'], ['GID', 6, 'n'], ['Group', 9, 's'],
  ['JobID', -12, 's'], ['JobIDRaw', -12, 's'], ['JobName', 10, 's'], ['Layout', 9, 's'],
  ['MaxDiskRead', 12, 's'], ['MaxDiskReadNode', 15, 's'], ['MaxDiskReadTask', 15, 'n'], ['MaxDiskWrite', 12, 's'],
  ['MaxDiskWriteNode', 16, 's'], ['MaxDiskWriteTask', 16, 'n'], ['MaxPages', 8, 's'], ['MaxPagesNode', 12, 's'],
  ['MaxPagesTask', 14, 'n'], ['MaxRSS', 10, 's'], ['MaxRSSNode', 10, 's'], ['MaxRSSTask', 10, 'n'],
  ['MaxVMSize', 10, 's'], ['MaxVMSizeNode', 14, 's'], ['MaxVMSizeTask', 14, 'n'], ['McsLabel', 12, 's'],
  ['MinCPU', 10, 's'], ['MinCPUNode', 10, 's'], ['MinCPUTask', 10, 'n'], ['NCPUS', 10, 'n'],
  ['NNodes', 8, 'n'], ['NodeList', 15, 's'], ['NTasks', 8, 'n'], ['Partition', 10, 's'],
  ['Priority', 10, 'n'], ['QOS', 10, 's'], ['QOSRAW', 6, 'n'], ['Reason', 22, 's'],
  ['ReqCPUFreq', 10, 's'], ['ReqCPUFreqGov', 13, 's'], ['ReqCPUFreqMax', 13, 's'], ['ReqCPUFreqMin', 13, 's'],
  ['ReqCPUS', 8, 'n'], ['ReqMem', 10, 's'], ['ReqNodes', 8, 's'], ['ReqTRES', 10, 's'],
  ['Reservation', 20, 's'], ['ReservationId', 8, 'n'], ['Reserved', 10, 't'], ['ResvCPU', 10, 't'],
  ['ResvCPURAW', 10, 'n'], ['Start', 19, 'd'], ['State', 10, 's'], ['Submit', 19, 'd'],
  ['SubmitLine', 20, 's'], ['Suspended', 10, 't'], ['SystemComment', 15, 's'], ['SystemCPU', 10, 's'],
  ['Timelimit', 10, 's'], ['TimelimitRaw', 10, 's'], ['TotalCPU', 10, 's'], ['TRESUsageInAve', 14, 's'],
  ['TRESUsageInMax', 14, 's'], ['TRESUsageInMaxNode', 18, 's'], ['TRESUsageInMaxTask', 18, 's'],
  ['TRESUsageInMin', 14, 's'], ['TRESUsageInMinNode', 18, 's'], ['TRESUsageInMinTask', 18, 's'],
  ['TRESUsageInTot', 14, 's'], ['TRESUsageOutAve', 15, 's'], ['TRESUsageOutMax', 15, 's'],
  ['TRESUsageOutMaxNode', 19, 's'], ['TRESUsageOutMaxTask', 19, 's'], ['TRESUsageOutMin', 15, 's'],
  ['TRESUsageOutMinNode', 19, 's'], ['TRESUsageOutMinTask', 19, 's'], ['TRESUsageOutTot', 15, 's'],
  ['UID', 6, 'n'], ['User', 9, 's'], ['UserCPU', 10, 's'], ['WCKey', 10, 's'],
  ['WCKeyID', 10, 'n'], ['WorkDir', 20, 's'],
];

export const SACCT_FIELDS: readonly SacctField[] = TABLE.map(([name, width, k]) => ({ name, width, kind: KIND[k] }));

/**
 * Ratchet extras, accepted by name but not listed by `-e` (Slurm 22.05 has no such field):
 * Restarts = the job's requeue count.
 */
const EXTRA_FIELDS: readonly SacctField[] = [{ name: 'Restarts', width: 8, kind: 'num' }];

export const SACCT_DEFAULT_FIELDS = 'jobid,jobname,partition,account,alloccpus,state,exitcode';
export const SACCT_BRIEF_FIELDS = 'jobid,state,exitcode';
export const SACCT_LONG_FIELDS = 'jobid,jobidraw,jobname,partition,maxvmsize,maxvmsizenode,maxvmsizetask,'
  + 'avevmsize,maxrss,maxrssnode,maxrsstask,averss,maxpages,maxpagesnode,maxpagestask,avepages,mincpu,'
  + 'mincpunode,mincputask,avecpu,ntasks,alloccpus,elapsed,state,exitcode,avecpufreq,reqcpufreqmin,'
  + 'reqcpufreqmax,reqcpufreqgov,reqmem,consumedenergy,maxdiskread,maxdiskreadnode,maxdiskreadtask,'
  + 'avediskread,maxdiskwrite,maxdiskwritenode,maxdiskwritetask,avediskwrite,reqtres,alloctres,'
  + 'tresusageinave,tresusageinmax,tresusageinmaxn,tresusageinmaxt,tresusageinmin,tresusageinminn,'
  + 'tresusageinmint,tresusageintot,tresusageoutmax,tresusageoutmaxn,tresusageoutmaxt,tresusageoutave,'
  + 'tresusageouttot';

export interface SacctFieldSpec {
  /** Every `-o/--format` argument, in order (they add up). */
  readonly format: readonly string[];
  readonly brief: boolean;
  readonly long: boolean;
  /** SACCT_FORMAT, used when nothing else chose the fields. */
  readonly env: string | undefined;
}

export type FieldsResult =
  | { readonly ok: true; readonly fields: readonly SacctField[] }
  /** `fatal` errors print as `sacct: fatal: ...`, the others as `sacct: error: ...`. */
  | { readonly ok: false; readonly error: string; readonly fatal: boolean };

/** A name matches the first field it is a case-insensitive prefix of (`tresusageinmaxn`). */
function lookup(name: string): SacctField | undefined {
  const n = name.toLowerCase();
  const hit = (f: SacctField): boolean => f.name.toLowerCase().startsWith(n);
  return SACCT_FIELDS.find(hit) ?? EXTRA_FIELDS.find(hit);
}

/**
 * The columns to print, as sacct builds them: `-b` and `-l` lists plus every `--format`;
 * else SACCT_FORMAT; else the default. `Name%N` sets the width (negative = left); a
 * prefix of `ALL` selects every field. Errors carry sacct's wording (printed as
 * `sacct: error: ...` or `sacct: fatal: ...` by the caller, exit 1).
 */
export function resolveSacctFields(spec: SacctFieldSpec): FieldsResult {
  if (spec.long && spec.format.length > 0) {
    return { ok: false, fatal: true, error: 'Options -o(--format) and -l(--long) are mutually exclusive. Please remove one and retry.' };
  }
  const lists: string[] = [];
  if (spec.brief) lists.push(SACCT_BRIEF_FIELDS);
  if (spec.long) lists.push(SACCT_LONG_FIELDS);
  lists.push(...spec.format);
  if (lists.length === 0) lists.push(spec.env !== undefined && spec.env !== '' ? spec.env : SACCT_DEFAULT_FIELDS);
  const out: SacctField[] = [];
  for (const raw of lists.join(',').split(',')) {
    let name = raw.trimStart();
    if (name === '') continue;
    let width: number | null = null;
    const pct = name.indexOf('%');
    if (pct >= 0) {
      width = Number.parseInt(name.slice(pct + 1), 10);
      if (!Number.isFinite(width)) width = 0;
      name = name.slice(0, pct);
    }
    const withWidth = (f: SacctField): SacctField => (width === null ? f : { ...f, width });
    if (name.length <= 3 && 'all'.startsWith(name.toLowerCase())) {
      out.push(...SACCT_FIELDS.map(withWidth));
      continue;
    }
    if (/^(AllocGRES|ReqGRES)$/i.test(name)) {
      const what = name.toLowerCase() === 'allocgres' ? 'AllocGRES' : 'ReqGRES';
      return { ok: false, fatal: true, error: `${what} has been removed, please use ${what.replace('GRES', 'TRES')}` };
    }
    const f = lookup(name);
    if (f === undefined) return { ok: false, fatal: false, error: `Invalid field requested: "${name}"` };
    out.push(withWidth(f));
  }
  return { ok: true, fields: out };
}

/** `sacct -e`: every field name, four per line, each padded to 19 and space-separated. */
export function sacctHelpFields(): string {
  let out = '';
  SACCT_FIELDS.forEach((f, i) => {
    if (i % 4 !== 0) out += ' ';
    else if (i > 0) out += '\n';
    out += f.name.padEnd(19);
  });
  return `${out}\n`;
}
