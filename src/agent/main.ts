// ratchetd: the node agent. `ratchetd [-f ratchet.conf] -N NODE`.
// Registers with the controller (listing the jobs it still runs or still has to report),
// heartbeats, launches batch jobs through JobRunner (one cgroup per job), relays the
// time-limit moment, and reports each completion with its evidence until the controller
// acknowledges it (a controller that is down gets it after its restart).
//
// Protocol: POST /v1/launch (LaunchRequest), /v1/terminate, /v1/signal, /v1/suspend from the controller;
// POST /v1/agent/{register,heartbeat,timelimit,complete} to it.

import http from 'node:http';
import os from 'node:os';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigFile } from '../api/config-file.ts';
import type { RatchetConfig, NodeConfig } from '../core/config-model.ts';
import type { AgentRegister, CompletionReport, LaunchRequest, SignalRequest, SuspendRequest, TerminateRequest } from '../api/wire.ts';
import { Router, HttpError } from '../lib/http.ts';
import type { Request } from '../lib/http.ts';
import { confPath } from '../lib/conf-file.ts';
import { verifyHeaders } from '../lib/auth-header.ts';
import { isDaemonUid } from '../lib/users.ts';
import { detectCgroups, favorDynmodsHint } from './cgroup.ts';
import { readText } from './proc.ts';
import type { CgroupDriver } from './cgroup.ts';
import { JobRunner } from './job-runner.ts';
import { AgentSteps } from './steps.ts';
import { stepStat } from './step-stat.ts';
import type { StepStat } from '../api/stat-wire.ts';
import type { RunReport } from './run-report.ts';
import { nodeLoad, osName } from './node-load.ts';
import { SESSION_ROUTE, SessionClient, SessionIssuer } from '../lib/daemon-session.ts';

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `<jobId>.<attempt>`, the key of a run. */
function idOf(key: string): { jobId: number; attempt: number } {
  const [jobId, attempt] = key.split('.').map(Number);
  return { jobId: jobId ?? 0, attempt: attempt ?? 0 };
}

function fatal(msg: string): never {
  process.stderr.write(`ratchetd: fatal: ${msg}\n`);
  process.exit(1);
}

class Agent {
  private readonly runners = new Map<string, JobRunner>();
  /** Completions not yet acknowledged by the controller. */
  private readonly unacked = new Map<string, CompletionReport>();
  private readonly started = Date.now();
  private readonly ctlHost: string;
  /** Our session with the controller, and the ones the controller holds with us. */
  private readonly toCtl: SessionClient;
  private readonly sessions: SessionIssuer;

  readonly cfg: RatchetConfig;
  readonly node: NodeConfig;
  readonly port: number;
  readonly cgroups: CgroupDriver;
  readonly steps: AgentSteps;

  constructor(cfg: RatchetConfig, node: NodeConfig, port: number, cgroups: CgroupDriver) {
    this.cfg = cfg;
    this.node = node;
    this.port = port;
    this.cgroups = cgroups;
    this.ctlHost = cfg.controlHost;
    this.toCtl = new SessionClient(cfg, (uid) => isDaemonUid(uid, cfg.slurmUser));
    this.sessions = new SessionIssuer(cfg);
    this.steps = new AgentSteps({
      auth: cfg, node: node.name, cgroups, cgroupName: this.cgroupName(),
      batchHost: (jobId) => {
        const r = [...this.runners.values()].find((x) => x.jobId === jobId);
        const l = r?.launchRequest;
        return r === undefined || l === undefined ? null
          : { attempt: r.attempt, cgroup: r.cgroup, uid: l.user.uid, gid: l.user.gid, killWait: l.killWait };
      },
      report: (rep) => void this.deliver('/v1/agent/step', rep),
      log: (m) => process.stderr.write(`ratchetd ${node.name}: ${m}\n`),
    });
  }

  private toController<T>(path: string, body: unknown): Promise<T> {
    return this.toCtl.call<T>(this.ctlHost, this.cfg.controlPort, path, body, { timeoutMs: 10_000 });
  }

  /**
   * Only the controller (root or SlurmUser) may drive this agent: a call signed with a
   * session it holds with us, or (`mungeOnly`, and calls without one) a MUNGE credential.
   */
  private async fromController(req: Request, mungeOnly = false): Promise<{ uid: number; gid: number }> {
    const s = mungeOnly ? null : this.sessions.verify(req.headers, req.method, req.path);
    const v = s ?? await verifyHeaders(this.cfg, req.headers, req.method, req.path);
    if (!v.ok) throw new HttpError(401, { error: 'Protocol authentication error', detail: [v.error] });
    if (!isDaemonUid(v.uid, this.cfg.slurmUser)) throw new HttpError(403, { error: 'Access/permission denied' });
    return v;
  }

  /** Keep calling until the controller answers 2xx. */
  private async deliver(path: string, body: unknown): Promise<void> {
    for (let i = 0; ; i++) {
      try {
        await this.toController(path, body);
        return;
      } catch (e) {
        if (e instanceof HttpError && e.status >= 400 && e.status < 500) {
          // refused, not lost in transit: retrying would be refused again
          process.stderr.write(`ratchetd ${this.node.name}: the controller refused ${path} (${e.status}): ${e.message}\n`);
          return;
        }
        await delay(Math.min(2000, 25 * 2 ** i));
      }
    }
  }

  registration(): AgentRegister {
    // The freezer state goes with each live run, so a controller that restarted (or lost a
    // suspend/resume on the way) can tell the agent again; the agent itself never changes it.
    const live = [...this.runners].map(([k, r]) => ({ ...idOf(k), suspended: r.phase === 'suspended' }));
    const running = [...live, ...this.steps.running(), ...[...this.unacked.keys()].map(idOf)];
    return {
      node: this.node.name,
      addr: this.node.addr ?? '127.0.0.1',
      port: this.port,
      cpus: this.node.cpus,
      realMemory: this.node.realMemory,
      bootTime: Date.now() - os.uptime() * 1000,
      startTime: this.started,
      os: osName(),
      ...nodeLoad(),
      arch: os.arch() === 'x64' ? 'x86_64' : os.arch(),
      running,
    };
  }

  async register(): Promise<void> {
    await this.deliver('/v1/agent/register', this.registration());
  }

  async heartbeats(): Promise<void> {
    const every = Math.max(1, Math.min(30, Math.floor(this.cfg.slurmdTimeout / 3))) * 1000;
    for (;;) {
      await delay(every);
      try {
        const r = await this.toController<{ known: boolean }>('/v1/agent/heartbeat', { node: this.node.name, ...nodeLoad() });
        if (!r.known) await this.register();
      } catch {
        // controller down: the next heartbeat retries; completions retry on their own
      }
    }
  }

  /** Marker files of launched, not yet acknowledged runs: they outlive this process. */
  private markerDir(): string {
    return join(this.cfg.spoolDir, this.node.name, 'launched');
  }

  /**
   * Runs an earlier incarnation of this agent launched and never saw acknowledged. Their
   * processes were ended at start (cleanupStale); they are reported as lost, never relaunched.
   */
  recoverLost(): void {
    let names: string[] = [];
    try {
      names = readdirSync(this.markerDir());
    } catch {
      return;
    }
    for (const name of names) {
      const [jobId, attempt] = name.split('.').map(Number);
      if (!Number.isInteger(jobId) || !Number.isInteger(attempt)) continue;
      const now = Date.now();
      const report: CompletionReport = {
        node: this.node.name, jobId: jobId ?? 0, attempt: attempt ?? 0, steps: [],
        evidence: {
          exitCode: null, signal: null, oomKills: 0, timeLimitAt: null, killedAfterWait: false,
          launchError: 'the node agent restarted while the job ran', peakMemBytes: null, memLimitBytes: null,
          userCpu: 0, systemCpu: 0, startedAt: now, endedAt: now,
        },
      };
      this.unacked.set(name, report);
      void this.deliver('/v1/agent/complete', report).then(() => this.acked(name));
    }
  }

  private acked(key: string): void {
    this.unacked.delete(key);
    rmSync(join(this.markerDir(), key), { force: true });
  }

  launch(l: LaunchRequest): void {
    const key = `${l.job.id}.${l.attempt}`;
    if (this.runners.has(key) || this.unacked.has(key) || this.steps.has(l.job.id, l.attempt)) return;
    mkdirSync(this.markerDir(), { recursive: true });
    writeFileSync(join(this.markerDir(), key), '');
    const onComplete = (done: RunReport): void => {
      const report: CompletionReport = { node: this.node.name, jobId: l.job.id, attempt: l.attempt, ...done };
      this.unacked.set(key, report);
      this.runners.delete(key);
      void this.deliver('/v1/agent/complete', report).then(() => this.acked(key));
    };
    const onTimeLimit = (at: number): void => {
      void this.deliver('/v1/agent/timelimit', { node: this.node.name, jobId: l.job.id, attempt: l.attempt, at });
    };
    // srun's allocation outside a job: no batch script, srun runs its step in it.
    if (l.job.req.alloc === true) {
      this.steps.allocate(l, onTimeLimit, onComplete);
      return;
    }
    const runner = JobRunner.start({
      launch: l,
      node: this.node.name,
      cgroupName: this.cgroupName(),
      spoolDir: join(this.cfg.spoolDir, this.node.name),
      cgroups: this.cgroups,
      steps: this.steps.hooks(l.job.id),
      onTimeLimit,
      onComplete,
    });
    this.runners.set(key, runner);
    // Suspended before the launch arrived: frozen as soon as the script runs.
    if (l.job.state === 'SUSPENDED') runner.suspend();
  }

  /** Unique per agent on this machine: node name plus the port it serves. */
  cgroupName(): string {
    return `${this.node.name}_${this.port}`;
  }

  runner(jobId: number, attempt: number): JobRunner | undefined {
    return this.runners.get(`${jobId}.${attempt}`);
  }

  /** sstat: the job's running steps on this node, the batch step first. */
  stat(jobId: number): StepStat[] {
    const srun = this.steps.runningSteps(jobId);
    const out = srun.map((s) => stepStat(s.cg, s.stepId, this.node.name, s.ntasks));
    const batch = [...this.runners.values()].find((x) => x.jobId === jobId && x.phase !== 'done')?.cgroup ?? null;
    if (batch !== null) out.unshift(stepStat(batch, 'batch', this.node.name, 1, new Set(out.flatMap((s) => s.pids))));
    return out;
  }

  routes(): Router {
    const r = new Router();
    r.on('GET', '/v1/ping', () => ({ ok: true, node: this.node.name }));
    r.on('POST', SESSION_ROUTE, async (req) => {
      const who = await this.fromController(req, true);
      return this.sessions.grant(who.uid, who.gid);
    });
    // A restarted controller asks the agents it knew to register again at once (with the
    // list of what they run) instead of waiting for their next heartbeat.
    r.on('POST', '/v1/reregister', async (req) => {
      await this.fromController(req);
      void this.register();
      return { ok: true };
    });
    r.on('POST', '/v1/launch', async (req) => {
      await this.fromController(req);
      const l = req.body as LaunchRequest;
      if (typeof l !== 'object' || l === null || typeof l.attempt !== 'number' || typeof l.job !== 'object') {
        throw new HttpError(400, { error: 'Unexpected message received' });
      }
      this.launch(l);
      return { ok: true };
    });
    r.on('POST', '/v1/terminate', async (req) => {
      await this.fromController(req);
      const t = req.body as TerminateRequest;
      this.runner(t.jobId, t.attempt)?.terminate(t.cause, t.scope);
      this.steps.terminate(t.jobId, t.attempt, t.cause);
      return { ok: true };
    });
    r.on('POST', '/v1/timelimit', async (req) => {
      await this.fromController(req);
      const t = req.body as { jobId: number; attempt: number; timeLimit: number | null };
      this.runner(t.jobId, t.attempt)?.setTimeLimit(t.timeLimit);
      return { ok: true };
    });
    r.on('POST', '/v1/stat', async (req) => {
      await this.fromController(req);
      const b = req.body as { jobId?: unknown } | null;
      if (typeof b?.jobId !== 'number') throw new HttpError(400, { error: 'Unexpected message received' });
      return { steps: this.stat(b.jobId) };
    });
    r.on('POST', '/v1/suspend', async (req) => {
      await this.fromController(req);
      const s = req.body as SuspendRequest | null;
      if (typeof s !== 'object' || s === null || (s.op !== 'suspend' && s.op !== 'resume')) {
        throw new HttpError(400, { error: 'Unexpected message received' });
      }
      const runner = this.runner(s.jobId, s.attempt);
      if (s.op === 'suspend') runner?.suspend();
      else runner?.resume();
      return { ok: true };
    });
    r.on('POST', '/v1/signal', async (req) => {
      await this.fromController(req);
      const s = req.body as SignalRequest;
      this.runner(s.jobId, s.attempt)?.signal(s.signal, s.scope);
      if (this.steps.has(s.jobId, s.attempt)) this.steps.signal(s.jobId, s.signal);
      return { ok: true };
    });
    return r;
  }
}

export function main(argv: string[]): void {
  const file = confPath(argv, process.env);
  const ni = argv.indexOf('-N');
  const parsed = loadConfigFile(file);
  if (!parsed.ok) fatal(parsed.error);
  for (const w of parsed.warnings) process.stderr.write(`ratchetd: warning: ${file}:${w.line}: ${w.message}\n`);
  const cfg = parsed.config;
  const name = ni >= 0 ? argv[ni + 1] : os.hostname().split('.')[0];
  const node = cfg.nodes.find((n) => n.name === name);
  if (node === undefined) fatal(`node ${name ?? ''} is not in ${file}`);
  const port = node.port ?? cfg.agentPort;
  const agent = new Agent(cfg, node, port, detectCgroups());
  const routes = agent.routes().listener();
  // srun's step routes stream their answer, so they are served before the JSON router.
  const server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    if (!agent.steps.handle(req, res)) routes(req, res);
  });
  server.on('error', (e) => fatal(`cannot listen on port ${port}: ${e.message}`));
  server.listen(port, node.addr ?? '0.0.0.0', () => {
    process.stderr.write(`ratchetd ${node.name}: listening on port ${port}\n`);
    const hint = favorDynmodsHint(readText('/proc/mounts') ?? '');
    if (hint !== null) process.stderr.write(`ratchetd ${node.name}: note: ${hint}\n`);
    // Jobs of an earlier incarnation of this agent are not re-adopted: end them first.
    void agent.cgroups.cleanupStale(agent.cgroupName()).catch(() => 0).then(() => {
      agent.recoverLost();
      return agent.register();
    });
    void agent.heartbeats();
  });
  process.on('SIGTERM', () => process.exit(0));
  process.on('SIGINT', () => process.exit(0));
}

