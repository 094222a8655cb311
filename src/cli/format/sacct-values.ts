// The value of each sacct field for one row (job allocation row or step row), following
// what Slurm 22.05's sacct prints from its database records. A null value prints blank.
// The measured per-step usage fields are in sacct-usage.ts; what was not measured stays
// blank rather than invented.

import { formatExit, sacctExit } from '../../core/exit-code.ts';
import { compressHostlist } from '../../core/hostlist.ts';
import type { StepRecord } from '../../core/job.ts';
import { UNIT, formatUnits } from '../../core/mem-spec.ts';
import { formatElapsed, formatLimit, formatTimestamp } from '../../core/time-spec.ts';
import { jobIdText, requestedCpus, secOf, totalMemMiB, tresSacct } from './job-view.ts';
import type { SacctRow } from './sacct-rows.ts';
import { USAGE_FIELDS, cpuTimeText, cpuTotal, cpuWhole } from './sacct-usage.ts';

export { cpuTimeText } from './sacct-usage.ts';
import { runCpus, runStarted } from './sacct-rows.ts';

export interface SacctContext {
  /** ClusterName of the configuration (the Cluster field). */
  readonly cluster: string;
  /** `--units`: 1..5 = K..P forces memory (and node counts) into that unit. */
  readonly units?: number | null;
}

type Getter = (row: SacctRow, ctx: SacctContext) => string | null;
type StepGetter = (step: StepRecord, row: SacctRow, ctx: SacctContext) => string | null;

/**
 * Job rows in these states were written before the exit status was known: `0:0`. Not
 * REQUEUED: the run record keeps the exit code the run had (0:0 while running, 3:0 for a
 * finished job requeued, as the peer shows).
 */
const ZERO_EXIT = new Set(['CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'DEADLINE', 'BOOT_FAIL']);

const elapsedText = (secs: number): string => (secs < 0 ? 'INVALID' : formatElapsed(secs));
const isLive = (row: SacctRow): boolean =>
  row.run.current && (row.run.state === 'PENDING' || row.run.state === 'RUNNING' || row.run.state === 'SUSPENDED');

function stepElapsed(step: StepRecord, row: SacctRow): number {
  const end = step.end ?? (isLive(row) ? row.now : row.run.endTime ?? row.now);
  return Math.max(0, secOf(end) - secOf(step.start) - row.run.suspended);
}

/** A step still running has no end record: it shows the job's state. */
function stepState(step: StepRecord, row: SacctRow): string {
  return step.end === null ? row.run.state : step.state;
}

function jobState(row: SacctRow): string {
  const { state, cancelledBy } = row.run;
  return state === 'CANCELLED' && cancelledBy !== null ? `CANCELLED by ${cancelledBy}` : state;
}

function jobStart(row: SacctRow): string {
  if (row.run.current && row.run.state === 'PENDING') return 'Unknown';
  if (!runStarted(row.run)) return 'None';
  return formatTimestamp(row.run.startTime, 'Unknown');
}

function jobEnd(row: SacctRow): string {
  return isLive(row) ? 'Unknown' : formatTimestamp(row.run.endTime, 'Unknown');
}

const sum = (row: SacctRow, f: (s: StepRecord) => number): number => row.run.steps.reduce((a, s) => a + f(s), 0);

function reqMem(row: SacctRow): number {
  return totalMemMiB(row.run, row.job.req.nodes, requestedCpus(row.job), row.run.allocMemPerNode);
}

const unitsOf = (ctx: SacctContext): number | null => ctx.units ?? null;

function allocTres(row: SacctRow, ctx: SacctContext): string | null {
  if (!runStarted(row.run)) return null;
  const nodes = row.run.nodeList.length;
  const cpus = runCpus(row);
  return tresSacct({ cpu: cpus, memMiB: totalMemMiB(row.run, nodes, cpus, row.run.allocMemPerNode), node: nodes }, true, unitsOf(ctx));
}

function stepTres(step: StepRecord, row: SacctRow, ctx: SacctContext): string {
  const nodes = step.nodeList.length;
  const mem = totalMemMiB(row.run, nodes, step.cpus, row.run.allocMemPerNode);
  return tresSacct({ cpu: step.cpus, memMiB: mem, node: nodes }, false, unitsOf(ctx));
}

/** Reserved: how long the job waited while eligible (0 if it never was). */
function reservedSecs(row: SacctRow): number {
  const { eligibleTime, startTime } = row.run;
  if (eligibleTime === null) return 0;
  const until = runStarted(row.run) && startTime !== null ? startTime : row.now;
  return Math.max(0, secOf(until) - secOf(eligibleTime));
}

const rss = (s: StepRecord, ctx: SacctContext): string => (s.maxRssBytes === null ? '' : formatUnits(s.maxRssBytes, UNIT.none, unitsOf(ctx)));
/** Counts sacct passes through convert_num_unit too (so `--units=K` shows one node as 0.00K). */
const count = (n: number, ctx: SacctContext): string => formatUnits(n, UNIT.none, unitsOf(ctx));
const firstNode = (s: StepRecord): string | null => s.nodeList[0] ?? null;

interface FieldValue {
  readonly job: Getter;
  readonly step: StepGetter;
}

const none = (): null => null;
const both = (g: Getter): FieldValue => ({ job: g, step: (_s, row, ctx) => g(row, ctx) });
const jobOnly = (g: Getter): FieldValue => ({ job: g, step: none });
const stepOnly = (g: StepGetter): FieldValue => ({ job: none, step: g });
const split = (job: Getter, step: StepGetter): FieldValue => ({ job, step });

const VALUES: Readonly<Record<string, FieldValue>> = {
  Account: both((r) => r.job.req.account),
  AllocCPUS: split((r) => String(runCpus(r)), (s) => String(s.cpus)),
  AllocNodes: split((r) => String(r.run.nodeList.length), (s) => String(s.nodeList.length)),
  AllocTRES: split(allocTres, stepTres),
  AveCPU: stepOnly(cpuWhole),
  AveRSS: stepOnly((s, _r, ctx) => rss(s, ctx)),
  Cluster: both((_r, ctx) => ctx.cluster),
  Comment: jobOnly((r) => r.job.req.comment),
  ConsumedEnergy: stepOnly(() => '0'),
  ConsumedEnergyRaw: stepOnly(() => '0'),
  CPUTime: split((r) => elapsedText(r.run.elapsed * runCpus(r)), (s, r) => elapsedText(stepElapsed(s, r) * s.cpus)),
  CPUTimeRAW: split((r) => String(r.run.elapsed * runCpus(r)), (s, r) => String(stepElapsed(s, r) * s.cpus)),
  DerivedExitCode: split((r) => formatExit(r.run.derivedExitCode), () => ''),
  Elapsed: split((r) => elapsedText(r.run.elapsed), (s, r) => elapsedText(stepElapsed(s, r))),
  ElapsedRaw: split((r) => String(r.run.elapsed), (s, r) => String(stepElapsed(s, r))),
  Eligible: split((r) => formatTimestamp(r.run.eligibleTime, 'Unknown'), (s) => formatTimestamp(s.start, 'Unknown')),
  End: split(jobEnd, (s) => formatTimestamp(s.end, 'Unknown')),
  ExitCode: split(
    (r) => (ZERO_EXIT.has(r.run.state) ? '0:0' : formatExit(sacctExit(r.run.exitCode))),
    (s) => formatExit(sacctExit(s.exitCode)),
  ),
  Flags: jobOnly((r) => (runStarted(r.run) ? 'SchedMain' : null)),
  GID: jobOnly((r) => String(r.job.user.gid)),
  Group: jobOnly((r) => r.job.user.group),
  JobID: split((r) => jobIdText(r.job), (s, r) => `${jobIdText(r.job)}.${s.id}`),
  JobIDRaw: split((r) => String(r.job.id), (s, r) => `${r.job.id}.${s.id}`),
  JobName: split((r) => r.job.req.name, (s) => (typeof s.id === 'number' ? s.name : s.id)),
  MaxRSS: stepOnly((s, _r, ctx) => rss(s, ctx)),
  MaxRSSNode: stepOnly((s) => (s.maxRssBytes === null ? null : firstNode(s))),
  MaxRSSTask: stepOnly((s) => (s.maxRssBytes === null ? null : '0')),
  MinCPU: stepOnly(cpuWhole),
  MinCPUNode: stepOnly(firstNode),
  MinCPUTask: stepOnly(() => '0'),
  NCPUS: split((r) => String(runCpus(r)), (s) => String(s.cpus)),
  NNodes: split(
    (r) => String(runStarted(r.run) ? r.run.nodeList.length : r.job.req.nodes),
    (s) => String(s.nodeList.length),
  ),
  NodeList: split(
    (r) => (runStarted(r.run) ? compressHostlist(r.run.nodeList) : 'None assigned'),
    (s) => compressHostlist(s.nodeList),
  ),
  NTasks: stepOnly((s) => (typeof s.id === 'number' ? null : '1')),
  Partition: jobOnly((r) => r.run.partition),
  Priority: jobOnly((r) => String(r.job.held !== null ? 0 : r.job.priority)),
  QOS: jobOnly((r) => r.job.req.qos),
  Reason: jobOnly((r) => (runStarted(r.run) ? 'None' : r.run.reason)),
  ReqCPUFreq: split(() => 'Unknown', () => '0'),
  ReqCPUFreqGov: split(() => 'Unknown', () => '0'),
  ReqCPUFreqMax: split(() => 'Unknown', () => '0'),
  ReqCPUFreqMin: split(() => 'Unknown', () => '0'),
  ReqCPUS: split((r) => String(requestedCpus(r.job)), (s) => String(s.cpus)),
  ReqMem: jobOnly((r, ctx) => formatUnits(reqMem(r), UNIT.mega, unitsOf(ctx))),
  ReqNodes: split((r, ctx) => count(r.job.req.nodes, ctx), (s, _r, ctx) => count(s.nodeList.length, ctx)),
  ReqTRES: jobOnly((r, ctx) => tresSacct({ cpu: requestedCpus(r.job), memMiB: reqMem(r), node: r.job.req.nodes }, true, unitsOf(ctx))),
  Reserved: jobOnly((r) => elapsedText(reservedSecs(r))),
  ResvCPU: jobOnly((r) => elapsedText(reservedSecs(r) * requestedCpus(r.job))),
  ResvCPURAW: jobOnly((r) => String(reservedSecs(r) * requestedCpus(r.job))),
  Restarts: jobOnly((r) => String(r.job.restarts)),
  Start: split(jobStart, (s) => formatTimestamp(s.start, 'Unknown')),
  State: split(jobState, stepState),
  Submit: split((r) => formatTimestamp(r.run.submitTime, 'Unknown'), (s) => formatTimestamp(s.start, 'Unknown')),
  // Ratchet does not keep the sbatch command line; Slurm prints it empty then.
  SubmitLine: jobOnly(none),
  Suspended: split((r) => elapsedText(r.run.suspended), (_s, r) => elapsedText(r.run.suspended)),
  SystemCPU: split((r) => cpuTimeText(sum(r, (s) => s.systemCpu)), (s) => cpuTimeText(s.systemCpu)),
  Timelimit: jobOnly((r) => formatLimit(r.run.timeLimit)),
  TimelimitRaw: jobOnly((r) => (r.run.timeLimit === null ? 'UNLIMITED' : String(Math.ceil(r.run.timeLimit / 60)))),
  TotalCPU: split((r) => cpuTimeText(sum(r, cpuTotal)), (s) => cpuTimeText(cpuTotal(s))),
  UID: jobOnly((r) => String(r.job.user.uid)),
  User: jobOnly((r) => r.job.user.name),
  UserCPU: split((r) => cpuTimeText(sum(r, (s) => s.userCpu)), (s) => cpuTimeText(s.userCpu)),
  WorkDir: jobOnly((r) => r.job.req.workDir),
  ...Object.fromEntries(Object.entries(USAGE_FIELDS).map(([k, g]) => [k, stepOnly((s, _r, ctx) => g(s, unitsOf(ctx)))])),
};

/** The text of field `name` (as listed in SACCT_FIELDS) for one row; null = blank. */
export function sacctValue(name: string, row: SacctRow, ctx: SacctContext): string | null {
  const v = VALUES[name];
  if (v === undefined) return null;
  return row.step === null ? v.job(row, ctx) : v.step(row.step, row, ctx);
}
