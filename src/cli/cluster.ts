// `ratchet cluster up|down|status`: a local cluster (one controller, N agents) in the
// background on free ports, with all state under DIR. `up` writes DIR/ratchet.conf and
// DIR/env.sh (RATCHET_CONF plus the CLI links first on PATH); `down` stops exactly the
// processes `up` started, by pid (checked against their command line, never by name).
// The e2e tests use the same functions.

import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { call } from '../lib/http.ts';
import { authHeaders } from '../lib/auth-header.ts';
import type { AuthSettings } from '../lib/auth-header.ts';
import { startMunged, stopMunged } from '../lib/munged.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const NODE = process.execPath;
const MAIN = join(ROOT, 'src/main.ts');

export interface ClusterOptions {
  dir: string;
  nodes: number;
  cpus: number;
  mem: number;
  /** Extra `Key=Value` config lines (override the defaults written before them). */
  set: string[];
  timeResolution: 'minutes' | 'seconds';
  /** auth/munge (default: a private munged under DIR/munge) or the single-user auth/none. */
  auth?: 'munge' | 'none';
}

export interface ClusterHandle {
  dir: string;
  conf: string;
  controlPort: number;
  env: Record<string, string>;
  auth: AuthSettings;
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => res(port));
    });
  });
}

function writeConf(o: ClusterOptions, ctlPort: number, agentPorts: number[], auth: AuthSettings): string {
  const lines = [
    '# Written by `ratchet cluster up`.',
    'ClusterName=ratchet',
    'SlurmctldHost=localhost(127.0.0.1)',
    `SlurmctldPort=${ctlPort}`,
    `AuthType=${auth.authType}`,
    ...(auth.mungeSocket !== null ? [`AuthInfo=socket=${auth.mungeSocket}`] : []),
    `StateSaveLocation=${join(o.dir, 'state')}`,
    `SlurmdSpoolDir=${join(o.dir, 'spool')}`,
    'KillWait=5',
    'MinJobAge=300',
    'SlurmdTimeout=300',
    'DefMemPerCPU=256',
    `TimeResolution=${o.timeResolution}`,
  ];
  for (let i = 0; i < o.nodes; i++) {
    // One socket of `cpus` cores, as a small VM is (and as the peer Slurm is configured), not
    // Slurm's CPUs-only default of one single-core socket per CPU.
    lines.push(`NodeName=n${i + 1} NodeAddr=127.0.0.1 Port=${agentPorts[i] ?? 0} CPUs=${o.cpus} Sockets=1 CoresPerSocket=${o.cpus} ThreadsPerCore=1 RealMemory=${o.mem}`);
  }
  lines.push('PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP');
  // Later lines win for plain keys, so --set overrides the defaults above.
  lines.push(...o.set);
  const conf = join(o.dir, 'ratchet.conf');
  writeFileSync(conf, `${lines.join('\n')}\n`);
  return conf;
}

/**
 * The daemons start as bin/ratchet starts the CLI, on Node's compile cache: besides the
 * start-up time this keeps the TypeScript stripper out of the process, about 35 MB less
 * resident memory, and an agent forks every job, at a cost that grows with its size.
 */
function compileCache(): string {
  return process.env.NODE_COMPILE_CACHE ?? join(process.env.TMPDIR ?? '/tmp', 'ratchet-compile-cache');
}

function daemon(dir: string, name: string, args: string[]): number {
  mkdirSync(join(dir, 'log'), { recursive: true });
  mkdirSync(join(dir, 'pids'), { recursive: true });
  const log = openSync(join(dir, 'log', `${name}.log`), 'a');
  const child = spawn(NODE, ['--disable-warning=ExperimentalWarning', MAIN, ...args], {
    detached: true, stdio: ['ignore', log, log], env: { ...process.env, NODE_COMPILE_CACHE: compileCache() },
  });
  closeSync(log);
  child.unref();
  const pid = child.pid ?? 0;
  writeFileSync(join(dir, 'pids', `${name}.pid`), `${pid}\n`);
  return pid;
}

export function startController(dir: string, conf: string): number {
  return daemon(dir, 'ratchetctld', ['ratchetctld', '-f', conf]);
}

export function startAgent(dir: string, conf: string, node: string): number {
  return daemon(dir, `ratchetd-${node}`, ['ratchetd', '-f', conf, '-N', node]);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One authenticated API call to a cluster's controller (tests, benchmarks, `up`). */
export async function api<T>(auth: AuthSettings, port: number, path: string, body?: unknown): Promise<T> {
  const headers = await authHeaders(auth, body === undefined ? 'GET' : 'POST', path);
  return call<T>('127.0.0.1', port, path, body, { headers });
}

/** Wait (bounded) until the controller answers and `nodes` agents have registered. */
export async function waitReady(auth: AuthSettings, port: number, nodes: number, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await api<{ nodes: { state: string }[] }>(auth, port, '/v1/nodes');
      if (r.nodes.filter((n) => n.state !== 'UNKNOWN' && n.state !== 'DOWN').length >= nodes) return;
    } catch {
      // not up yet
    }
    if (Date.now() > until) throw new Error(`cluster not ready after ${timeoutMs} ms (see logs)`);
    await sleep(50);
  }
}

export async function clusterUp(o: ClusterOptions): Promise<ClusterHandle> {
  mkdirSync(o.dir, { recursive: true });
  const ctlPort = await freePort();
  const agentPorts: number[] = [];
  for (let i = 0; i < o.nodes; i++) agentPorts.push(await freePort());
  let auth: AuthSettings = { authType: 'auth/none', mungeSocket: null };
  if (o.auth !== 'none') {
    const m = await startMunged(join(o.dir, 'munge'));
    writeFileSync(join(o.dir, 'munge', 'munged.pidfile'), `${m.pid}\n`);
    auth = { authType: 'auth/munge', mungeSocket: m.socket };
  }
  const conf = writeConf(o, ctlPort, agentPorts, auth);
  startController(o.dir, conf);
  for (let i = 0; i < o.nodes; i++) startAgent(o.dir, conf, `n${i + 1}`);
  await waitReady(auth, ctlPort, o.nodes);
  const env = { RATCHET_CONF: conf, PATH: `${join(ROOT, 'bin')}:${process.env.PATH ?? ''}` };
  writeFileSync(join(o.dir, 'env.sh'),
    `# source this file to use the cluster in ${o.dir}\nexport RATCHET_CONF='${conf}'\nexport PATH='${join(ROOT, 'bin')}':"$PATH"\n`);
  return { dir: o.dir, conf, controlPort: ctlPort, env, auth };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Is this pid still the daemon we started (and not a recycled pid)? */
function ours(pid: number, dir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(join(dir, 'ratchet.conf'));
  } catch {
    return false;
  }
}

export function pidOf(dir: string, name: string): number | null {
  try {
    const pid = Number(readFileSync(join(dir, 'pids', `${name}.pid`), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Stop one daemon: SIGTERM (or the given signal), then SIGKILL after 5 s. */
export async function stopDaemon(dir: string, name: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  const pid = pidOf(dir, name);
  if (pid === null || !ours(pid, dir)) return;
  process.kill(pid, signal);
  const until = Date.now() + 5000;
  while (alive(pid) && ours(pid, dir) && Date.now() < until) await sleep(20);
  if (alive(pid) && ours(pid, dir)) process.kill(pid, 'SIGKILL');
  while (alive(pid) && ours(pid, dir)) await sleep(10);
}

export async function clusterDown(dir: string): Promise<void> {
  const pids = join(dir, 'pids');
  if (!existsSync(pids)) mkdirSync(pids, { recursive: true });
  const names = readdirSync(pids).filter((f) => f.endsWith('.pid')).map((f) => f.slice(0, -4));
  // Agents first, so nothing reports to a controller that is going away.
  names.sort((a, b) => Number(a === 'ratchetctld') - Number(b === 'ratchetctld'));
  for (const n of names) await stopDaemon(dir, n);
  rmSync(pids, { recursive: true, force: true });
  const munged = join(dir, 'munge', 'munged.pidfile');
  if (existsSync(munged)) {
    await stopMunged(Number(readFileSync(munged, 'utf8').trim()));
    rmSync(munged, { force: true });
  }
}

export async function main(argv: string[]): Promise<void> {
  const [verb = '', ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      dir: { type: 'string', default: join(process.cwd(), 'cluster') },
      nodes: { type: 'string', default: '2' },
      cpus: { type: 'string', default: '2' },
      mem: { type: 'string', default: '3000' },
      set: { type: 'string', multiple: true, default: [] },
      'time-resolution': { type: 'string', default: 'minutes' },
      auth: { type: 'string', default: 'munge' },
    },
  });
  const dir = resolve(values.dir);
  if (verb === 'up') {
    const tr = values['time-resolution'] === 'seconds' ? 'seconds' : 'minutes';
    const h = await clusterUp({
      dir, nodes: Number(values.nodes), cpus: Number(values.cpus), mem: Number(values.mem), set: values.set, timeResolution: tr,
      auth: values.auth === 'none' ? 'none' : 'munge',
    });
    process.stdout.write(`cluster up: controller on port ${h.controlPort}, ${values.nodes} agent(s), state in ${dir}\n` +
      `use it with:  . ${join(dir, 'env.sh')}\n`);
  } else if (verb === 'down') {
    await clusterDown(dir);
    process.stdout.write(`cluster down: ${dir}\n`);
  } else {
    process.stderr.write('usage: ratchet cluster up|down [--dir DIR] [--nodes N] [--cpus C] [--mem MB] [--set Key=Value]...\n');
    process.exitCode = 2;
  }
}
