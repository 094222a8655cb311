// `scontrol show partition [name]`: the key=value block of each partition exactly as
// Slurm 22.05 prints it (golden h_defaults), or one line each with `-o`. Settings Ratchet
// does not have print Slurm's defaults (AllowGroups=ALL, OverSubscribe=NO, ...).

import { compressHostlist } from '../../core/hostlist.ts';
import { formatMiB } from '../../core/mem-spec.ts';
import { formatLimit } from '../../core/time-spec.ts';
import type { ShowResult } from './scontrol-node.ts';
import type { PartitionView } from './sinfo-view.ts';
import { allowGroups, maxCpusPerNode, maxNodes, minNodes, priorityJobFactor, priorityTier } from './sinfo-view.ts';

export interface ScontrolPartitionOptions {
  /** `-o/--oneliner`. */
  readonly oneLiner?: boolean;
}

const yesNo = (b: boolean | undefined): string => (b === true ? 'YES' : 'NO');
const unlimited = (n: number | null): string => (n === null ? 'UNLIMITED' : String(n));

/** The lines of one partition's block, without indentation or the final newline. */
export function scontrolPartitionLines(p: PartitionView): string[] {
  const nodes = p.nodes.length;
  return [
    `PartitionName=${p.name}`,
    `AllowGroups=${allowGroups(p) ?? 'ALL'} AllowAccounts=ALL AllowQos=ALL`,
    `AllocNodes=ALL Default=${yesNo(p.isDefault)} QoS=N/A`,
    `DefaultTime=${p.defaultTime === null ? 'NONE' : formatLimit(p.defaultTime)} DisableRootJobs=NO ExclusiveUser=NO `
      + `GraceTime=0 Hidden=${yesNo(p.hidden)}`,
    `MaxNodes=${unlimited(maxNodes(p))} MaxTime=${formatLimit(p.maxTime)} MinNodes=${minNodes(p)} LLN=NO `
      + `MaxCPUsPerNode=${unlimited(maxCpusPerNode(p))}`,
    `Nodes=${nodes === 0 ? '(null)' : compressHostlist(p.nodes)}`,
    `PriorityJobFactor=${priorityJobFactor(p)} PriorityTier=${priorityTier(p)} RootOnly=${yesNo(p.rootOnly)} `
      + 'ReqResv=NO OverSubscribe=NO',
    'OverTimeLimit=NONE PreemptMode=OFF',
    `State=${p.state} TotalCPUs=${p.totalCpus} TotalNodes=${nodes} SelectTypeParameters=NONE`,
    'JobDefaults=(null)',
    'DefMemPerNode=UNLIMITED MaxMemPerNode=UNLIMITED',
    `TRES=cpu=${p.totalCpus},mem=${formatMiB(p.totalMem)},node=${nodes},billing=${p.totalCpus}`,
  ];
}

/** One partition's block: lines joined by `\n   ` and a blank line after, or one line. */
export function scontrolPartitionText(p: PartitionView, opts: ScontrolPartitionOptions = {}): string {
  const lines = scontrolPartitionLines(p);
  return opts.oneLiner === true ? `${lines.join(' ')}\n` : `${lines.join('\n   ')}\n\n`;
}

/**
 * `show partition [name]`: all of them, or the one named; a missing one prints
 * `Partition X not found` on stdout with exit code 1.
 */
export function scontrolShowPartitions(
  partitions: readonly PartitionView[],
  name: string | null,
  opts: ScontrolPartitionOptions = {},
): ShowResult {
  const shown = name === null ? partitions : partitions.filter((p) => p.name === name).slice(0, 1);
  if (shown.length === 0) {
    return name === null
      ? { stdout: 'No partitions in the system\n', stderr: '', exitCode: 0 }
      : { stdout: `Partition ${name} not found\n`, stderr: '', exitCode: 1 };
  }
  return { stdout: shown.map((p) => scontrolPartitionText(p, opts)).join(''), stderr: '', exitCode: 0 };
}
