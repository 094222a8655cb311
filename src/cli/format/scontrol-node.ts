// `scontrol show node [hostlist]`: each node's key=value block exactly as Slurm 22.05
// prints it (golden h_defaults), continuation lines indented three spaces, or one line with
// `-o`. Power and energy readings are Slurm's values for a cluster without an energy plugin.

import { expandHostlist } from '../../core/hostlist.ts';
import { formatMiB } from '../../core/mem-spec.ts';
import { formatTimestamp } from '../../core/time-spec.ts';
import { nodeStateComplete, nodeStateOf } from './sinfo-node-state.ts';
import type { NodeView } from './sinfo-view.ts';
import { coresPerSocket, nodeAddr, nodeHostname, sockets, threadsPerCore, tmpDisk, weight } from './sinfo-view.ts';

export interface ScontrolNodeOptions {
  /** `-o/--oneliner`. */
  readonly oneLiner?: boolean;
  /** SlurmdPort: a node whose agent listens elsewhere gets `Port=`. */
  readonly agentPort?: number | null;
}

const time = (ms: number | null | undefined, none: string): string => formatTimestamp(ms ?? null, none);

/** AllocTRES lists only what is allocated: `cpu=1,mem=256M`, or nothing. */
function allocTres(n: NodeView): string {
  const parts: string[] = [];
  if (n.allocCpus > 0) parts.push(`cpu=${n.allocCpus}`);
  if (n.allocMem > 0) parts.push(`mem=${formatMiB(n.allocMem)}`);
  return parts.join(',');
}

/** The reason, one `Reason=` line per line of text, the first stamped `[user@time]`. */
function reasonLines(n: NodeView): string[] {
  if (n.reason === null || n.reason === '') return [];
  const stamp = n.reasonTime !== undefined && n.reasonTime !== null && n.reasonTime !== 0
    ? ` [${n.reasonUser?.name ?? 'nobody'}@${time(n.reasonTime, 'Unknown')}]`
    : '';
  return n.reason.split('\n').filter((l) => l !== '').map((l, i) => (i === 0 ? `Reason=${l}${stamp}` : `       ${l}`));
}

/** The lines of one node's block, without indentation or the final newline. */
export function scontrolNodeLines(n: NodeView, opts: ScontrolNodeOptions = {}): string[] {
  const state = nodeStateOf(n, { mixedWhenDrained: true });
  const port = n.port !== undefined && n.port !== null && opts.agentPort !== undefined && opts.agentPort !== null
    && n.port !== opts.agentPort ? `Port=${n.port} ` : '';
  const lines = [
    `NodeName=${n.name} ${n.arch === null ? '' : `Arch=${n.arch} `}CoresPerSocket=${coresPerSocket(n)} `,
    `CPUAlloc=${n.allocCpus} CPUEfctv=${n.cpus} CPUTot=${n.cpus} CPULoad=${n.cpuLoad === null ? 'N/A' : n.cpuLoad.toFixed(2)}`,
    `AvailableFeatures=${n.features ?? '(null)'}`,
    `ActiveFeatures=${n.features ?? '(null)'}`,
    `Gres=${n.gres ?? '(null)'}`,
    `NodeAddr=${nodeAddr(n)} NodeHostName=${nodeHostname(n)} ${port}Version=${n.version}`,
  ];
  if (n.os !== null) lines.push(`OS=${n.os} `);
  lines.push(
    `RealMemory=${n.realMemory} AllocMem=${n.allocMem} FreeMem=${n.freeMem ?? 'N/A'} Sockets=${sockets(n)} Boards=1`,
    `State=${nodeStateComplete(state)} ThreadsPerCore=${threadsPerCore(n)} TmpDisk=${tmpDisk(n)} Weight=${weight(n)} `
      + 'Owner=N/A MCS_label=N/A',
  );
  if (n.partitions.length > 0) lines.push(`Partitions=${n.partitions.join(',')} `);
  lines.push(
    `BootTime=${time(n.bootTime, 'None')} SlurmdStartTime=${time(n.agentStartTime, 'None')}`,
    `LastBusyTime=${time(n.lastBusy, 'Unknown')}`,
    `CfgTRES=cpu=${n.cpus},mem=${formatMiB(n.realMemory)},billing=${n.cpus}`,
    `AllocTRES=${allocTres(n)}`,
    'CapWatts=n/a',
    'CurrentWatts=0 AveWatts=0',
    'ExtSensorsJoules=n/s ExtSensorsWatts=0 ExtSensorsTemp=n/s',
    ...reasonLines(n),
  );
  if (n.comment !== undefined && n.comment !== null) lines.push(`Comment=${n.comment}`);
  return lines;
}

/** One node's block: lines joined by `\n   ` and a blank line after, or one line with -o. */
export function scontrolNodeText(n: NodeView, opts: ScontrolNodeOptions = {}): string {
  const lines = scontrolNodeLines(n, opts);
  return opts.oneLiner === true ? `${lines.join(' ')}\n` : `${lines.join('\n   ')}\n\n`;
}

export interface ShowResult {
  readonly stdout: string;
  readonly stderr: string;
  /** scontrol sets exit code 1 when a named record is missing. */
  readonly exitCode: number;
}

/**
 * `show node [hostlist]`: every node, or the named ones in the order given; a missing one
 * prints `Node X not found` (on stdout, as scontrol does) and makes the exit code 1.
 */
export function scontrolShowNodes(nodes: readonly NodeView[], names: string | null, opts: ScontrolNodeOptions = {}): ShowResult {
  if (names === null) {
    if (nodes.length === 0) return { stdout: 'No nodes in the system\n', stderr: '', exitCode: 0 };
    return { stdout: nodes.map((n) => scontrolNodeText(n, opts)).join(''), stderr: '', exitCode: 0 };
  }
  const wanted = expandHostlist(names);
  if (wanted === null) return { stdout: '', stderr: `unable to parse node list ${names}\n`, exitCode: 1 };
  let stdout = '';
  let exitCode = 0;
  for (const name of wanted) {
    const n = nodes.find((x) => x.name === name);
    if (n === undefined) {
      stdout += `Node ${name} not found\n`;
      exitCode = 1;
    } else {
      stdout += scontrolNodeText(n, opts);
    }
  }
  return { stdout, stderr: '', exitCode };
}
