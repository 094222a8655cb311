// `scontrol show job`: the key=value block of one job exactly as Slurm 22.05 prints it
// (golden a_oom), continuation lines indented three spaces, or one line with `-o`.

import { escalationLine } from '../../core/escalation.ts';
import { arrayTaskText } from '../../core/job-array.ts';
import { formatExit } from '../../core/exit-code.ts';
import { compressHostlist } from '../../core/hostlist.ts';
import { stateLong } from '../../core/job-state.ts';
import { formatMiB } from '../../core/mem-spec.ts';
import { reasonForScontrol } from '../../core/reason.ts';
import { formatDependency } from '../../core/dependency.ts';
import { formatElapsed, formatLimit, formatTimestamp } from '../../core/time-spec.ts';
import type { JobView } from './job-view.ts';
import {
  endTimeMs, jobCpus, jobNodeCount, jobTres, minMemory, shownPriority, timeUsedSecs, tresScontrol,
} from './job-view.ts';

export interface ScontrolJobOptions {
  /** `-o/--oneliner`: one line per job. */
  readonly oneLiner?: boolean;
  /** `-d/--details`: adds DerivedExitCode=. */
  readonly details?: boolean;
}

/**
 * The stdio paths as scontrol shows them. Slurm 22.05 substitutes only %A %a %j %u %x here
 * (not %N or %%, unlike the agent when it opens the files) and prefixes WorkDir to a
 * relative path; StdErr falls back to the StdOut path when --error was not given.
 */
export function scontrolPath(pattern: string, job: JobView): string {
  const p = pattern
    .replaceAll('%A', String(job.id))
    .replaceAll('%a', '4294967294')
    .replaceAll('%j', String(job.id))
    .replaceAll('%u', job.user.name)
    .replaceAll('%x', job.req.name);
  return p.startsWith('/') ? p : `${job.req.workDir}/${p}`;
}

function stdoutPattern(job: JobView): string {
  return job.req.stdout === '' ? 'slurm-%j.out' : job.req.stdout;
}

function runTime(job: JobView, now: number): string {
  const secs = timeUsedSecs(job, now);
  return secs < 0 ? 'INVALID' : formatElapsed(secs);
}

/**
 * A pending job waiting for its begin time shows that as StartTime (and EndTime after its
 * limit), as Slurm does; so does a held job submitted with --begin (peer).
 */
function expectedStart(job: JobView): number | null {
  const begins = job.reason === 'BeginTime' || (job.held !== null && job.req.begin !== undefined && job.eligibleTime === job.req.begin);
  return job.state === 'PENDING' && begins ? job.eligibleTime : job.startTime;
}

function endTime(job: JobView, now: number): string {
  const start = expectedStart(job);
  if (start !== job.startTime) return start === null || job.req.timeLimit === null ? 'Unknown' : formatTimestamp(start + job.req.timeLimit * 1000, 'Unknown');
  const end = endTimeMs(job);
  if (job.req.timeLimit === null && end !== null && end > now) return 'Unknown';
  return formatTimestamp(end, 'Unknown');
}

/** `ArrayJobId=49 ArrayTaskId=2-9%2 ArrayTaskThrottle=2 ` for an array record, else nothing. */
function arrayIdWords(job: JobView): string {
  const a = job.array;
  if (a === null) return '';
  const throttle = a.throttle > 0 ? `ArrayTaskThrottle=${a.throttle} ` : '';
  return `ArrayJobId=${a.jobId} ArrayTaskId=${arrayTaskText(job) ?? ''} ${throttle}`;
}

/** The lines of the block, without indentation. */
export function scontrolJobLines(job: JobView, now: number, opts: ScontrolJobOptions = {}): string[] {
  const { req, user } = job;
  const mem = minMemory(job);
  const lines = [
    `JobId=${job.id} ${arrayIdWords(job)}JobName=${req.name}`,
    `UserId=${user.name}(${user.uid}) GroupId=${user.group}(${user.gid}) MCS_label=N/A`,
    `Priority=${shownPriority(job)} Nice=${req.nice} Account=${req.account === '' ? '(null)' : req.account} QOS=${req.qos}`,
    `JobState=${stateLong(job.state, job.flags)} Reason=${reasonForScontrol(job.reason, job.stateDesc)} `
      + `Dependency=${formatDependency(job.dependency)}`,
    `Requeue=${req.requeue ? 1 : 0} Restarts=${job.restarts} BatchFlag=${req.alloc === true ? 0 : 1} Reboot=0 ExitCode=${formatExit(job.exitCode)}`,
  ];
  if (opts.details === true) lines.push(`DerivedExitCode=${formatExit(job.derivedExitCode)}`);
  lines.push(
    `RunTime=${runTime(job, now)} TimeLimit=${formatLimit(req.timeLimit)} TimeMin=N/A`,
    `SubmitTime=${formatTimestamp(job.submitTime, 'Unknown')} EligibleTime=${formatTimestamp(job.eligibleTime, 'Unknown')}`,
    `AccrueTime=${formatTimestamp(job.eligibleTime, 'Unknown')}`,
    `StartTime=${formatTimestamp(expectedStart(job), 'Unknown')} EndTime=${endTime(job, now)} `
      + `Deadline=${formatTimestamp(job.req.deadline ?? null, 'N/A')}`,
    `SuspendTime=${formatTimestamp(job.suspendTime, 'None')} SecsPreSuspend=${job.secsPreSuspend} `
      + `LastSchedEval=${formatTimestamp(job.lastSchedEval, 'Unknown')} Scheduler=Main`,
    `Partition=${req.partition} AllocNode:Sid=${req.submitHost}:${req.submitSid}`,
    `ReqNodeList=${req.requiredNodes !== undefined ? compressHostlist(req.requiredNodes) : '(null)'} ExcNodeList=(null)`,
    `NodeList=${job.nodeList.length > 0 ? compressHostlist(job.nodeList) : '(null)'}`,
  );
  // batch_host is set when the job is given nodes and cleared on requeue.
  const batchHost = job.nodeList[0];
  if (batchHost !== undefined) lines.push(`BatchHost=${batchHost}`);
  lines.push(
    `NumNodes=${jobNodeCount(job)} NumCPUs=${jobCpus(job)} NumTasks=${req.ntasks} CPUs/Task=${req.cpusPerTask} `
      + 'ReqB:S:C:T=0:0:*:*',
    `TRES=${tresScontrol(jobTres(job))}`,
    'Socks/Node=* NtasksPerN:B:S:C=0:0:*:* CoreSpec=*',
    `MinCPUsNode=${req.cpusPerTask} MinMemory${mem.perCpu ? 'CPU' : 'Node'}=${formatMiB(mem.mib)} MinTmpDiskNode=0`,
    'Features=(null) DelayBoot=00:00:00',
    `OverSubscribe=${req.exclusive === true ? 'NO' : 'OK'} Contiguous=0 Licenses=(null) Network=(null)`,
    `Command=${req.scriptPath ?? '(null)'}`,
    `WorkDir=${req.workDir}`,
  );
  if (req.comment !== null) lines.push(`Comment=${req.comment} `);
  // Ratchet's escalation chain (sbatch --escalate): policy, level, attempt, rung, outcome.
  if (job.escalation !== undefined && job.escalation !== null) {
    lines.push(escalationLine(job.escalation));
    if (job.escalation.startNote !== undefined) lines.push(`EscalationStart=${job.escalation.startNote}`);
  }
  lines.push(
    `StdErr=${scontrolPath(req.stderr ?? stdoutPattern(job), job)}`,
    `StdIn=${scontrolPath(req.stdin === '' ? '/dev/null' : req.stdin, job)}`,
    `StdOut=${scontrolPath(stdoutPattern(job), job)}`,
    'Power=',
  );
  // Slurm 22.05's own spelling; shown once the job has (had) a dependency and the flag was given.
  const kill = req.killOnInvalidDep;
  if (kill !== undefined && job.dependency !== null) lines.push(`KillOInInvalidDependent=${kill ? 'Yes' : 'No'}`);
  return lines;
}

/**
 * One job's block as scontrol prints it, trailing lines included: multi-line ends with a
 * line of three spaces and a blank line (`Power=\n   \n\n`), `-o` with `Power= \n`.
 */
export function formatJob(job: JobView, now: number, opts: ScontrolJobOptions = {}): string {
  const lines = scontrolJobLines(job, now, opts);
  if (opts.oneLiner === true) return `${lines.join(' ')} \n`;
  return `${lines.join('\n   ')}\n   \n\n`;
}

/** Several jobs, in the order given. */
export function formatJobs(jobs: readonly JobView[], now: number, opts: ScontrolJobOptions = {}): string {
  return jobs.map((j) => formatJob(j, now, opts)).join('');
}
