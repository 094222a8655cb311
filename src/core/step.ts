// srun job steps, the pure part: how a step's tasks ended becomes the step's accounting
// state and ExitCode, srun's `srun: error: NODE: task(s) L: ...` lines and its own exit
// status, and the SLURM_* environment of each task (what Slurm 22.05's srun and slurmstepd
// print and set; golden a_oom a3/a4, c_exitcodes c6/c7, and the peer for several tasks).

import type { ExitStatus, Job, StepRecord } from './job.ts';
import type { JobState } from './job-state.ts';
import { compressHostlist } from './hostlist.ts';

/** How one task ended: its exit code, or the signal that killed it. */
export interface TaskEnd {
  readonly task: number;
  readonly code: number | null;
  readonly signal: number | null;
}

/** strsignal(3) texts, as srun prints them for a task killed by a signal. */
const SIGNAL_TEXT: Readonly<Record<number, string>> = {
  1: 'Hangup', 2: 'Interrupt', 3: 'Quit', 4: 'Illegal instruction', 5: 'Trace/breakpoint trap', 6: 'Aborted',
  7: 'Bus error', 8: 'Floating point exception', 9: 'Killed', 10: 'User defined signal 1', 11: 'Segmentation fault',
  12: 'User defined signal 2', 13: 'Broken pipe', 14: 'Alarm clock', 15: 'Terminated', 16: 'Stack fault',
  17: 'Child exited', 18: 'Continued', 19: 'Stopped (signal)', 20: 'Stopped', 21: 'Stopped (tty input)',
  22: 'Stopped (tty output)', 23: 'Urgent I/O condition', 24: 'CPU time limit exceeded', 25: 'File size limit exceeded',
  26: 'Virtual timer expired', 27: 'Profiling timer expired', 28: 'Window changed', 29: 'I/O possible',
  30: 'Power failure', 31: 'Bad system call',
};

export function signalText(sig: number): string {
  return SIGNAL_TEXT[sig] ?? (sig >= 34 && sig <= 64 ? `Real-time signal ${sig - 34}` : `Unknown signal ${sig}`);
}

/** Task ids as Slurm lists them: `0`, `0-3`, `0,2,5-6`. */
export function taskRanges(tasks: readonly number[]): string {
  const s = [...new Set(tasks)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < s.length;) {
    let j = i;
    while (j + 1 < s.length && (s[j + 1] ?? 0) === (s[j] ?? 0) + 1) j++;
    parts.push(i === j ? String(s[i]) : `${s[i]}-${s[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** What ended the step as srun sees it, worst first: OOM, a signal, a non-zero exit. */
function describe(t: TaskEnd, oom: boolean): string | null {
  if (oom && (t.signal === 9 || t.code !== 0)) return 'Out Of Memory';
  if (t.signal !== null && t.signal !== 0) return signalText(t.signal);
  if (t.code !== null && t.code !== 0) return `Exited with exit code ${t.code}`;
  return null;
}

/**
 * srun's report on stderr for one node's tasks: one `srun: error:` line per distinct way
 * tasks ended (`task 0` / `tasks 0-1`), then `srun: Force Terminated StepId=J.S` when a task
 * was killed by a signal (not for an OOM kill, which srun reports as a failure, exit 1).
 */
export function taskErrorLines(node: string, ends: readonly TaskEnd[], oom: boolean, stepId: string): string[] {
  const groups = new Map<string, number[]>();
  for (const t of [...ends].sort((a, b) => a.task - b.task)) {
    const d = describe(t, oom);
    if (d === null) continue;
    groups.set(d, [...(groups.get(d) ?? []), t.task]);
  }
  const lines = [...groups].map(([d, ts]) => `srun: error: ${node}: ${ts.length > 1 ? 'tasks' : 'task'} ${taskRanges(ts)}: ${d}`);
  if (!oom && ends.some((t) => t.signal !== null && t.signal !== 0)) lines.push(`srun: Force Terminated StepId=${stepId}`);
  return lines;
}

/** srun's exit status: 1 after an OOM, 128+N for a signal, else the highest exit code. */
export function srunExitCode(ends: readonly TaskEnd[], oom: boolean): number {
  if (oom && ends.some((t) => describe(t, true) !== null)) return 1;
  let rc = 0;
  for (const t of ends) {
    const v = t.signal !== null && t.signal !== 0 ? 128 + t.signal : (t.code ?? 0);
    rc = Math.max(rc, v);
  }
  return rc;
}

/** The step's accounting state and ExitCode `N:S` (OOM wins as 0:125, then a signal, then the worst exit). */
export function stepOutcome(ends: readonly TaskEnd[], oomKills: number): { state: JobState; exitCode: ExitStatus } {
  if (oomKills > 0) return { state: 'OUT_OF_MEMORY', exitCode: { code: 0, signal: 125 } };
  const killed = ends.find((t) => t.signal !== null && t.signal !== 0);
  if (killed !== undefined) return { state: 'CANCELLED', exitCode: { code: 0, signal: killed.signal ?? 0 } };
  const code = Math.max(0, ...ends.map((t) => t.code ?? 0));
  return { state: code === 0 ? 'COMPLETED' : 'FAILED', exitCode: { code, signal: 0 } };
}

/** The next step id of a job: 0, 1, 2... in order of creation. */
export function nextStepId(job: Pick<Job, 'steps'>): number {
  let next = 0;
  for (const s of job.steps) if (typeof s.id === 'number' && s.id >= next) next = s.id + 1;
  return next;
}

/** A step as accounting records it while it runs (State shows the job's until it ends). */
export function runningStep(id: number, name: string, at: number, cpus: number, nodes: readonly string[]): StepRecord {
  return {
    id, name, state: 'RUNNING', exitCode: { code: 0, signal: 0 }, start: at, end: null, maxRssBytes: null,
    cpus, nodeList: [...nodes], userCpu: 0, systemCpu: 0,
  };
}

export interface StepShape {
  readonly jobId: number;
  readonly stepId: number;
  readonly ntasks: number;
  readonly nodes: readonly string[];
  readonly cpusPerTask: number | null;
}

/** The variables slurmstepd adds for every task of a step (those of the task itself: taskEnv). */
export function stepEnv(s: StepShape): Record<string, string> {
  const perNode = Math.ceil(s.ntasks / Math.max(1, s.nodes.length));
  const env: Record<string, string> = {
    SLURM_STEP_ID: String(s.stepId),
    SLURM_STEPID: String(s.stepId),
    SLURM_NTASKS: String(s.ntasks),
    SLURM_NPROCS: String(s.ntasks),
    SLURM_STEP_NUM_TASKS: String(s.ntasks),
    SLURM_STEP_NUM_NODES: String(s.nodes.length),
    SLURM_STEP_NODELIST: compressHostlist(s.nodes),
    SLURM_STEP_TASKS_PER_NODE: s.nodes.length > 1 ? `${perNode}(x${s.nodes.length})` : String(perNode),
  };
  if (s.cpusPerTask !== null) env.SLURM_CPUS_PER_TASK = String(s.cpusPerTask);
  return env;
}

/** Per task: its global rank, rank on the node, and the node's index. */
export function taskEnv(task: number, local: number, nodeIndex: number, node: string, gtids: readonly number[]): Record<string, string> {
  return {
    SLURM_PROCID: String(task),
    SLURM_LOCALID: String(local),
    SLURM_NODEID: String(nodeIndex),
    SLURMD_NODENAME: node,
    SLURM_TOPOLOGY_ADDR: node,
    SLURM_TOPOLOGY_ADDR_PATTERN: 'node',
    SLURM_GTIDS: gtids.join(','),
  };
}

/** `slurmstepd-n1: error: *** STEP 12.0 ON n1 CANCELLED AT ... ***` from the job's banner. */
export function stepBanner(jobBanner: string, jobId: number, stepId: number): string {
  return jobBanner.replace(`*** JOB ${jobId} `, `*** STEP ${jobId}.${stepId} `);
}

/** The oom-kill notice of a step from the batch step's wording. */
export function stepOomNotice(batchNotice: string, jobId: number, stepId: number): string {
  return batchNotice.replace(`StepId=${jobId}.batch`, `StepId=${jobId}.${stepId}`);
}
