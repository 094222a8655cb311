// Node failure: an agent silent for longer than SlurmdTimeout has its node marked DOWN
// ("Not responding", nodes.ts), and every job running there ends at once: requeued when it
// may be (--requeue, or JobRequeue=1 by default; the run is recorded NODE_FAIL and the job
// waits the requeue delay as after any requeue), else NODE_FAIL with reason NodeDown and
// ExitCode 0:0. A node that comes back cannot run such a job a second time: its reports
// for the old attempt are refused, and at registration it is told to end every run the
// controller no longer places on it (reconcileRuns).

import type { AgentRegister } from '../api/wire.ts';
import type { Controller } from './controller.ts';
import { requeueOne } from './requeue.ts';

export function failJobsOfNodes(ctl: Controller, nodes: readonly string[]): void {
  if (nodes.length === 0) return;
  const down = new Set(nodes);
  const at = ctl.clock();
  for (const job of ctl.jobs.values()) {
    if (!job.nodeList.some((n) => down.has(n))) continue;
    const active = job.state === 'RUNNING' || job.state === 'SUSPENDED';
    if (active && job.req.requeue && requeueOne(ctl, job, { hold: false, specialExit: false }, 'NODE_FAIL') === null) continue;
    if (active || job.flags.includes('COMPLETING')) ctl.apply(job.id, { kind: 'node_fail', at });
  }
  void ctl.store.flush();
  ctl.sched.request();
}

/** Runs an agent reports that the controller does not place on it (any more): end them. */
export function reconcileRuns(ctl: Controller, reg: AgentRegister): void {
  for (const run of reg.running) {
    const job = ctl.get(run.jobId);
    // A requeued run still completing is ended again: its terminate may not have arrived.
    const ours = job !== undefined && job.attempt === run.attempt && job.nodeList.includes(reg.node) && job.state !== 'PENDING'
      && (job.state === 'RUNNING' || job.state === 'SUSPENDED' || job.flags.includes('COMPLETING'));
    if (!ours) ctl.agents.terminateRun(reg.node, run.jobId, run.attempt, 'node_fail');
  }
}
