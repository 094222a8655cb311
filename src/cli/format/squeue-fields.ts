// squeue's `-o` letter codes: the column title and the value of each for one job, with
// Slurm's text for what Ratchet does not model (`(null)`, `N/A`, `*`). A value of null is
// a NULL string in Slurm, printed `(null)`.

import { arrayTaskText } from '../../core/job-array.ts';
import { compressHostlist } from '../../core/hostlist.ts';
import { formatMiB } from '../../core/mem-spec.ts';
import { stateCompact, stateLong } from '../../core/job-state.ts';
import { reasonText } from '../../core/reason.ts';
import { formatDependency } from '../../core/dependency.ts';
import { formatSqueueTime, formatTimestamp } from '../../core/time-spec.ts';
import type { JobView } from './job-view.ts';
import {
  endTimeMs, jobCpus, jobIdText, jobNodeCount, minMemory, shownPriority, timeUsedSecs,
} from './job-view.ts';

export interface LetterDef {
  readonly title: string;
  /** Whether a right-justified value is cut to the width (Slurm passes cut_output). */
  readonly cut: boolean;
  /** Whether the title is cut (NODELIST(REASON) and the node lists are not). */
  readonly cutTitle: boolean;
  readonly value: (job: JobView, now: number) => string | null;
}

/** `(reason)` for pending and for jobs that ended in a way worth explaining. */
function showsReason(job: JobView): boolean {
  if (job.flags.includes('COMPLETING')) return false;
  return job.state === 'PENDING' || job.flags.includes('STAGE_OUT') || job.state === 'TIMEOUT'
    || job.state === 'OUT_OF_MEMORY' || job.state === 'DEADLINE' || job.state === 'FAILED';
}

const nodes = (job: JobView): string => compressHostlist(job.nodeList);
const reason = (job: JobView): string => reasonText(job.reason, job.stateDesc);
const timeLimit = (job: JobView): string => (job.req.timeLimit === null ? 'UNLIMITED' : formatSqueueTime(job.req.timeLimit));

function timeLeft(job: JobView, now: number): string {
  if (job.req.timeLimit === null) return 'UNLIMITED';
  return formatSqueueTime(job.req.timeLimit - timeUsedSecs(job, now));
}

function endTime(job: JobView, now: number): string {
  const end = endTimeMs(job);
  if (job.req.timeLimit === null && end !== null && end > now) return 'NONE';
  return formatTimestamp(end, 'N/A');
}

/** %p: the priority as a fraction of 2^32-1, printf `%16.14f`. */
function priorityFraction(job: JobView): string {
  return (shownPriority(job) / 4294967295).toFixed(14).padStart(16);
}

const def = (
  title: string,
  value: (job: JobView, now: number) => string | null,
  cut = true,
  cutTitle = true,
): LetterDef => ({ title, value, cut, cutTitle });

const constant = (title: string, v: string | null): LetterDef => def(title, () => v);

export const SQUEUE_LETTERS: Readonly<Record<string, LetterDef>> = {
  // A job without an account (no association) shows `(null)`, as in scontrol.
  a: def('ACCOUNT', (j) => (j.req.account === '' ? '(null)' : j.req.account)),
  A: def('JOBID', (j) => String(j.id)),
  b: constant('TRES_PER_NODE', 'N/A'),
  B: def('EXEC_HOST', (j) => j.nodeList[0] ?? 'n/a'),
  c: def('MIN_CPUS', (j) => String(j.req.cpusPerTask)),
  C: def('CPUS', (j) => String(jobCpus(j))),
  d: constant('MIN_TMP_DISK', '0'),
  D: def('NODES', (j) => String(jobNodeCount(j))),
  e: def('END_TIME', endTime),
  E: def('DEPENDENCY', (j) => formatDependency(j.dependency)),
  f: constant('FEATURES', null),
  F: def('ARRAY_JOB_ID', (j) => String(j.array?.jobId ?? j.id)),
  g: def('GROUP', (j) => j.user.group),
  G: def('GROUP', (j) => String(j.user.gid)),
  h: constant('OVER_SUBSCRIBE', 'OK'),
  H: constant('SOCKETS_PER_NODE', '*'),
  i: def('JOBID', (j) => jobIdText(j)),
  I: constant('CORES_PER_SOCKET', '*'),
  j: def('NAME', (j) => j.req.name),
  J: constant('THREADS_PER_CORE', '*'),
  k: def('COMMENT', (j) => j.req.comment),
  K: def('ARRAY_TASK_ID', (j) => arrayTaskText(j) ?? 'N/A'),
  l: def('TIME_LIMIT', timeLimit, false),
  L: def('TIME_LEFT', timeLeft, false),
  m: def('MIN_MEMORY', (j) => formatMiB(minMemory(j).mib)),
  M: def('TIME', (j, now) => formatSqueueTime(timeUsedSecs(j, now)), false),
  n: def('REQ_NODES', () => '', false),
  N: def('NODELIST', nodes, false, false),
  o: def('COMMAND', (j) => j.req.scriptPath),
  O: constant('CONTIGUOUS', '0'),
  p: def('PRIORITY', priorityFraction),
  P: def('PARTITION', (j) => j.req.partition),
  q: def('QOS', (j) => j.req.qos),
  Q: def('PRIORITY', (j) => String(shownPriority(j))),
  r: def('REASON', reason),
  R: def('NODELIST(REASON)', (j) => (showsReason(j) ? `(${reason(j)})` : nodes(j)), true, false),
  S: def('START_TIME', (j) => formatTimestamp(j.startTime, 'N/A')),
  t: def('ST', (j) => stateCompact(j.state, j.flags)),
  T: def('STATE', (j) => stateLong(j.state, j.flags)),
  u: def('USER', (j) => j.user.name),
  U: def('UID', (j) => String(j.user.uid)),
  v: constant('RESERVATION', null),
  V: def('SUBMIT_TIME', (j) => formatTimestamp(j.submitTime, 'N/A')),
  w: constant('WCKEY', null),
  W: constant('LICENSES', null),
  x: def('EXC_NODES', () => '', false),
  X: constant('CORE_SPEC', 'N/A'),
  y: def('NICE', (j) => String(j.req.nice)),
  Y: def('SCHEDNODES', () => null, false, false),
  z: constant('S:C:T', '*:*:*'),
  Z: def('WORK_DIR', (j) => j.req.workDir),
};

/** Whether a right-justified node list is cut: %R cuts a `(reason)` but never a node list. */
export function cutsValue(letter: string, def: LetterDef, job: JobView): boolean {
  if (letter === 'R') return showsReason(job);
  return def.cut;
}
