// ratchet.conf: slurm.conf syntax parsed the way Slurm 22.05's parse_config/read_config do.
//
// Lexing: `#` starts a comment unless escaped (`\#`); a line ending in an odd number of
// backslashes continues on the next one (joined without a separator); then `\x` becomes
// `x`. A line is `Key=Value` pairs (keys case-insensitive, values bare or "quoted").
// Slurm allows one plain key per line; we accept several. A NodeName= or PartitionName=
// pair takes the rest of its line. NAME=DEFAULT lines set defaults for later lines.
// Numbers follow strtoul base 0 (`0x10`, octal `010`) like Slurm; time values are minutes.
// Keys Slurm knows but Ratchet does not use, and unknown keys, are warnings; bad values
// fail with `<file>:<line>: <reason>`.

import type { ConfigWarning, NodeConfig, PartitionConfig, RatchetConfig } from './config-model.ts';
import { expandHostlist } from './hostlist.ts';
import { parseConfigMinutes } from './time-spec.ts';
import { Fault, boolean, finite, logicalLines, nonEmpty, pairsOf, port, unsigned } from './config-lex.ts';
import type { Pair, Table } from './config-lex.ts';
import { IGNORED, IGNORED_LINES, NODE_IGNORED, NODE_USED, PART_IGNORED, PART_USED } from './config-keys.ts';

export { logicalLines } from './config-lex.ts';

export type ConfigResult =
  | { ok: true; config: RatchetConfig; warnings: ConfigWarning[] }
  | { ok: false; error: string };

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const NO_DEFAULTS: Table = new Map();

export const CONFIG_DEFAULTS: Omit<RatchetConfig, 'nodes' | 'partitions'> = {
  clusterName: 'ratchet',
  controlHost: 'localhost',
  controlPort: 6827,
  agentPort: 6828,
  authType: 'auth/munge',
  mungeSocket: null,
  stateSaveLocation: '/var/spool/ratchet/state',
  spoolDir: '/var/spool/ratchet/spool',
  killWait: 30,
  minJobAge: 300,
  slurmdTimeout: 300,
  jobRequeue: true,
  requeueDelay: 120,
  defMemPerCpu: null,
  defMemPerNode: null,
  timeResolution: 'minutes',
  maxArraySize: 1001,
  firstJobId: 1,
  dependencyParameters: null,
  killInvalidDepend: false,
  maxDependDepth: 10,
  escalationPolicyDir: null,
  slurmUser: 'root',
  adminUsers: [],
  privateData: [],
};

// slurm.conf keys (22.05) that Ratchet accepts and ignores, lower-cased.
/** Slurm's PrivateData values; Ratchet acts on `jobs`. */
const PRIVATE_DATA = new Set(['accounts', 'cloud', 'events', 'jobs', 'nodes', 'partitions', 'reservations', 'usage', 'users']);

// ---- the parser --------------------------------------------------------------------------

interface PartDraft {
  readonly line: number;
  readonly name: string;
  readonly nodes: string | null;
  readonly isDefault: boolean;
  readonly maxTime: number | null;
  readonly defaultTime: number | null;
  readonly state: PartitionConfig['state'];
  readonly priorityTier: number;
}

class Parser {
  readonly cfg: Mutable<Omit<RatchetConfig, 'nodes' | 'partitions'>> = { ...CONFIG_DEFAULTS };
  readonly warnings: ConfigWarning[] = [];
  readonly nodes: NodeConfig[] = [];
  readonly nodeNames = new Set<string>();
  readonly parts: PartDraft[] = [];
  readonly seen = new Set<string>();
  nodeDefaults: Table = NO_DEFAULTS;
  partDefaults: Table = NO_DEFAULTS;
  controllerSeen = false;
  controlAddr: string | null = null;
  defMemPerCpuLine = 0;

  warn(line: number, message: string): void {
    this.warnings.push({ line, message });
  }

  line(text: string, line: number): void {
    const pairs = pairsOf(text, line);
    for (let i = 0; i < pairs.length; i++) {
      const p = pairs[i];
      if (!p) continue;
      if (p.lower === 'nodename') return this.nodeLine(p, pairs.slice(i + 1), line);
      if (p.lower === 'partitionname') return this.partitionLine(p, pairs.slice(i + 1), line);
      if (IGNORED_LINES.has(p.lower)) return this.warn(line, `${p.key} lines are not used by Ratchet; ignored`);
      this.global(p, line);
    }
  }

  global(p: Pair, line: number): void {
    const c = this.cfg;
    const repeatable = p.lower === 'slurmctldhost' || p.lower === 'controlmachine';
    if (this.seen.has(p.lower) && !repeatable) this.warn(line, `${p.key} given again; the last value is used`);
    this.seen.add(p.lower);
    switch (p.lower) {
      case 'clustername': c.clusterName = nonEmpty(p, line).toLowerCase(); break;
      case 'slurmctldhost':
      case 'controlmachine': {
        if (this.controllerSeen) return this.warn(line, `backup controller ${p.value} is not supported; ignored`);
        this.controllerSeen = true;
        const m = /^([^()\s]+)(?:\(([^()\s]+)\))?$/.exec(p.value);
        if (!m) throw new Fault(line, `Invalid ${p.key} ${p.value}`);
        // Clients connect to the address when one is given: `host(addr)`.
        c.controlHost = m[2] ?? this.controlAddr ?? m[1] ?? '';
        break;
      }
      case 'controladdr': c.controlHost = this.controlAddr = nonEmpty(p, line); break;
      case 'slurmctldport': c.controlPort = port(p, line); break;
      case 'slurmdport': c.agentPort = port(p, line); break;
      case 'authtype':
        if (p.value !== 'auth/munge' && p.value !== 'auth/none') {
          throw new Fault(line, `AuthType ${p.value} is not supported (auth/munge or auth/none)`);
        }
        c.authType = p.value;
        break;
      case 'authinfo':
        for (const item of p.value.split(',')) {
          const [k = '', v] = item.split(/=(.*)/s);
          if (k.trim().toLowerCase() === 'socket' && v) c.mungeSocket = v;
          else if (item.trim() !== '') this.warn(line, `AuthInfo ${item} is not used by Ratchet; ignored`);
        }
        break;
      case 'statesavelocation': c.stateSaveLocation = nonEmpty(p, line); break;
      case 'slurmdspooldir': c.spoolDir = nonEmpty(p, line); break;
      case 'killwait': c.killWait = finite(unsigned(p, line, 16), 0xffff); break;
      case 'minjobage': {
        const n = finite(unsigned(p, line, 32), 0xffffffff);
        if (n < 2) this.warn(line, 'MinJobAge must be at least 2; using 2');
        c.minJobAge = Math.max(2, n);
        break;
      }
      case 'slurmdtimeout': c.slurmdTimeout = finite(unsigned(p, line, 16), 0xffff); break;
      case 'jobrequeue': c.jobRequeue = finite(unsigned(p, line, 32), 0xffffffff) !== 0; break;
      case 'schedulerparameters': this.schedulerParameters(p, line); break;
      case 'defmempercpu':
      case 'defmempernode': {
        // 0 and UNLIMITED both mean "no default": the job gets the node's memory.
        const n = unsigned(p, line, 64);
        const mib = n === 'INFINITE' || n === 0 ? null : n;
        if (p.lower === 'defmempercpu') {
          c.defMemPerCpu = mib;
          this.defMemPerCpuLine = line;
        } else {
          c.defMemPerNode = mib;
        }
        break;
      }
      case 'maxarraysize': {
        const n = finite(unsigned(p, line, 32), 0xffffffff);
        if (n > 4000001) throw new Fault(line, `MaxArraySize value (${n}) is greater than 4000001`);
        c.maxArraySize = n;
        break;
      }
      case 'firstjobid': {
        const n = finite(unsigned(p, line, 32), 0xffffffff);
        if (n < 1 || n >= 0x3ffffff) throw new Fault(line, `FirstJobId value (${n}) is out of range`);
        c.firstJobId = n;
        break;
      }
      case 'dependencyparameters': this.dependencyParameters(p, line); break;
      case 'slurmuser': c.slurmUser = nonEmpty(p, line); break;
      case 'adminusers':
        c.adminUsers = [...new Set(p.value.split(',').map((u) => u.trim()).filter((u) => u !== ''))];
        break;
      case 'privatedata': {
        const v = p.value.split(',').map((x) => x.trim().toLowerCase()).filter((x) => x !== '');
        const bad = v.filter((x) => x !== 'all' && !PRIVATE_DATA.has(x));
        if (bad.length > 0) this.warn(line, `PrivateData ${bad.join(',')} unknown; ignored`);
        c.privateData = v.includes('all') ? [...PRIVATE_DATA] : v.filter((x) => PRIVATE_DATA.has(x));
        break;
      }
      case 'escalationpolicydir':
        if (!p.value.startsWith('/')) throw new Fault(line, `EscalationPolicyDir must be an absolute path, not ${p.value}`);
        c.escalationPolicyDir = p.value;
        break;
      case 'timeresolution': {
        const v = p.value.toLowerCase();
        if (v !== 'minutes' && v !== 'seconds') throw new Fault(line, `TimeResolution must be minutes or seconds, not ${p.value}`);
        c.timeResolution = v;
        break;
      }
      default:
        if (IGNORED.has(p.lower)) this.warn(line, `${p.key} is not used by Ratchet; ignored`);
        else this.warn(line, `unknown key ${p.key}; ignored`);
    }
  }

  /** `requeue_delay=N` is used; the other options are Slurm scheduler tuning Ratchet does without. */
  schedulerParameters(p: Pair, line: number): void {
    for (const opt of p.value.split(',').map((o) => o.trim().toLowerCase()).filter((o) => o !== '')) {
      if (!opt.startsWith('requeue_delay=')) continue;
      const n = Number(opt.slice('requeue_delay='.length));
      if (!Number.isSafeInteger(n) || n < 0) throw new Fault(line, `Invalid SchedulerParameters requeue_delay: ${opt}`);
      this.cfg.requeueDelay = n;
    }
  }

  /** `kill_invalid_depend`, `max_depend_depth=N`, `disable_remote_singleton` (no federation here). */
  dependencyParameters(p: Pair, line: number): void {
    const c = this.cfg;
    c.dependencyParameters = p.value;
    c.killInvalidDepend = false;
    c.maxDependDepth = 10;
    for (const opt of p.value.split(',').map((o) => o.trim().toLowerCase()).filter((o) => o !== '')) {
      if (opt === 'kill_invalid_depend') c.killInvalidDepend = true;
      else if (opt.startsWith('max_depend_depth=')) {
        const n = Number(opt.slice('max_depend_depth='.length));
        if (!Number.isSafeInteger(n) || n < 0) throw new Fault(line, `Invalid DependencyParameters max_depend_depth: ${opt}`);
        c.maxDependDepth = n;
      } else if (opt !== 'disable_remote_singleton') this.warn(line, `DependencyParameters option ${opt} is not used by Ratchet; ignored`);
    }
  }

  /** The line's own pairs over the DEFAULT ones, with warnings for keys we do not use. */
  table(pairs: Pair[], defaults: Table, used: Set<string>, ignored: Set<string>, what: string, line: number): Map<string, Pair> {
    const t = new Map(defaults);
    for (const p of pairs) {
      if (ignored.has(p.lower)) {
        if (!(p.lower === 'state' && p.value.toUpperCase() === 'UNKNOWN')) this.warn(line, `${what} ${p.key} is not used by Ratchet; ignored`);
      } else if (!used.has(p.lower)) {
        this.warn(line, `unknown ${what} key ${p.key}; ignored`);
      }
      t.set(p.lower, p);
    }
    return t;
  }

  nodeLine(head: Pair, pairs: Pair[], line: number): void {
    const t = this.table(pairs, this.nodeDefaults, NODE_USED, NODE_IGNORED, 'NodeName', line);
    if (head.value.toUpperCase() === 'DEFAULT') {
      for (const k of ['nodehostname', 'bcastaddr', 'nodeaddr']) {
        const p = pairs.find((x) => x.lower === k);
        if (p) throw new Fault(line, `${p.key} not allowed with NodeName=DEFAULT`);
      }
      this.nodeDefaults = t;
      return;
    }
    if (head.value.toUpperCase() === 'ALL') throw new Fault(line, "'ALL' is a reserved word disallowed for use with NodeName");
    const names = expandHostlist(head.value);
    if (!names || names.length === 0) throw new Fault(line, `Unable to create NodeName list from ${head.value}`);
    const list = (key: string): string[] | null => {
      const p = t.get(key);
      if (!p) return null;
      // Slurm reads a bare `a-b` or `a,b` Port as the range `[a-b]`.
      const expr = key === 'port' && !p.value.startsWith('[') && /[-,]/.test(p.value) ? `[${p.value}]` : p.value;
      const l = expandHostlist(expr);
      if (!l || l.length === 0) throw new Fault(line, `Unable to create ${p.key} list from ${p.value}`);
      if (l.length !== 1 && l.length !== names.length) {
        throw new Fault(line, `${p.key} count must equal that of NodeName records or there must be no more than one (${l.length} != ${names.length})`);
      }
      return l;
    };
    const addrs = list('nodeaddr') ?? list('nodehostname');
    const hosts = list('nodehostname');
    const ports = list('port')?.map((s) => {
      const n = Number(s);
      if (!/^\d+$/.test(s) || n < 1 || n > 65535) throw new Fault(line, `Invalid Port ${s}`);
      return n;
    }) ?? null;
    const shape = this.nodeShape(t, head.value, line);
    names.forEach((name, i) => {
      if (this.nodeNames.has(name)) throw new Fault(line, `Duplicated NodeName ${name}`);
      this.nodeNames.add(name);
      const pick = <T>(l: readonly T[] | null): T | null => (l ? (l[i] ?? l[0] ?? null) : null);
      this.nodes.push({ name, ...shape, addr: pick(addrs), hostname: pick(hosts), port: pick(ports) });
    });
  }

  /** _parse_nodename: CPUs and socket/core/thread counts inferred from each other. */
  nodeShape(t: Map<string, Pair>, names: string, line: number): Omit<NodeConfig, 'name' | 'addr' | 'hostname' | 'port'> {
    const get = (k: string, bits: 16 | 32 | 64, inf: number): number | null => {
      const p = t.get(k);
      return p ? finite(unsigned(p, line, bits), inf) : null;
    };
    const atLeastOne = (n: number | null, key: string, fallback: number): number => {
      if (n !== 0) return n ?? fallback;
      this.warn(line, `NodeNames=${names} ${key}=0 is invalid, reset to 1`);
      return 1;
    };
    const cores = atLeastOne(get('corespersocket', 16, 0xffff), 'CoresPerSocket', 1);
    const threads = atLeastOne(get('threadspercore', 16, 0xffff), 'ThreadsPerCore', 1);
    const givenCpus = get('cpus', 16, 0xffff) ?? get('procs', 16, 0xffff);
    let cpus = givenCpus === null ? null : atLeastOne(givenCpus, 'CPUs', 1);
    const givenSockets = get('sockets', 16, 0xffff);
    let sockets: number;
    if (givenSockets !== null) sockets = atLeastOne(givenSockets, 'Sockets', 1);
    else if (cpus !== null && cpus >= cores * threads && cpus % (cores * threads) === 0) sockets = cpus / (cores * threads);
    else sockets = 1;
    cpus ??= sockets * cores * threads;
    if (cpus !== sockets && cpus !== sockets * cores && cpus !== sockets * cores * threads) {
      this.warn(line, `NodeNames=${names} CPUs=${cpus} match no Sockets, Sockets*CoresPerSocket or Sockets*CoresPerSocket*ThreadsPerCore. Resetting CPUs.`);
      cpus = sockets * cores * threads;
    }
    let weight = get('weight', 32, 0xffffffff) ?? 1;
    if (weight === 0xffffffff) weight -= 1;
    const realMemory = get('realmemory', 64, Number.MAX_SAFE_INTEGER) ?? 1;
    return { cpus, realMemory, sockets, coresPerSocket: cores, threadsPerCore: threads, weight };
  }

  partitionLine(head: Pair, pairs: Pair[], line: number): void {
    const t = this.table(pairs, this.partDefaults, PART_USED, PART_IGNORED, 'PartitionName', line);
    if (head.value.toUpperCase() === 'DEFAULT') {
      this.partDefaults = t;
      return;
    }
    const name = nonEmpty(head, line);
    if (this.parts.some((p) => p.name === name)) throw new Fault(line, `Duplicate PartitionName ${name}`);
    const time = (key: string): number | null | undefined => {
      const p = t.get(key);
      if (!p) return undefined;
      const v = parseConfigMinutes(p.value);
      if (v === null) throw new Fault(line, `Bad value "${p.value}" for ${p.key}`);
      return v === 'UNLIMITED' ? null : v;
    };
    let state: PartitionConfig['state'] = 'UP';
    const st = t.get('state');
    if (st) {
      // Slurm matches these by prefix.
      const v = st.value.toUpperCase();
      const found = (['DOWN', 'UP', 'DRAIN', 'INACTIVE'] as const).find((s) => v.startsWith(s));
      if (!found) throw new Fault(line, `Bad value "${st.value}" for State`);
      state = found;
    }
    const tier = t.get('priority') ?? t.get('prioritytier');
    const def = t.get('default');
    this.parts.push({
      line,
      name,
      nodes: t.get('nodes')?.value.replace(/\s/g, ',') ?? null,
      isDefault: def ? boolean(def, line) : false,
      maxTime: time('maxtime') ?? null,
      defaultTime: time('defaulttime') ?? null,
      state,
      priorityTier: tier ? finite(unsigned(tier, line, 16), 0xffff) : 1,
    });
  }

  /** Partition node lists refer to nodes defined anywhere in the file: resolve them last. */
  partitions(): PartitionConfig[] {
    const index = new Map(this.nodes.map((n, i) => [n.name, i]));
    const defaults = this.parts.filter((p) => p.isDefault);
    const last = defaults[defaults.length - 1];
    for (const p of defaults.slice(0, -1)) {
      this.warn(p.line, `PartitionName=${p.name} Default=YES overridden by PartitionName=${last?.name ?? ''}`);
    }
    return this.parts.map((p) => {
      let nodes: string[] = [];
      if (p.nodes !== null && p.nodes.toUpperCase() === 'ALL') {
        nodes = this.nodes.map((n) => n.name);
      } else if (p.nodes !== null) {
        const names = expandHostlist(p.nodes);
        if (!names) throw new Fault(p.line, `PartitionName=${p.name}: invalid Nodes=${p.nodes}`);
        const missing = names.find((n) => !index.has(n));
        if (missing !== undefined) throw new Fault(p.line, `PartitionName=${p.name}: node ${missing} is not defined`);
        nodes = [...new Set(names)].sort((a, b) => (index.get(a) ?? 0) - (index.get(b) ?? 0));
      }
      const { line: _line, ...rest } = p;
      return { ...rest, nodes, isDefault: p === last };
    });
  }
}

export function parseConfig(text: string, file: string): ConfigResult {
  const parser = new Parser();
  try {
    for (const l of logicalLines(text)) parser.line(l.text, l.line);
    const c = parser.cfg;
    if (c.defMemPerNode !== null && c.defMemPerCpu !== null) {
      parser.warn(parser.defMemPerCpuLine, 'DefMemPerCPU ignored, since it is mutually exclusive with DefMemPerNode');
      c.defMemPerCpu = null;
    }
    const partitions = parser.partitions();
    return { ok: true, config: { ...c, nodes: parser.nodes, partitions }, warnings: parser.warnings };
  } catch (e) {
    if (e instanceof Fault) return { ok: false, error: `${file}:${e.line}: ${e.reason}` };
    throw e;
  }
}

/** Where to reach a node's agent: NodeAddr, else NodeHostname, else its name (Slurm's chain). */
export function nodeAddress(n: NodeConfig): string {
  return n.addr ?? n.hostname ?? n.name;
}
