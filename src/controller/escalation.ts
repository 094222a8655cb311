// Native escalation in the controller: at submit, the policy is resolved (the text sbatch
// read, or a name under EscalationPolicyDir), every reachable rung is checked against the
// partitions, and the job starts on its first rung; at the end of every run the pure
// decision (core/escalation.ts) puts the job back to PENDING on its next rung, or ends it.
//
// The decision is applied in the same event-loop turn as the completion that ended the run,
// so it commits in the same store transaction: no dependency pass, no client and no crash
// can ever observe (or be left with) an intermediate failure of a chain that goes on.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RatchetConfig } from '../core/config-model.ts';
import type { Job, JobRequest } from '../core/job.ts';
import type { Reason } from '../core/reason.ts';
import { isFinished } from '../core/job-state.ts';
import type { EscalateRequest, ErrorBody } from '../api/wire.ts';
import { SlurmError } from '../api/wire.ts';
import { checkLadder, fitPartition, memText, parsePolicy, rungAt, startPosition, timeText } from '../core/escalation-policy.ts';
import type { PartitionFit, Position, Rung } from '../core/escalation-policy.ts';
import { decideEnd, newEscalation } from '../core/escalation.ts';
import { autoStartPosition } from '../core/escalation-start.ts';
import type { PastRun } from '../core/escalation-start.ts';
import type { EscalationState, Place, Placement } from '../core/escalation.ts';
import { partitionNodes } from './submit.ts';
import type { Controller } from './controller.ts';

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export function partitionFits(cfg: RatchetConfig): PartitionFit[] {
  return cfg.partitions.filter((p) => p.state === 'UP').map((p) => ({
    name: p.name, maxTime: p.maxTime, maxMem: Math.max(0, ...partitionNodes(cfg, p).map((n) => n.realMemory)),
  }));
}

/** The rung made concrete: first fitting partition, time rounded as the controller stores limits. */
export function placer(cfg: RatchetConfig): Place {
  const parts = partitionFits(cfg);
  return (r: Rung): Placement | null => {
    const partition = fitPartition(r, parts);
    if (partition === null) return null;
    const time = cfg.timeResolution === 'seconds' ? r.time : Math.max(1, Math.ceil(r.time / 60)) * 60;
    return { partition, mem: r.mem, time };
  };
}

function policyText(cfg: RatchetConfig, e: EscalateRequest): { text: string } | { error: string } {
  if (e.text !== null) return { text: e.text };
  if (!NAME.test(e.name)) return { error: `escalation policy ${e.name}: no such file` };
  if (cfg.escalationPolicyDir === null) {
    return { error: `escalation policy ${e.name}: not a file, and no EscalationPolicyDir is configured` };
  }
  for (const f of [`${e.name}.yaml`, `${e.name}.yml`, e.name]) {
    try {
      return { text: readFileSync(join(cfg.escalationPolicyDir, f), 'utf8') };
    } catch {
      // try the next spelling
    }
  }
  return { error: `escalation policy ${e.name}: not found in ${cfg.escalationPolicyDir}` };
}

export type EscalationSubmit =
  | { ok: true; req: JobRequest; reason: Reason; escalation: EscalationState }
  | { ok: false; error: ErrorBody };

/**
 * sbatch --escalate: resolve and check the policy, and put the request on its first rung.
 * `history` gives the earlier successful runs of the request's class (`--escalate-start=auto`).
 */
export function resolveEscalation(cfg: RatchetConfig, e: EscalateRequest, req: JobRequest, reason: Reason,
  history: (req: JobRequest) => readonly PastRun[]): EscalationSubmit {
  const bad = (msg: string): EscalationSubmit => ({ ok: false, error: { error: SlurmError.Unknown, detail: [msg] } });
  const t = policyText(cfg, e);
  if ('error' in t) return bad(t.error);
  const parsed = parsePolicy(t.text, e.name);
  if (!parsed.ok) return bad(parsed.error);
  const policy = parsed.policy;
  let start: Position = { mem: 0, time: 0 };
  let autoNote: string | null = null;
  if (e.start?.trim().toLowerCase() === 'auto') {
    const a = autoStartPosition(policy, history(req));
    start = a.pos;
    autoNote = a.note;
  } else if (e.start !== null) {
    const s = startPosition(policy, e.start);
    if (typeof s === 'string') return bad(s);
    start = s;
  }
  const problem = checkLadder(policy, partitionFits(cfg), start);
  if (problem !== null) return bad(problem);
  const placed = placer(cfg)(rungAt(policy, start));
  if (placed === null) return bad(`escalation policy ${e.name}: the first rung fits no partition`);
  const r = rungAt(policy, start);
  const note = autoNote ?? (e.start === null ? null : `started at ${memText(r.mem)}/${timeText(r.time)}: --escalate-start=${e.start}`);
  return {
    ok: true,
    req: { ...req, partition: placed.partition, memPerNode: placed.mem, memPerCpu: null, timeLimit: placed.time },
    // The ladder check replaces the partition checks done on the request as given.
    reason: reason === 'PartitionTimeLimit' || reason === 'PartitionConfig' ? 'None' : reason,
    escalation: newEscalation(policy, start, note),
  };
}

/**
 * A completion was applied: if it ended the run of an escalating job, apply the policy's
 * decision now (queued with the completion's write). Returns true when the job goes on.
 */
export function afterRunEnd(ctl: Controller, job: Job, at: number): boolean {
  if (job.escalation === undefined || job.escalation === null) return false;
  if (!isFinished(job.state) || job.flags.includes('COMPLETING')) return false;
  const d = decideEnd(job, at, placer(ctl.cfg));
  if (d === null) return false;
  ctl.replace(d.job, d.kind === 'retry' ? 'escalate' : 'escalation_end', at, {
    outcome: d.note?.outcome ?? null, cause: d.note?.cause ?? null, evidence: d.note?.evidence ?? null,
    level: d.job.escalation?.pos ?? null,
  });
  return d.kind === 'retry';
}
