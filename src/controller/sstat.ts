// sstat on the controller: POST /v1/sstat {jobId} asks every node of a running job for its
// steps' live statistics (agent POST /v1/stat) and answers the union. A node that does not
// answer in time is left out rather than failing the whole query.

import type { SstatResponse, StepStat } from '../api/stat-wire.ts';
import type { Controller } from './controller.ts';

export async function sstat(ctl: Controller, jobId: number): Promise<SstatResponse> {
  const job = ctl.get(jobId);
  if (job === undefined) return { ok: false, error: 'no_job' };
  if (job.state !== 'RUNNING' && job.state !== 'SUSPENDED') return { ok: false, error: 'not_running' };
  const path = '/v1/stat';
  const answers = await Promise.all(job.nodeList.map(async (node): Promise<StepStat[]> => {
    const e = ctl.nodes.nodes.get(node);
    if (e === undefined || !e.registered || e.addr === null || e.port === null) return [];
    try {
      const r = await ctl.toAgents.call<{ steps: StepStat[] }>(e.addr, e.port, path, { jobId }, { timeoutMs: 5000 });
      return Array.isArray(r.steps) ? r.steps : [];
    } catch {
      return [];
    }
  }));
  return { ok: true, steps: answers.flat() };
}
