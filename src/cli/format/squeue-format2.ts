// squeue's `-O/--Format` (and SQUEUE_FORMAT2): a comma list of `name[:[.][size][suffix]]`
// field names, case-insensitive, 20 wide and left-justified when no size is given. Names
// that are `-o` letters reuse SQUEUE_LETTERS; the rest (EXIT_CODE, STDOUT, PENDING_TIME...)
// are defined here. The tokens render with squeue-format.ts's header and row functions.

import { secOf, jobCpus, jobNodeCount, jobTres, tresScontrol } from './job-view.ts';
import type { JobView } from './job-view.ts';
import { formatSqueueTime, formatTimestamp } from '../../core/time-spec.ts';
import type { LetterDef } from './squeue-fields.ts';
import { SQUEUE_LETTERS } from './squeue-fields.ts';
import type { ParsedFormat, SqueueRenderOptions, SqueueToken } from './squeue-format.ts';
import { ctimeLine, squeueHeader, squeueRow } from './squeue-format.ts';

export interface LongFormatContext {
  /** ClusterName, for the CLUSTER field. */
  readonly clusterName: string | null;
}

/** The `-O` names that are `-o` letters. */
const LETTER_NAMES: Readonly<Record<string, string>> = {
  account: 'a', jobid: 'A', gres: 'b', 'tres-per-node': 'b', batchhost: 'B', mincpus: 'c', numcpus: 'C',
  mintmpdisk: 'd', numnodes: 'D', endtime: 'e', dependency: 'E', feature: 'f', arrayjobid: 'F', groupname: 'g',
  groupid: 'G', oversubscribe: 'h', shared: 'h', sockets: 'H', jobarrayid: 'i', cores: 'I', name: 'j',
  threads: 'J', comment: 'k', arraytaskid: 'K', timelimit: 'l', timeleft: 'L', minmemory: 'm', timeused: 'M',
  reqnodes: 'n', nodelist: 'N', command: 'o', contiguous: 'O', priority: 'p', partition: 'P', qos: 'q',
  prioritylong: 'Q', reason: 'r', reasonlist: 'R', starttime: 'S', statecompact: 't', state: 'T',
  username: 'u', userid: 'U', reservation: 'v', submittime: 'V', wckey: 'w', licenses: 'W', corespec: 'X',
  nice: 'y', schednodes: 'Y', sct: 'z', workdir: 'Z',
};

const def = (title: string, value: LetterDef['value'], cut = true): LetterDef => ({ title, value, cut, cutTitle: true });
const constant = (title: string, v: string | null, cut = true): LetterDef => def(title, () => v, cut);

/** A wait status as Slurm keeps exit codes: the code in the high byte, the signal low. */
const waitStatus = (e: { code: number; signal: number }): string => String(((e.code & 0xff) << 8) | (e.signal & 0x7f));

/** std_out / std_err as squeue shows them: the pattern as given, made absolute; Slurm's own default expanded. */
function stdioPath(job: JobView, pattern: string | null): string {
  const p = pattern === null || pattern === '' || pattern === 'slurm-%j.out' ? `slurm-${job.id}.out` : pattern;
  return p.startsWith('/') ? p : `${job.req.workDir}/${p}`;
}

function pendingTime(job: JobView, now: number): string {
  const end = job.startTime !== null && job.startTime < now ? job.startTime : now;
  return String(secOf(end) - secOf(job.submitTime));
}

const zeroTime = formatSqueueTime(0);

function longOnly(ctx: LongFormatContext): Readonly<Record<string, LetterDef>> {
  const na = (title: string): LetterDef => constant(title, 'N/A');
  return {
    accruetime: def('ACCRUE_TIME', (j) => formatTimestamp(j.eligibleTime, 'N/A')),
    admin_comment: constant('ADMIN_COMMENT', null),
    allocnodes: def('ALLOC_NODES', (j) => j.req.submitHost),
    allocsid: def('ALLOC_SID', (j) => String(j.req.submitSid)),
    associd: constant('ASSOC_ID', '0'),
    batchflag: constant('BATCH_FLAG', '1'),
    boardspernode: constant('BOARDS_PER_NODE', '0'),
    burstbuffer: constant('BURST_BUFFER', null),
    burstbufferstate: constant('BURST_BUFFER_STATE', null),
    cluster: constant('CLUSTER', ctx.clusterName),
    clusterfeature: constant('CLUSTER_FEATURES', null),
    container: constant('CONTAINER', null),
    cpuspertask: def('CPUS_PER_TASK', (j) => String(j.req.cpusPerTask)),
    'cpus-per-task': def('CPUS_PER_TASK', (j) => String(j.req.cpusPerTask)),
    'cpus-per-tres': na('CPUS_PER_TRES'),
    deadline: na('DEADLINE'),
    delayboot: constant('DELAY_BOOT', zeroTime),
    derivedec: def('DERIVED_EC', (j) => waitStatus(j.derivedExitCode)),
    eligibletime: def('ELIGIBLE_TIME', (j) => formatTimestamp(j.eligibleTime, 'N/A')),
    exit_code: def('EXIT_CODE', (j) => waitStatus(j.exitCode)),
    hetjobid: na('HET_JOB_ID'),
    hetjobidset: na('HET_JOB_ID_SET'),
    hetjoboffset: na('HET_JOB_OFFSET'),
    lastschedeval: def('LAST_SCHED_EVAL', (j) => formatTimestamp(j.lastSchedEval, 'N/A')),
    maxcpus: def('MAX_CPUS', (j) => String(jobCpus(j))),
    maxnodes: def('MAX_NODES', (j) => String(jobNodeCount(j))),
    mcslabel: constant('MCSLABEL', null),
    'mem-per-tres': na('MEM_PER_TRES'),
    mintime: constant('TIME_MIN', zeroTime),
    network: constant('NETWORK', null),
    ntperboard: constant('NTASKS_PER_BOARD', '0'),
    ntpercore: na('NTASKS_PER_CORE'),
    ntpernode: constant('NTASKS_PER_NODE', '0'),
    ntpersocket: na('NTASKS_PER_SOCKET'),
    origin: constant('ORIGIN', 'NA'),
    originraw: constant('ORIGIN_RAW', 'NA'),
    packjobid: na('HET_JOB_ID'),
    packjobidset: na('HET_JOB_ID_SET'),
    packjoboffset: na('HET_JOB_OFFSET'),
    pendingtime: def('PENDING_TIME', pendingTime),
    preempttime: na('PREEMPT_TIME'),
    prefer: constant('PREFER', null),
    profile: constant('PROFILE', 'NotSet'),
    reboot: constant('REBOOT', '0'),
    reqswitch: constant('REQ_SWITCH', '0'),
    requeue: def('REQUEUE', (j) => (j.req.requeue ? '1' : '0')),
    resizetime: constant('RESIZE_TIME', 'N/A', false),
    restartcnt: def('RESTART_COUNT', (j) => String(j.restarts)),
    selectjobinfo: constant('', ''),
    siblingsactive: constant('ACTIVE_SIBLINGS', 'NA'),
    siblingsactiveraw: constant('ACTIVE_SIBLINGS_RAW', 'NA'),
    siblingsviable: constant('VIABLE_SIBLINGS', 'NA'),
    // Slurm's own spelling.
    siblingsviableraw: constant('VIALBLE_SIBLINGS_RAW', 'NA'),
    sperboard: constant('SOCKETS_PER_BOARD', '0'),
    stderr: def('STDERR', (j) => stdioPath(j, j.req.stderr ?? j.req.stdout)),
    stdin: def('STDIN', (j) => j.req.stdin),
    stdout: def('STDOUT', (j) => stdioPath(j, j.req.stdout)),
    system_comment: constant('SYSTEM_COMMENT', null),
    tres: def('TRES_ALLOC', (j) => tresScontrol(jobTres(j))),
    'tres-alloc': def('TRES_ALLOC', (j) => tresScontrol(jobTres(j))),
    'tres-bind': na('TRES_BIND'),
    'tres-freq': na('TRES_FREQ'),
    'tres-per-job': na('TRES_PER_JOB'),
    'tres-per-socket': na('TRES_PER_SOCKET'),
    'tres-per-task': na('TRES_PER_TASK'),
    wait4switch: constant('WAIT4SWITCH', zeroTime),
  };
}

/** The field an `-O` name stands for; `numtask...` matches any name starting so. */
function lookup(name: string, ctx: LongFormatContext): { key: string; def: LetterDef } | undefined {
  const n = name.toLowerCase();
  const letter = LETTER_NAMES[n];
  if (letter !== undefined) {
    const d = SQUEUE_LETTERS[letter];
    return d === undefined ? undefined : { key: letter, def: d };
  }
  if (n.startsWith('numtask')) return { key: n, def: def('TASKS', (j) => String(j.req.ntasks)) };
  const d = longOnly(ctx)[n];
  return d === undefined ? undefined : { key: n, def: d };
}

/** strtol after the `:`: leading space, a sign, digits; the rest is the suffix. */
function size(spec: string): { width: number; right: boolean; suffix: string } {
  const right = spec.startsWith('.');
  const body = right ? spec.slice(1) : spec;
  const m = /^[ \t\n\v\f\r]*[-+]?\d+/.exec(body);
  if (m === null) return { width: 0, right, suffix: body };
  return { width: Math.max(0, Math.min(Number(m[0].trim()), 1 << 20)), right, suffix: body.slice(m[0].length) };
}

/**
 * Parse an `-O` list into the tokens renderSqueue's helpers print. An unknown name prints
 * only its suffix and gives `Invalid job format specification: <name>` (squeue prefixes
 * `squeue: error: ` and carries on).
 */
export function parseSqueueLongFormat(format: string, ctx: LongFormatContext = { clusterName: null }): ParsedFormat {
  const tokens: SqueueToken[] = [];
  const errors: string[] = [];
  for (const item of format.split(',')) {
    if (item === '') continue;
    const colon = item.indexOf(':');
    const name = colon < 0 ? item : item.slice(0, colon);
    const s = colon < 0 ? { width: 20, right: false, suffix: '' } : size(item.slice(colon + 1));
    const found = lookup(name, ctx);
    if (found === undefined) {
      if (s.suffix !== '') tokens.push({ kind: 'text', text: s.suffix });
      errors.push(`Invalid job format specification: ${name}`);
      continue;
    }
    tokens.push({ kind: 'field', letter: found.key, def: found.def, width: s.width, right: s.right, suffix: s.suffix });
  }
  return { tokens, errors };
}

/** The whole squeue output for an `-O` format, like renderSqueue does for `-o`. */
export function renderSqueueLong(
  jobs: readonly JobView[],
  format: string,
  opts: SqueueRenderOptions & LongFormatContext,
): { text: string; errors: readonly string[] } {
  const { tokens, errors } = parseSqueueLongFormat(format, opts);
  let text = opts.header && opts.dateLine ? `${ctimeLine(opts.now)}\n` : '';
  if (opts.header) text += squeueHeader(tokens);
  for (const job of jobs) text += squeueRow(tokens, job, opts.now);
  return { text, errors };
}
