// What the agent reports when a run ends: the evidence (wait status, oom_kill count,
// whether the limit fired, peak memory, CPU time) and the batch step derived from it.

import type { ExitStatus, RunEvidence, StepRecord, StepUsage } from '../core/job.ts';
import type { JobState } from '../core/job-state.ts';
import type { LaunchExit } from './launch.ts';
import type { CpuUsage, JobCgroup } from './cgroup.ts';
import { cgroupEvidence, drainCgroup } from './cgroup.ts';
import type { JobStepHooks } from './step-hooks.ts';

export interface RunReport {
  readonly evidence: RunEvidence;
  /** The batch step; empty when the script never started (launchError). */
  readonly steps: StepRecord[];
}

/** The batch step's state and ExitCode from the evidence (OOM wins, as SIG_OOM 0:125). */
export function batchStepOutcome(ev: Pick<RunEvidence, 'exitCode' | 'signal' | 'oomKills'>): { state: JobState; exitCode: ExitStatus } {
  if (ev.oomKills > 0) return { state: 'OUT_OF_MEMORY', exitCode: { code: 0, signal: 125 } };
  if (ev.signal !== null && ev.signal !== 0) return { state: 'CANCELLED', exitCode: { code: 0, signal: ev.signal } };
  const code = ev.exitCode ?? 0;
  return { state: code === 0 ? 'COMPLETED' : 'FAILED', exitCode: { code, signal: 0 } };
}

export interface RunFacts {
  readonly exit: LaunchExit;
  readonly oomKills: number;
  readonly peak: number | null;
  readonly cpu: { readonly user: number; readonly system: number };
  readonly timeLimitAt: number | null;
  readonly killedAfterWait: boolean;
  readonly memLimitBytes: number | null;
  readonly cpus: number;
  readonly node: string;
  readonly startedAt: number;
  readonly endedAt: number;
  /** Virtual memory, page faults, I/O and CPU frequency of the batch step, when measured. */
  readonly usage?: StepUsage;
}

export function runReport(f: RunFacts): RunReport {
  const evidence: RunEvidence = {
    exitCode: f.exit.signal === null ? f.exit.code : null,
    signal: f.exit.signal,
    oomKills: f.oomKills,
    timeLimitAt: f.timeLimitAt,
    killedAfterWait: f.killedAfterWait,
    launchError: f.exit.launchError,
    peakMemBytes: f.peak,
    memLimitBytes: f.memLimitBytes,
    userCpu: f.cpu.user,
    systemCpu: f.cpu.system,
    startedAt: f.startedAt,
    endedAt: f.endedAt,
  };
  if (f.exit.launchError !== null) return { evidence, steps: [] };
  const outcome = batchStepOutcome(evidence);
  const batch: StepRecord = {
    id: 'batch', name: 'batch', state: outcome.state, exitCode: outcome.exitCode, start: f.startedAt, end: f.endedAt,
    maxRssBytes: f.peak, cpus: f.cpus, nodeList: [f.node], userCpu: f.cpu.user, systemCpu: f.cpu.system,
    ...(f.usage !== undefined ? { usage: f.usage } : {}),
  };
  return { evidence, steps: [batch] };
}

export interface RunCounters {
  oomKills: number;
  peak: number | null;
  cpu: CpuUsage;
}

export const NO_COUNTERS: RunCounters = { oomKills: 0, peak: null, cpu: { user: 0, system: 0 } };

/**
 * The kernel's counters once the batch shell is gone: steps end with the job (they and their
 * srun finish first), stragglers are thawed and SIGKILLed (bounded), then the cgroup is read.
 * The batch step's own OOM kills exclude its steps' where the kernel counts those in the job's
 * counter too (v2).
 */
export async function endOfRunCounters(
  cg: JobCgroup | null, steps: JobStepHooks | undefined, killWaitMs: number, thaw: () => void,
): Promise<RunCounters> {
  await steps?.settle(Math.max(2000, killWaitMs + 2000));
  if (cg === null) return NO_COUNTERS;
  if (cg.procs().length > 0) {
    thaw();
    await drainCgroup(cg, Math.max(5000, killWaitMs));
  }
  const c = cgroupEvidence(cg);
  if (cg.countsChildOoms) c.oomKills = Math.max(0, c.oomKills - (steps?.oomKills() ?? 0));
  return c;
}
