// srun job steps in the controller: a step gets the next id of its job (`J.0`, `J.1`...) and
// a RUNNING accounting record at once (sacct shows it while it runs), and the agent's
// StepReport replaces that record with the measured one when the step ends. A step that
// ends after its job did still lands in accounting and in the job's DerivedExitCode.
//
// Routes: POST /v1/steps (srun, as the job's owner or an operator), POST /v1/agent/step.

import type { Job, StepRecord } from '../core/job.ts';
import { derivedExit } from '../core/job-machine.ts';
import { isFinished } from '../core/job-state.ts';
import { nextStepId, runningStep } from '../core/step.ts';
import { batchJobEnv } from '../core/job-env.ts';
import type { StepCreateRequest, StepCreateResponse, StepReport } from '../api/step-wire.ts';
import { SlurmError } from '../api/wire.ts';
import { HttpError } from '../lib/http.ts';
import type { Request, Router } from '../lib/http.ts';
import type { UserIdentity } from '../core/job.ts';
import type { Controller } from './controller.ts';
import { identify, identifyDaemon, isOperator } from './auth.ts';

const bad = (what: string): HttpError => new HttpError(400, { error: SlurmError.InvalidRequest, detail: [what] });
const posInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

function isCreate(b: unknown): b is StepCreateRequest {
  if (typeof b !== 'object' || b === null) return false;
  const r = b as Record<string, unknown>;
  return posInt(r.jobId) && typeof r.name === 'string' && r.name.length <= 1024 && posInt(r.ntasks) && r.ntasks <= 100000
    && (r.cpusPerTask === null || posInt(r.cpusPerTask)) && (r.nodes === null || posInt(r.nodes));
}

function isRecord(s: unknown): s is StepRecord {
  if (typeof s !== 'object' || s === null) return false;
  const r = s as Record<string, unknown>;
  return typeof r.id === 'number' && Number.isSafeInteger(r.id) && r.id >= 0 && typeof r.state === 'string'
    && typeof r.exitCode === 'object' && r.exitCode !== null && typeof r.start === 'number' && Array.isArray(r.nodeList);
}

/** Creates the step, or says why not in Slurm's words. */
export async function createStep(ctl: Controller, who: UserIdentity, r: StepCreateRequest): Promise<StepCreateResponse> {
  const job = ctl.get(r.jobId);
  if (job === undefined) throw new HttpError(404, { error: SlurmError.InvalidJobId });
  if (job.user.uid !== who.uid && !isOperator(ctl.cfg, who)) throw new HttpError(403, { error: SlurmError.AccessDenied });
  if (job.state === 'PENDING') throw new HttpError(409, { error: SlurmError.JobPending });
  if (job.state !== 'RUNNING' || job.flags.includes('COMPLETING')) throw new HttpError(409, { error: SlurmError.AlreadyDone });
  const want = r.nodes ?? 1;
  if (want > job.nodeList.length) throw new HttpError(409, { error: SlurmError.NodeConfigUnavailable });
  if (r.ntasks * (r.cpusPerTask ?? 1) > job.allocCpus) {
    throw new HttpError(409, { error: SlurmError.NodeConfigUnavailable, detail: ['More processors requested than permitted'] });
  }
  const nodes = job.nodeList.slice(0, Math.max(want, Math.min(job.nodeList.length, r.ntasks)));
  const endpoints = nodes.map((n) => {
    const e = ctl.nodes.nodes.get(n);
    if (e === undefined || e.addr === null || e.port === null) throw new HttpError(503, { error: SlurmError.NodeConfigUnavailable });
    return { name: n, addr: e.addr, port: e.port };
  });
  const stepId = nextStepId(job);
  const now = ctl.clock();
  const cpus = r.ntasks * (r.cpusPerTask ?? 1);
  const next: Job = { ...job, steps: [...job.steps, runningStep(stepId, r.name, now, cpus, nodes)] };
  ctl.replace(next, 'step_start', now, { step: stepId, name: r.name });
  await ctl.store.flush();
  const jobEnv = batchJobEnv(job, { clusterName: ctl.cfg.clusterName, node: nodes[0] ?? '' });
  delete jobEnv.ENVIRONMENT;
  return { jobId: job.id, stepId, attempt: job.attempt, nodes: endpoints, jobEnv };
}

/** The agent's record of an ended step replaces the running one. */
export async function recordStep(ctl: Controller, rep: StepReport): Promise<void> {
  const job = ctl.get(rep.jobId);
  if (job === undefined || job.attempt !== rep.attempt) return;
  const steps = job.steps.map((s) => (s.id === rep.step.id ? rep.step : s));
  if (!steps.includes(rep.step)) steps.push(rep.step);
  const derived = isFinished(job.state) && job.req.alloc !== true ? derivedExit(steps, job.endTime) : job.derivedExitCode;
  ctl.replace({ ...job, steps, derivedExitCode: derived }, 'step_end', ctl.clock(), { step: rep.step.id, state: rep.step.state });
  await ctl.store.flush();
}

export function stepRoutes(ctl: Controller, r: Router): void {
  r.on('POST', '/v1/steps', async (req: Request) => {
    const who = await identify(ctl.cfg, req.headers, req.method, req.path);
    if (!isCreate(req.body)) throw bad('step');
    return createStep(ctl, who, req.body);
  });
  r.on('POST', '/v1/agent/step', async (req: Request) => {
    await identifyDaemon(ctl.cfg, req.headers, req.method, req.path, ctl.sessions);
    const b = req.body as Partial<StepReport> | null;
    if (b === null || typeof b !== 'object' || !posInt(b.jobId) || typeof b.attempt !== 'number' || !isRecord(b.step)) throw bad('step report');
    await recordStep(ctl, b as StepReport);
    return { ok: true };
  });
}
