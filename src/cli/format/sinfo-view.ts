// What the sinfo and `scontrol show node|partition` formatters read: the wire NodeInfo and
// PartitionInfo plus the few figures Slurm prints that the wire does not carry yet
// (socket layout, weight, who set a drain reason and when, partition limits). Each extra
// is optional and falls back to what Slurm shows for an unconfigured value, so the
// formatters work on today's wire data and print more as the controller sends more.

import type { NodeInfo, PartitionInfo } from '../../api/wire.ts';
import type { NodeConfig, PartitionConfig } from '../../core/config-model.ts';

export type NodeView = NodeInfo & {
  readonly sockets?: number;
  readonly coresPerSocket?: number;
  readonly threadsPerCore?: number;
  readonly weight?: number;
  /** MiB of TmpDisk; Ratchet does not manage scratch space, so 0 unless told. */
  readonly tmpDisk?: number;
  /** The agent's port (scontrol prints Port= when it differs from SlurmdPort). */
  readonly port?: number | null;
  /**
   * Slurm's NOT_RESPONDING flag (the `*` suffix). When absent it is derived: a DOWN node
   * in Ratchet is one whose agent went silent past SlurmdTimeout, and an UNKNOWN one never
   * registered, so both are not responding.
   */
  readonly notResponding?: boolean;
  /** A job on the node is completing (the `comp` state and `+` suffix). */
  readonly completing?: boolean;
  /** Slurm's PLANNED flag (`plnd`, `mix-`): set by its backfill; Ratchet has no equivalent. */
  readonly planned?: boolean;
  /** When the drain/down reason was set (epoch ms) and by whom. */
  readonly reasonTime?: number | null;
  readonly reasonUser?: { readonly name: string; readonly uid: number } | null;
  readonly features?: string | null;
  readonly gres?: string | null;
  readonly comment?: string | null;
};

export type PartitionView = PartitionInfo & {
  readonly priorityTier?: number;
  readonly priorityJobFactor?: number;
  readonly minNodes?: number;
  /** null = UNLIMITED. */
  readonly maxNodes?: number | null;
  readonly rootOnly?: boolean;
  readonly hidden?: boolean;
  /** Comma list; null = ALL. */
  readonly allowGroups?: string | null;
  /** null = UNLIMITED. */
  readonly maxCpusPerNode?: number | null;
};

export const sockets = (n: NodeView): number => n.sockets ?? n.cpus;
export const coresPerSocket = (n: NodeView): number => n.coresPerSocket ?? 1;
export const threadsPerCore = (n: NodeView): number => n.threadsPerCore ?? 1;
export const weight = (n: NodeView): number => n.weight ?? 1;
export const tmpDisk = (n: NodeView): number => n.tmpDisk ?? 0;
/** Slurm defaults NodeAddr and NodeHostname to the node name. */
export const nodeAddr = (n: NodeView): string => n.addr ?? n.name;
export const nodeHostname = (n: NodeView): string => n.hostname ?? n.name;

export const priorityTier = (p: PartitionView): number => p.priorityTier ?? 1;
export const priorityJobFactor = (p: PartitionView): number => p.priorityJobFactor ?? 1;
export const minNodes = (p: PartitionView): number => p.minNodes ?? 0;
export const maxNodes = (p: PartitionView): number | null => (p.maxNodes === undefined ? null : p.maxNodes);
export const maxCpusPerNode = (p: PartitionView): number | null => (p.maxCpusPerNode === undefined ? null : p.maxCpusPerNode);
export const allowGroups = (p: PartitionView): string | null => p.allowGroups ?? null;

/** A node as the CLI sees it, with the layout and weight from its NodeName= line. */
export function nodeViewFromConfig(info: NodeInfo, cfg: NodeConfig | undefined): NodeView {
  if (cfg === undefined) return info;
  return {
    ...info,
    sockets: cfg.sockets,
    coresPerSocket: cfg.coresPerSocket,
    threadsPerCore: cfg.threadsPerCore,
    weight: cfg.weight,
    port: cfg.port,
  };
}

/** A partition with the PriorityTier of its PartitionName= line. */
export function partitionViewFromConfig(info: PartitionInfo, cfg: PartitionConfig | undefined): PartitionView {
  return cfg === undefined ? info : { ...info, priorityTier: cfg.priorityTier };
}
