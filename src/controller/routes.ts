// The controller's HTTP routes (all JSON, under /v1). CLI routes identify the caller
// through auth.ts; agent routes must come from an agent of a configured node.

import type { Job } from '../core/job.ts';
import type { UserIdentity } from '../core/job.ts';
import { parseStateName } from '../core/job-state.ts';
import type {
  AgentRegister, CancelRequest, CancelResult, CompletionReport, JobsResponse, PartitionInfo, TimeLimitReport,
} from '../api/wire.ts';
import { SlurmError } from '../api/wire.ts';
import { invalidSubmitField, isIntArray } from '../api/validate.ts';
import { HttpError, RawJson, Router } from '../lib/http.ts';
import { uidOf } from '../lib/users.ts';
import { expandHostlist } from '../core/hostlist.ts';
import type { Controller } from './controller.ts';
import { ControllerError } from './controller.ts';
import { identify as identifyRaw, identifyDaemon, isOperator, seesOnlyOwnJobs } from './auth.ts';
import type { Request } from '../lib/http.ts';
import { partitionNodes } from './submit.ts';
import { planUpdate } from './update.ts';
import { sstat } from './sstat.ts';
import { cancelJobs } from './cancel.ts';
import { recordsNamed } from './arrays.ts';
import type { IndexSet } from '../core/array-spec.ts';
import { accountingJobs, accountingLines } from './acct.ts';
import { cachedJobTexts, compactJobsBody } from '../api/job-codec.ts';
import { parseAcctQuery } from '../api/acct-query.ts';
import type { UpdateRequest } from './update.ts';
import { suspendJobs } from './suspend.ts';
import { escalationRoutes } from './escalation-routes.ts';
import { requeueJobs } from './requeue.ts';
import { reconcileRuns } from './node-fail.ts';
import { stepRoutes } from './steps.ts';
import { SESSION_ROUTE } from '../lib/daemon-session.ts';

const bad = (what: string): HttpError => new HttpError(400, { error: SlurmError.InvalidRequest, detail: [what] });

function obj(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('expected a JSON object');
  return body as Record<string, unknown>;
}

function isTaskTarget(v: unknown): v is { id: number; tasks: IndexSet } {
  if (typeof v !== 'object' || v === null) return false;
  const t = v as { id?: unknown; tasks?: unknown };
  return typeof t.id === 'number' && Number.isSafeInteger(t.id) && Array.isArray(t.tasks) && t.tasks.length <= 100000
    && t.tasks.every((r) => Array.isArray(r) && r.length === 2 && r.every((x) => Number.isSafeInteger(x) && x >= 0) && r[0] <= r[1]);
}

function mayControl(ctl: Controller, who: UserIdentity, job: Job): boolean {
  return job.user.uid === who.uid || isOperator(ctl.cfg, who);
}

export function controllerRoutes(ctl: Controller): Router {
  const r = new Router();
  const identify = (req: Request): Promise<UserIdentity> => identifyRaw(ctl.cfg, req.headers, req.method, req.path);
  const daemon = (req: Request): Promise<UserIdentity> => identifyDaemon(ctl.cfg, req.headers, req.method, req.path, ctl.sessions);

  r.on('GET', '/v1/ping', () => ({ ok: true, cluster: ctl.cfg.clusterName }));

  r.on('POST', '/v1/submit', async (req) => {
    const who = await identify(req);
    const badField = invalidSubmitField(req.body);
    if (badField !== null) throw bad(`invalid field: ${badField}`);
    try {
      return await ctl.submit(req.body as Parameters<Controller['submit']>[0], who);
    } catch (e) {
      if (e instanceof ControllerError) throw new HttpError(e.status, e.body);
      throw e;
    }
  });

  r.on('GET', '/v1/jobs', async (req): Promise<JobsResponse | RawJson> => {
    const who = await identify(req);
    const ids = req.query.get('ids');
    const want = ids ? new Set(ids.split(',').map(Number)) : null;
    const own = seesOnlyOwnJobs(ctl.cfg, who);
    // An array's id names every record of the array.
    const jobs = [...ctl.jobs.values()].filter((j) => (want === null || want.has(j.id) || (j.array !== null && want.has(j.array.jobId)))
      && (!own || j.user.uid === who.uid));
    // fmt=t: the compact form (api/job-codec.ts) squeue asks for.
    if (req.query.get('fmt') === 't') return new RawJson(compactJobsBody(ctl.clock(), jobs.map(cachedJobTexts)));
    return { now: ctl.clock(), jobs };
  });

  r.on('GET', '/v1/acct', async (req) => {
    const who = await identify(req);
    const q = parseAcctQuery(req.query);
    if (q === null) throw bad('accounting query');
    const onlyUid = seesOnlyOwnJobs(ctl.cfg, who) ? who.uid : null;
    if (req.query.get('fmt') === 'l') return accountingLines(ctl, q, onlyUid);
    return { now: ctl.clock(), jobs: accountingJobs(ctl, q, onlyUid) };
  });

  r.on('POST', '/v1/cancel', async (req) => {
    const who = await identify(req);
    const b = obj(req.body) as Partial<CancelRequest>;
    if (!isIntArray(b.ids)) throw bad('ids');
    const signal = b.signal ?? null;
    if (signal !== null && (typeof signal !== 'number' || !Number.isInteger(signal) || signal < 0 || signal > 64)) throw bad('signal');
    const tasks = b.tasks ?? [];
    if (!Array.isArray(tasks) || !tasks.every(isTaskTarget)) throw bad('tasks');
    let ids = b.ids;
    if (ids.length === 0 && tasks.length === 0) ids = filterJobs(ctl, b);
    const may = (job: Job): boolean => mayControl(ctl, who, job);
    return { results: await ctl.sched.batch(() => cancelJobs(ctl, who.uid, may, { ...b, signal }, ids, tasks)) };
  });

  r.on('POST', '/v1/hold', async (req) => {
    const who = await identify(req);
    const b = obj(req.body);
    if (!isIntArray(b.ids)) throw bad('ids');
    const results: CancelResult[] = [];
    const holdOne = async (id: number, job: Job | undefined): Promise<SlurmError | null> => {
      if (job !== undefined && !mayControl(ctl, who, job)) return SlurmError.AccessDenied;
      if (b.release === true) {
        return job?.held === 'admin' && !isOperator(ctl.cfg, who) ? SlurmError.AccessDenied : await ctl.release(id);
      }
      return ctl.hold(id, b.user === true || !isOperator(ctl.cfg, who) ? 'user' : 'admin');
    };
    for (const id of b.ids) {
      // An array id holds or releases every task still pending.
      const records = recordsNamed(ctl, id);
      const pending = records.length > 1 ? records.filter((j) => j.state === 'PENDING') : records;
      let error: SlurmError | null = pending.length === 0 ? await holdOne(id, records[0]) : null;
      for (const job of pending) error = (await holdOne(job.id, job)) ?? error;
      results.push({ id, error });
    }
    return { results };
  });

  r.on('POST', '/v1/suspend', async (req) => {
    const who = await identify(req);
    const b = obj(req.body);
    if (!isIntArray(b.ids)) throw bad('ids');
    if (b.op !== 'suspend' && b.op !== 'resume') throw bad('op');
    return { results: await suspendJobs(ctl, { ids: b.ids, op: b.op }, isOperator(ctl.cfg, who)) };
  });

  r.on('POST', '/v1/requeue', async (req) => {
    const who = await identify(req);
    const b = obj(req.body);
    if (!isIntArray(b.ids)) throw bad('ids');
    return { results: await requeueJobs(ctl, b.ids, who, { hold: b.hold === true, specialExit: b.specialExit === true }) };
  });

  r.on('POST', '/v1/update', async (req) => {
    const who = await identify(req);
    const b = obj(req.body) as unknown as UpdateRequest;
    if (typeof b.id !== 'number') throw bad('id');
    const job = ctl.get(b.id);
    if (job === undefined) return { error: SlurmError.InvalidJobId };
    if (!mayControl(ctl, who, job)) return { error: SlurmError.AccessDenied };
    const plan = planUpdate(ctl.cfg, job, b, isOperator(ctl.cfg, who), (id) => ctl.get(id));
    if (!plan.ok) return { error: plan.error };
    const r2 = ctl.apply(b.id, { kind: 'update', at: ctl.clock(), changes: plan.changes });
    if (!r2.ok) return { error: SlurmError.JobFinished };
    await ctl.store.flush();
    if (plan.changes.timeLimit !== undefined && (r2.job.state === 'RUNNING' || r2.job.state === 'SUSPENDED')) {
      ctl.agents.setTimeLimit(r2.job);
    }
    ctl.sched.request();
    return { error: null };
  });

  r.on('POST', '/v1/sstat', async (req) => {
    await identify(req);
    const b = obj(req.body);
    if (typeof b.jobId !== 'number') throw bad('jobId');
    return sstat(ctl, b.jobId);
  });

  r.on('POST', '/v1/node/update', async (req) => {
    const who = await identify(req);
    const b = obj(req.body);
    if (!isOperator(ctl.cfg, who)) return { error: SlurmError.AccessDenied };
    const names = typeof b.nodes === 'string' ? expandHostlist(b.nodes) : null;
    if (names === null || names.length === 0 || names.some((n) => !ctl.nodes.nodes.has(n))) return { error: SlurmError.InvalidNodeName };
    const state = String(b.state ?? '').toUpperCase();
    const reason = typeof b.reason === 'string' ? b.reason : null;
    for (const n of names) {
      const e = ctl.nodes.nodes.get(n);
      if (e === undefined) continue;
      if (state === 'DRAIN' && reason !== null) e.drain = { reason, at: ctl.clock(), user: who.name, uid: who.uid };
      else if (state === 'RESUME' || state === 'UNDRAIN' || state === 'IDLE') {
        e.drain = null;
        if (state === 'RESUME' && e.registered) e.down = false;
      } else if (state === 'DOWN' && reason !== null) {
        e.down = true;
        e.drain = { reason, at: ctl.clock(), user: who.name, uid: who.uid };
      } else return { error: 'Invalid node state specified' };
    }
    ctl.sched.request();
    return { error: null };
  });

  r.on('GET', '/v1/nodes', async (req) => {
    await identify(req);
    return { now: ctl.clock(), nodes: ctl.nodes.info(ctl.jobs.values()) };
  });

  r.on('GET', '/v1/partitions', async (req) => {
    await identify(req);
    const partitions: PartitionInfo[] = ctl.cfg.partitions.map((p) => {
      const nodes = partitionNodes(ctl.cfg, p);
      return {
        name: p.name, nodes: [...p.nodes], isDefault: p.isDefault, maxTime: p.maxTime, defaultTime: p.defaultTime,
        state: p.state, totalCpus: nodes.reduce((a, n) => a + n.cpus, 0), totalMem: nodes.reduce((a, n) => a + n.realMemory, 0),
      };
    });
    return { now: ctl.clock(), partitions };
  });

  r.on('GET', '/v1/config', async (req) => {
    await identify(req);
    return { now: ctl.clock(), config: ctl.cfg, bootTime: ctl.bootTime, nextJobId: ctl.store.peekNextJobId() };
  });

  // ---- agents ----
  // A session for an agent's later calls, granted under MUNGE only.
  r.on('POST', SESSION_ROUTE, async (req) => {
    const who = await identifyDaemon(ctl.cfg, req.headers, req.method, req.path, null);
    return ctl.sessions.grant(who.uid, who.gid);
  });

  r.on('POST', '/v1/agent/register', async (req) => {
    await daemon(req);
    const b = obj(req.body) as unknown as AgentRegister;
    if (typeof b.node !== 'string' || typeof b.port !== 'number' || !Array.isArray(b.running)) throw bad('register');
    const e = ctl.nodes.register(b, ctl.clock());
    if (e === null) throw new HttpError(400, { error: SlurmError.InvalidNodeName });
    ctl.rememberAgents();
    reconcile(ctl, b);
    reconcileRuns(ctl, b);
    ctl.sched.request();
    return { ok: true };
  });

  r.on('POST', '/v1/agent/heartbeat', async (req) => {
    await daemon(req);
    const b = obj(req.body);
    if (typeof b.node !== 'string') throw bad('node');
    return { ok: true, known: ctl.nodes.heartbeat(b.node, ctl.clock(), b) };
  });

  r.on('POST', '/v1/agent/complete', async (req) => {
    await daemon(req);
    const b = obj(req.body) as unknown as CompletionReport;
    if (typeof b.jobId !== 'number' || typeof b.attempt !== 'number' || typeof b.evidence !== 'object') throw bad('complete');
    await ctl.completion(b);
    return { ok: true };
  });

  r.on('POST', '/v1/agent/timelimit', async (req) => {
    await daemon(req);
    const b = obj(req.body) as unknown as TimeLimitReport;
    if (typeof b.jobId !== 'number' || typeof b.attempt !== 'number' || typeof b.at !== 'number') throw bad('timelimit');
    await ctl.timeLimit(b);
    return { ok: true };
  });

  escalationRoutes(ctl, r, identify);
  stepRoutes(ctl, r);
  return r;
}

/**
 * Jobs the controller started on this node that the agent does not know: launch them again.
 * Jobs it knows but holds in the other freezer state (a suspend or resume that never
 * arrived): tell it again.
 */
function reconcile(ctl: Controller, reg: AgentRegister): void {
  const known = new Map(reg.running.map((x) => [`${x.jobId}.${x.attempt}`, x]));
  for (const job of ctl.jobs.values()) {
    if ((job.state !== 'RUNNING' && job.state !== 'SUSPENDED') || job.nodeList[0] !== reg.node) continue;
    const there = known.get(`${job.id}.${job.attempt}`);
    if (there === undefined) ctl.agents.launch(job);
    else if (there.suspended !== undefined && there.suspended !== (job.state === 'SUSPENDED')) {
      ctl.agents.suspend(job, job.state === 'SUSPENDED' ? 'suspend' : 'resume');
    }
  }
}

function filterJobs(ctl: Controller, b: Partial<CancelRequest>): number[] {
  const states = (b.states ?? []).map((s) => parseStateName(s));
  const uid = b.user ? uidOf(b.user) : undefined;
  return [...ctl.jobs.values()].filter((j) => {
    if (j.state !== 'PENDING' && j.state !== 'RUNNING' && j.state !== 'SUSPENDED') return false;
    if (b.user && j.user.uid !== uid) return false;
    if (b.name && j.req.name !== b.name) return false;
    if (b.partition && j.req.partition !== b.partition) return false;
    if (states.length > 0 && !states.includes(j.state)) return false;
    return true;
  }).map((j) => j.id);
}
