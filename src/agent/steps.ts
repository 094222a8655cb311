// The agent's srun steps: launches StepRunners inside the jobs this agent runs, streams
// their output to srun, reports each step's record to the controller, and holds the
// allocations srun makes outside a job (a cgroup with the job's limits and no batch
// script, which ends when its step does).
//
// Protocol: POST /v1/step/launch (a StepLaunchRequest JSON line, then srun's stdin for the
// tasks until it ends; answered with an NDJSON stream of StepMsg) and POST /v1/step/signal, both authenticated as the job's owner or root;
// POST /v1/agent/step to the controller through `report`.
// Test hooks: none beyond the options.

import * as fs from 'node:fs';
import { dirname, join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LaunchRequest } from '../api/wire.ts';
import type { StepLaunchRequest, StepMsg, StepReport, StepSignalRequest } from '../api/step-wire.ts';
import type { AuthSettings } from '../lib/auth-header.ts';
import { verifyHeaders } from '../lib/auth-header.ts';
import { stepBanner } from '../core/step.ts';
import type { CgroupDriver, JobCgroup } from './cgroup.ts';
import type { TerminateCause } from './launch.ts';
import { cancelBanner } from './launch.ts';
import { errText } from './proc.ts';
import { readBody, send as sendJson } from '../lib/http.ts';
import type { RunReport } from './run-report.ts';
import { runReport } from './run-report.ts';
import type { JobStepHooks } from './step-hooks.ts';
import { StepRunner } from './step-runner.ts';
import { readHead } from './step-input.ts';
import type { StepEnd } from './step-runner.ts';

/** A job this agent runs, as far as its steps are concerned. */
export interface StepHost {
  readonly attempt: number;
  readonly cgroup: JobCgroup | null;
  readonly uid: number;
  readonly gid: number;
  readonly killWait: number;
}

export interface AgentStepsOptions {
  readonly auth: AuthSettings;
  readonly node: string;
  readonly cgroups: CgroupDriver;
  readonly cgroupName: string;
  /** The batch job runner of `jobId` on this node, if any. */
  batchHost(jobId: number): StepHost | null;
  report(rep: StepReport): void;
  log(message: string): void;
}

interface Live {
  readonly runner: StepRunner;
  readonly attempt: number;
  readonly stderrId: string | null;
}

interface Alloc {
  readonly launch: LaunchRequest;
  cg: JobCgroup | null;
  stepRan: boolean;
  timeLimitAt: number | null;
  timer: NodeJS.Timeout | null;
  ended: boolean;
  readonly onTimeLimit: (at: number) => void;
  readonly onComplete: (r: RunReport) => void;
}

const fileId = (path: string): string | null => {
  try {
    const st = fs.statSync(path);
    return `${st.dev}:${st.ino}`;
  } catch {
    return null;
  }
};

export class AgentSteps {
  private readonly opts: AgentStepsOptions;
  private readonly live = new Map<string, Live>();
  private readonly oomByJob = new Map<number, number>();
  private readonly allocs = new Map<number, Alloc>();

  constructor(opts: AgentStepsOptions) {
    this.opts = opts;
  }

  private ofJob(jobId: number): Live[] {
    return [...this.live.values()].filter((l) => l.runner.jobId === jobId);
  }

  /** The running srun steps of a job on this node, with their cgroups (for sstat). */
  runningSteps(jobId: number): { stepId: number; cg: JobCgroup; ntasks: number }[] {
    const out: { stepId: number; cg: JobCgroup; ntasks: number }[] = [];
    for (const l of this.ofJob(jobId)) {
      const cg = l.runner.cgroup;
      if (cg !== null) out.push({ stepId: l.runner.stepId, cg, ntasks: l.runner.taskCount });
    }
    return out;
  }

  /** What a batch JobRunner calls on the steps of its job. */
  hooks(jobId: number): JobStepHooks {
    return {
      signal: (sig) => {
        for (const l of this.ofJob(jobId)) l.runner.signal(sig);
      },
      abort: (cause, at, jobBanner, jobStderr) => this.abortSteps(jobId, cause, at, jobBanner, fileId(jobStderr)),
      settle: async (timeoutMs) => {
        const all = Promise.all(this.ofJob(jobId).map((l) => l.runner.done));
        await Promise.race([all, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
      },
      oomKills: () => this.oomByJob.get(jobId) ?? 0,
    };
  }

  private abortSteps(jobId: number, _cause: TerminateCause, _at: number, jobBanner: string, stderrId: string | null): boolean {
    let delegated = false;
    for (const l of this.ofJob(jobId)) {
      const lines = [stepBanner(jobBanner, jobId, l.runner.stepId).trimEnd()];
      if (!delegated && stderrId !== null && l.stderrId === stderrId) {
        lines.push(jobBanner.trimEnd());
        delegated = true;
      }
      l.runner.abort(lines);
    }
    return delegated;
  }

  // ---- allocations made by srun outside a job ------------------------------------------

  /** Jobs held here for srun (the registration lists them with the batch runs). */
  running(): { jobId: number; attempt: number }[] {
    return [...this.allocs.values()].filter((a) => !a.ended).map((a) => ({ jobId: a.launch.job.id, attempt: a.launch.attempt }));
  }

  has(jobId: number, attempt: number): boolean {
    const a = this.allocs.get(jobId);
    return a !== undefined && a.launch.attempt === attempt;
  }

  allocate(l: LaunchRequest, onTimeLimit: (at: number) => void, onComplete: (r: RunReport) => void): void {
    const a: Alloc = { launch: l, cg: null, stepRan: false, timeLimitAt: null, timer: null, ended: false, onTimeLimit, onComplete };
    this.allocs.set(l.job.id, a);
    void (async () => {
      try {
        a.cg = await this.opts.cgroups.create(this.opts.cgroupName, l.job.id, l.attempt);
        if (l.memLimitBytes !== null) a.cg.setMemoryLimit(l.memLimitBytes);
      } catch (err) {
        this.opts.log(`job ${l.job.id}: ${errText(err)}`);
        this.endAlloc(a, null, `launch setup: ${errText(err)}`);
        return;
      }
      const end = l.job.endTime;
      if (end !== null) {
        a.timer = setTimeout(() => {
          a.timeLimitAt = Date.now();
          a.onTimeLimit(a.timeLimitAt);
          this.terminate(l.job.id, l.attempt, 'timeout');
        }, Math.max(0, Math.min(2 ** 31 - 1, end - Date.now())));
      }
    })();
  }

  /** Ends an allocation (cancel, time limit): its step is aborted, or it ends at once without one. */
  terminate(jobId: number, attempt: number, cause: TerminateCause): void {
    const a = this.allocs.get(jobId);
    if (a === undefined || a.launch.attempt !== attempt || a.ended) return;
    const running = this.ofJob(jobId);
    if (running.length === 0) {
      this.endAlloc(a, null, null);
      return;
    }
    this.abortSteps(jobId, cause, Date.now(), cancelBanner(this.opts.node, jobId, cause, Date.now()), null);
  }

  signal(jobId: number, sig: number): void {
    for (const l of this.ofJob(jobId)) l.runner.signal(sig);
  }

  private endAlloc(a: Alloc, end: StepEnd | null, launchError: string | null): void {
    if (a.ended) return;
    a.ended = true;
    if (a.timer !== null) clearTimeout(a.timer);
    const worst = end?.tasks.find((t) => t.signal !== null) ?? [...(end?.tasks ?? [])].sort((x, y) => (y.code ?? 0) - (x.code ?? 0))[0];
    const now = Date.now();
    const report = runReport({
      exit: { code: worst?.code ?? 0, signal: worst?.signal ?? null, launchError }, oomKills: end?.oomKills ?? 0,
      peak: end?.record.maxRssBytes ?? null, cpu: { user: end?.record.userCpu ?? 0, system: end?.record.systemCpu ?? 0 },
      timeLimitAt: a.timeLimitAt, killedAfterWait: false, memLimitBytes: a.launch.memLimitBytes, cpus: a.launch.cpus,
      node: this.opts.node, startedAt: end?.record.start ?? now, endedAt: end?.record.end ?? now,
    });
    // No batch step: the allocation's only step is srun's.
    const steps = end === null ? [] : [end.record];
    void (a.cg?.remove() ?? Promise.resolve()).catch((err: unknown) => this.opts.log(`job ${a.launch.job.id}: ${errText(err)}`)).finally(() => {
      this.allocs.delete(a.launch.job.id);
      a.onComplete({ evidence: report.evidence, steps });
    });
  }

  // ---- srun's requests -----------------------------------------------------------------

  private host(jobId: number, attempt: number): StepHost | null {
    const a = this.allocs.get(jobId);
    if (a !== undefined && a.launch.attempt === attempt && !a.ended) {
      return { attempt, cgroup: a.cg, uid: a.launch.user.uid, gid: a.launch.user.gid, killWait: a.launch.killWait };
    }
    const h = this.opts.batchHost(jobId);
    return h !== null && h.attempt === attempt ? h : null;
  }

  /** Serves srun's routes; false for any other request. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'POST' || (path !== '/v1/step/launch' && path !== '/v1/step/signal')) return false;
    this.serve(path, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: 'Unspecified error', detail: [errText(err)] });
      else res.end();
    });
    return true;
  }

  private async serve(path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A launch streams srun's stdin after its JSON line (step-input.ts).
    const body = path === '/v1/step/launch' ? await readHead(req) : await readBody(req).catch(() => null);
    const v = await verifyHeaders(this.opts.auth, req.headers, 'POST', path);
    if (!v.ok) return sendJson(res, 401, { error: 'Protocol authentication error', detail: [v.error] });
    if (path === '/v1/step/signal') {
      const s = body as Partial<StepSignalRequest> | null;
      if (s === null || typeof s.jobId !== 'number' || typeof s.stepId !== 'number' || typeof s.signal !== 'number') {
        return sendJson(res, 400, { error: 'Unexpected message received' });
      }
      const l = this.live.get(`${s.jobId}.${s.stepId}`);
      const h = l === undefined ? null : this.host(s.jobId, l.attempt);
      if (l === undefined || h === null) return sendJson(res, 404, { error: 'Invalid job id specified' });
      if (v.uid !== 0 && v.uid !== h.uid) return sendJson(res, 403, { error: 'Access/permission denied' });
      l.runner.signal(s.signal);
      return sendJson(res, 200, { ok: true });
    }
    const r = body as StepLaunchRequest | null;
    if (!isLaunch(r)) return sendJson(res, 400, { error: 'Unexpected message received' });
    const h = this.host(r.jobId, r.attempt);
    if (h === null || h.cgroup === null) return sendJson(res, 404, { error: 'Invalid job id specified' });
    if (v.uid !== 0 && v.uid !== h.uid) return sendJson(res, 403, { error: 'Access/permission denied' });
    const key = `${r.jobId}.${r.stepId}`;
    if (this.live.has(key)) return sendJson(res, 409, { error: 'Duplicate job id' });
    if (r.srunPid !== null) protectSrun(r.srunPid, h, (m) => this.opts.log(m));
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const send = (m: StepMsg): void => {
      if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify(m)}\n`);
    };
    const runner = StepRunner.start({
      req: r, node: this.opts.node, parent: h.cgroup, uid: h.uid, gid: h.gid, killWait: h.killWait, send, input: req,
      log: (m) => this.opts.log(m),
    });
    this.live.set(key, { runner, attempt: r.attempt, stderrId: r.stderrId });
    const alloc = this.allocs.get(r.jobId);
    if (alloc !== undefined) alloc.stepRan = true;
    // srun gone before its step ended (killed, connection lost): the step is killed.
    res.on('close', () => {
      if (this.live.get(key)?.runner === runner) runner.signal(9);
    });
    const end = await runner.done;
    this.live.delete(key);
    res.end();
    if (end.oomKills > 0) this.oomByJob.set(r.jobId, (this.oomByJob.get(r.jobId) ?? 0) + end.oomKills);
    if (alloc !== undefined) this.endAlloc(alloc, end, null);
    else this.opts.report({ node: this.opts.node, jobId: r.jobId, attempt: r.attempt, step: end.record });
  }
}

function isLaunch(r: unknown): r is StepLaunchRequest {
  if (typeof r !== 'object' || r === null) return false;
  const x = r as Record<string, unknown>;
  const int = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  return int(x.jobId) && int(x.attempt) && int(x.stepId) && typeof x.name === 'string' && Array.isArray(x.argv) && x.argv.length > 0
    && x.argv.every((a) => typeof a === 'string') && typeof x.env === 'object' && x.env !== null
    && Object.values(x.env).every((e) => typeof e === 'string') && typeof x.cwd === 'string' && x.cwd.startsWith('/')
    && Array.isArray(x.tasks) && x.tasks.length > 0 && x.tasks.length <= 4096 && x.tasks.every(int) && int(x.nodeIndex)
    && (x.stderrId === null || typeof x.stderrId === 'string') && (x.srunPid === null || int(x.srunPid)) && (x.cpusPerTask === null || int(x.cpusPerTask));
}

/**
 * srun (a Node process, tens of MB) inside the job's memory cgroup would be the OOM
 * killer's victim instead of the task that overran (Slurm's srun is a few MB). With cgroup
 * v1 it leaves the job's memory hierarchy only, for the node's parent (no limit): it stays
 * in the job's freezer, cpuacct and pids groups, so it is still frozen and killed with the
 * job. Only a process in this job's cgroup, of the job's user, running Node qualifies.
 */
function protectSrun(pid: number, h: StepHost, log: (m: string) => void): void {
  try {
    const cg = h.cgroup;
    if (cg === null || cg.countsChildOoms || !cg.path.includes('/memory/') || !cg.procs().includes(pid)) return;
    const uid = /^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    if (Number(uid) !== h.uid || fs.realpathSync(`/proc/${pid}/exe`) !== fs.realpathSync(process.execPath)) return;
    fs.writeFileSync(join(dirname(cg.path), 'cgroup.procs'), String(pid));
  } catch (err) {
    log(`srun ${pid}: leaving the job's memory cgroup: ${errText(err)}`);
  }
}


