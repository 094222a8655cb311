// HTTP routes of `ratchet escalation`: the chains (jobs submitted with --escalate) by id or
// all of them, and a long-poll form that answers when one of the named jobs changes (the
// controller pushes; `status --watch` never polls sacct). Finished jobs purged from the live
// table after MinJobAge are read back from the store, so reports cover old chains too.

import type { Job, UserIdentity } from '../core/job.ts';
import type { Request, Router } from '../lib/http.ts';
import { HttpError } from '../lib/http.ts';
import { SlurmError } from '../api/wire.ts';
import type { Controller } from './controller.ts';
import type { EscalationResponse } from '../api/escalation-wire.ts';
import { seesOnlyOwnJobs } from './auth.ts';


const MAX_WAIT_MS = 30_000;

function ids(req: Request): number[] | null {
  const v = req.query.get('ids');
  if (v === null || v === '') return null;
  const out = v.split(',').map(Number);
  if (out.some((n) => !Number.isSafeInteger(n) || n <= 0) || out.length > 10_000) {
    throw new HttpError(400, { error: SlurmError.InvalidJobId });
  }
  return out;
}

/** Jobs with an escalation chain: committed rows, overlaid with the live (newest) records. */
function chains(ctl: Controller, who: UserIdentity, want: number[] | null): Job[] {
  const uids = seesOnlyOwnJobs(ctl.cfg, who) ? [who.uid] : null;
  const byId = new Map<number, Job>();
  for (const j of ctl.store.accounting({ ids: want, start: null, end: null, uids })) byId.set(j.id, j);
  const named = want === null ? null : new Set(want);
  for (const j of ctl.jobs.values()) {
    if (named !== null && !named.has(j.id) && !(j.array !== null && named.has(j.array.jobId))) continue;
    if (uids !== null && j.user.uid !== who.uid) continue;
    byId.set(j.id, j);
  }
  return [...byId.values()]
    .filter((j) => j.escalation !== undefined && j.escalation !== null)
    .map((j) => ({ ...j, req: { ...j.req, env: {}, script: '' } }))
    .sort((a, b) => a.id - b.id);
}

export function escalationRoutes(ctl: Controller, r: Router, identify: (req: Request) => Promise<UserIdentity>): void {
  r.on('GET', '/v1/escalation', async (req): Promise<EscalationResponse> => {
    const who = await identify(req);
    const seq = ctl.watch.current;
    return { now: ctl.clock(), seq, jobs: chains(ctl, who, ids(req)) };
  });

  r.on('GET', '/v1/escalation/watch', async (req): Promise<EscalationResponse> => {
    const who = await identify(req);
    const want = ids(req);
    if (want === null) throw new HttpError(400, { error: SlurmError.InvalidJobId });
    const since = Number(req.query.get('since') ?? '0');
    const ms = Math.min(MAX_WAIT_MS, Math.max(0, Number(req.query.get('ms') ?? '20000')));
    if (!Number.isSafeInteger(since) || !Number.isFinite(ms)) throw new HttpError(400, { error: SlurmError.InvalidRequest });
    const seq = await ctl.watch.wait(new Set(want), since, ms);
    return { now: ctl.clock(), seq, jobs: chains(ctl, who, want) };
  });
}
