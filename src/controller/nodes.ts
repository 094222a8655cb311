// The agent registry: which configured nodes have an agent, where it listens, when it
// last spoke, and the node state derived from that and from the jobs placed on it.

import type { RatchetConfig, NodeConfig } from '../core/config-model.ts';
import type { Job } from '../core/job.ts';
import type { AgentRegister, NodeInfo } from '../api/wire.ts';

export interface NodeEntry {
  readonly cfg: NodeConfig;
  registered: boolean;
  addr: string | null;
  port: number | null;
  lastSeen: number;
  bootTime: number | null;
  agentStartTime: number | null;
  os: string | null;
  arch: string | null;
  /** The agent's last reported load average and available memory (MiB). */
  cpuLoad: number | null;
  freeMem: number | null;
  drain: { reason: string; at: number; user: string; uid: number } | null;
  /** DOWN because the agent went silent (SlurmdTimeout), as opposed to by an admin. */
  silent: boolean;
  down: boolean;
  lastBusy: number | null;
}

/** A job holds its node resources while running, suspended or completing. */
export function holdsResources(job: Job): boolean {
  return job.state === 'RUNNING' || job.state === 'SUSPENDED' || job.flags.includes('COMPLETING');
}

export class NodeRegistry {
  readonly nodes = new Map<string, NodeEntry>();

  private readonly cfg: RatchetConfig;

  constructor(cfg: RatchetConfig) {
    this.cfg = cfg;
    for (const n of cfg.nodes) {
      this.nodes.set(n.name, {
        cfg: n, registered: false, addr: null, port: null, lastSeen: 0, bootTime: null,
        agentStartTime: null, os: null, arch: null, cpuLoad: null, freeMem: null, drain: null, down: false, lastBusy: null, silent: false,
      });
    }
  }

  register(r: AgentRegister, now: number): NodeEntry | null {
    const e = this.nodes.get(r.node);
    if (e === undefined) return null;
    e.registered = true;
    e.down = false;
    e.silent = false;
    e.addr = r.addr;
    e.port = r.port;
    e.lastSeen = now;
    e.bootTime = r.bootTime;
    e.agentStartTime = r.startTime;
    e.os = r.os;
    e.arch = r.arch;
    // A node comes up idle: that is its last busy time until it runs something (Slurm).
    e.lastBusy ??= now;
    this.measured(e, r);
    return e;
  }

  /** False = register again (with the list of runs), e.g. an agent declared DOWN while it was silent. */
  heartbeat(node: string, now: number, load: { cpuLoad?: unknown; freeMem?: unknown } = {}): boolean {
    const e = this.nodes.get(node);
    if (e === undefined || !e.registered || e.silent) return false;
    e.lastSeen = now;
    this.measured(e, load);
    return true;
  }

  /** Keep the agent's readings when they are numbers; a malformed one is ignored. */
  private measured(e: NodeEntry, load: { cpuLoad?: unknown; freeMem?: unknown }): void {
    if (typeof load.cpuLoad === 'number' && Number.isFinite(load.cpuLoad) && load.cpuLoad >= 0) e.cpuLoad = load.cpuLoad;
    if (typeof load.freeMem === 'number' && Number.isSafeInteger(load.freeMem) && load.freeMem >= 0) e.freeMem = load.freeMem;
  }

  /** Nodes silent for longer than SlurmdTimeout are DOWN. Returns the names that just went down. */
  checkTimeouts(now: number): string[] {
    const gone: string[] = [];
    for (const e of this.nodes.values()) {
      if (e.registered && !e.down && now - e.lastSeen > this.cfg.slurmdTimeout * 1000) {
        e.down = true;
        e.silent = true;
        gone.push(e.cfg.name);
      }
    }
    return gone;
  }

  /** Which nodes can take work, as one string: the scheduler's tick compares it. */
  signature(): string {
    let s = '';
    for (const e of this.nodes.values()) s += this.usable(e.cfg.name) ? '1' : '0';
    return s;
  }

  usable(name: string): boolean {
    const e = this.nodes.get(name);
    return e !== undefined && e.registered && !e.down && e.drain === null;
  }

  /** Per-node allocation from the jobs that hold resources. */
  usage(jobs: Iterable<Job>): Map<string, { cpus: number; mem: number }> {
    const use = new Map<string, { cpus: number; mem: number }>();
    for (const job of jobs) {
      if (!holdsResources(job)) continue;
      const per = Math.ceil(job.allocCpus / Math.max(1, job.nodeList.length));
      for (const n of job.nodeList) {
        const u = use.get(n) ?? { cpus: 0, mem: 0 };
        u.cpus += per;
        u.mem += job.allocMem;
        use.set(n, u);
      }
    }
    return use;
  }

  info(jobs: Iterable<Job>): NodeInfo[] {
    const use = this.usage(jobs);
    return [...this.nodes.values()].map((e) => {
      const u = use.get(e.cfg.name) ?? { cpus: 0, mem: 0 };
      let state: NodeInfo['state'];
      if (!e.registered) state = 'UNKNOWN';
      else if (e.down) state = 'DOWN';
      else if (e.drain !== null) state = u.cpus > 0 ? 'DRAINING' : 'DRAIN';
      else if (u.cpus === 0) state = 'IDLE';
      else if (u.cpus >= e.cfg.cpus) state = 'ALLOCATED';
      else state = 'MIXED';
      return {
        name: e.cfg.name,
        cpus: e.cfg.cpus,
        realMemory: e.cfg.realMemory,
        allocCpus: u.cpus,
        allocMem: u.mem,
        state,
        reason: e.drain?.reason ?? (e.silent ? 'Not responding' : null),
        reasonTime: e.drain?.at ?? null,
        reasonUser: e.drain ? { name: e.drain.user, uid: e.drain.uid } : null,
        notResponding: e.silent || !e.registered,
        partitions: this.cfg.partitions.filter((p) => p.nodes.includes(e.cfg.name)).map((p) => p.name),
        addr: e.addr,
        hostname: e.cfg.hostname,
        bootTime: e.bootTime,
        agentStartTime: e.agentStartTime,
        lastBusy: e.lastBusy,
        cpuLoad: e.cpuLoad,
        freeMem: e.freeMem,
        os: e.os,
        arch: e.arch,
        version: '0.1.0',
      };
    });
  }
}
