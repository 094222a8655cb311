// `scontrol show config`: Slurm's `Configuration data as of <time>` header, then a
// `Key = Value` line (key padded to 23) for each setting Ratchet has, in the order Slurm
// 22.05 lists them, then a blank line and the controller's ping line. Slurm's keys that
// Ratchet has no setting for are left out rather than invented; Ratchet's own keys
// (AdminUsers, TimeResolution) take their alphabetical place.

import type { RatchetConfig } from '../../core/config-model.ts';
import { formatTimestamp } from '../../core/time-spec.ts';

export interface ScontrolConfigInput {
  readonly config: RatchetConfig;
  /** When the controller read its configuration (epoch ms). */
  readonly loadedAt: number;
  /** When the controller started (BOOT_TIME). */
  readonly bootTime: number;
  /** The id the next job will get; null leaves NEXT_JOB_ID out. */
  readonly nextJobId: number | null;
  /** Path of ratchet.conf (SLURM_CONF). */
  readonly confPath: string;
  /** Ratchet's version (SLURM_VERSION). */
  readonly version: string;
  /** uid of SlurmUser; null prints the name alone. */
  readonly slurmUserUid: number | null;
  /** Whether the controller answered: `Slurmctld(primary) at <host> is UP|DOWN`; null omits it. */
  readonly controllerUp: boolean | null;
}

const sec = (n: number): string => `${n} sec`;

/** DefMemPerCPU wins over DefMemPerNode, as in Slurm, which stores only one of them. */
function defMem(c: RatchetConfig): [string, string] {
  if (c.defMemPerCpu !== null) return ['DefMemPerCPU', String(c.defMemPerCpu)];
  return ['DefMemPerNode', c.defMemPerNode === null ? 'UNLIMITED' : String(c.defMemPerNode)];
}

/** The key/value pairs in Slurm's order. */
export function configPairs(i: ScontrolConfigInput): [string, string][] {
  const c = i.config;
  const pairs: [string, string][] = [
    ['AdminUsers', c.adminUsers.length === 0 ? '(null)' : c.adminUsers.join(',')],
    ['AuthInfo', c.mungeSocket === null ? '(null)' : `socket=${c.mungeSocket}`],
    ['AuthType', c.authType],
    ['BOOT_TIME', formatTimestamp(i.bootTime, 'Unknown')],
    ['ClusterName', c.clusterName],
    defMem(c),
    ['DependencyParameters', c.dependencyParameters ?? '(null)'],
    ['KillWait', sec(c.killWait)],
    ['MaxArraySize', String(c.maxArraySize)],
    ['MaxNodeCount', String(c.nodes.length)],
    ['MinJobAge', sec(c.minJobAge)],
  ];
  if (i.nextJobId !== null) pairs.push(['NEXT_JOB_ID', String(i.nextJobId)]);
  pairs.push(
    ['SlurmUser', i.slurmUserUid === null ? c.slurmUser : `${c.slurmUser}(${i.slurmUserUid})`],
    ['SlurmctldHost[0]', c.controlHost],
    ['SlurmctldPort', String(c.controlPort)],
    ['SlurmdPort', String(c.agentPort)],
    ['SlurmdSpoolDir', c.spoolDir],
    ['SlurmdTimeout', sec(c.slurmdTimeout)],
    ['SLURM_CONF', i.confPath],
    ['SLURM_VERSION', i.version],
    ['StateSaveLocation', c.stateSaveLocation],
    ['TimeResolution', c.timeResolution],
  );
  return pairs;
}

export function scontrolShowConfig(i: ScontrolConfigInput): string {
  let out = `Configuration data as of ${formatTimestamp(i.loadedAt, 'Unknown')}\n`;
  for (const [k, v] of configPairs(i)) out += `${k.padEnd(23)} = ${v}\n`;
  if (i.controllerUp !== null) out += `\nSlurmctld(primary) at ${i.config.controlHost} is ${i.controllerUp ? 'UP' : 'DOWN'}\n`;
  return out;
}
