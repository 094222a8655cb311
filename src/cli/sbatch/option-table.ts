// sbatch's options as data: every long option Slurm 22.05's sbatch accepts, in Slurm's table
// order (glibc lists ambiguous prefixes in that order), with its short letter, argument kind
// and what Ratchet does with it. Implementing an option later = changing its `set`.

import { HELP_TEXT, USAGE_TEXT, VERSION_TEXT } from './help.ts';
import { beginOption, deadlineOption } from './time-options.ts';
import type { ArgKind, OptionSpec, ShortOption } from './getopt.ts';
import type { OptState, Setter } from './option-state.ts';
import {
  arraySpec,
  chdir, count, dependency, escalate, escalateStart, exclusive, flag, ignore, killOnInvalidDep, mailType, memory, nice, nodes, openMode, pending, quiet,
  requeue, signal, stdio, text, time, verbose,
} from './option-state.ts';

export interface OptionRow {
  readonly name: string;
  readonly short?: string;
  readonly arg: ArgKind;
  /**
   * Acted on only while sbatch first reads its command line (help, version, wrap...):
   * ignored in `#SBATCH` lines and on the second pass, honoured from SBATCH_* variables.
   */
  readonly early?: true;
  /** Another row that is the same option to getopt (tasks-per-node = ntasks-per-node). */
  readonly alias?: string;
  readonly set: Setter;
  /** A flag turned off from the environment (SBATCH_WAIT=no): Slurm resets the option. */
  readonly reset?: (st: OptState) => void;
}

const unset = (field: 'parsable' | 'hold' | 'wait' | 'testOnly') => (st: OptState): void => {
  st[field] = false;
};

const row = (name: string, arg: ArgKind, set: Setter, more: Partial<OptionRow> = {}): OptionRow =>
  ({ name, arg, set, ...more });

/** Recognised, not implemented: the caller refuses the job naming the option. */
const later = (name: string, arg: ArgKind, more: Partial<OptionRow> = {}): OptionRow =>
  row(name, arg, pending(`--${name}`), {
    reset: (st) => {
      st.pending.delete(`--${name}`);
    },
    ...more,
  });

/** Help, usage and version print their text and end sbatch successfully. */
const printAndExit = (stdout: string): Setter => () => ({ code: 0, stdout, stderr: '' });

export const OPTION_ROWS: readonly OptionRow[] = [
  row('account', 'required', text('account'), { short: 'A' }),
  later('acctg-freq', 'required'),
  row('array', 'required', arraySpec, { short: 'a' }),
  later('batch', 'required'),
  row('begin', 'required', beginOption, { short: 'b' }),
  later('bb', 'required'),
  later('bbf', 'required'),
  later('cluster-constraint', 'required'),
  row('chdir', 'required', chdir, { short: 'D' }),
  later('cluster', 'required'),
  later('clusters', 'required', { short: 'M' }),
  row('comment', 'required', text('comment')),
  later('container', 'required'),
  later('context', 'required'),
  later('contiguous', 'none'),
  later('constraint', 'required', { short: 'C' }),
  later('core-spec', 'required', { short: 'S' }),
  later('cores-per-socket', 'required'),
  later('cpu-freq', 'required'),
  later('cpus-per-gpu', 'required'),
  row('cpus-per-task', 'required', count('cpusPerTask', '--cpus-per-task'), { short: 'c' }),
  row('deadline', 'required', deadlineOption),
  later('delay-boot', 'required'),
  row('dependency', 'required', dependency, { short: 'd' }),
  later('distribution', 'required', { short: 'm' }),
  row('error', 'required', stdio('stderr'), { short: 'e' }),
  later('exclude', 'required', { short: 'x' }),
  row('exclusive', 'optional', exclusive, { reset: (st) => { st.exclusive = false; } }),
  row('export', 'required', text('exportEnv')),
  row('export-file', 'required', text('exportFile')),
  later('extra-node-info', 'required', { short: 'B' }),
  later('get-user-env', 'optional'),
  later('gid', 'required'),
  later('gpu-bind', 'required'),
  later('gpu-freq', 'required'),
  later('gpus', 'required', { short: 'G' }),
  later('gpus-per-node', 'required'),
  later('gpus-per-socket', 'required'),
  later('gpus-per-task', 'required'),
  row('gres', 'required', text('gres')),
  later('gres-flags', 'required'),
  row('help', 'none', printAndExit(HELP_TEXT), { short: 'h', early: true }),
  later('hint', 'required'),
  row('hold', 'none', flag('hold'), { short: 'H', reset: unset('hold') }),
  // #PBS/#BSUB lines are never translated by Ratchet, so there is nothing to ignore.
  row('ignore-pbs', 'none', ignore, { reset: () => undefined }),
  row('input', 'required', stdio('stdin'), { short: 'i' }),
  row('job-name', 'required', text('jobName'), { short: 'J' }),
  row('kill-on-invalid-dep', 'required', killOnInvalidDep),
  later('licenses', 'required', { short: 'L' }),
  row('mail-type', 'required', mailType),
  row('mail-user', 'required', ignore),
  later('mcs-label', 'required'),
  row('mem', 'required', memory('mem', '--mem')),
  later('mem-bind', 'required'),
  row('mem-per-cpu', 'required', memory('memPerCpu', '--mem-per-cpu')),
  later('mem-per-gpu', 'required'),
  later('mincpus', 'required'),
  later('network', 'required'),
  row('nice', 'optional', nice),
  later('no-kill', 'optional', { short: 'k' }),
  row('no-requeue', 'none', requeue(false), { reset: (st) => { st.requeue = null; } }),
  later('nodefile', 'required', { short: 'F' }),
  row('nodelist', 'required', text('nodelist'), { short: 'w' }),
  row('nodes', 'required', nodes, { short: 'N' }),
  row('ntasks', 'required', count('ntasks', '--ntasks'), { short: 'n' }),
  later('ntasks-per-core', 'required'),
  later('ntasks-per-gpu', 'required'),
  later('ntasks-per-node', 'required'),
  later('ntasks-per-socket', 'required'),
  later('ntasks-per-tres', 'required'),
  row('open-mode', 'required', openMode),
  row('output', 'required', stdio('stdout'), { short: 'o' }),
  later('overcommit', 'none', { short: 'O' }),
  later('oversubscribe', 'none', { short: 's' }),
  row('parsable', 'none', flag('parsable'), { reset: unset('parsable') }),
  row('partition', 'required', text('partition'), { short: 'p' }),
  later('power', 'required'),
  later('prefer', 'required'),
  later('priority', 'required'),
  later('profile', 'required'),
  later('propagate', 'optional'),
  row('qos', 'required', text('qos'), { short: 'q' }),
  row('quiet', 'none', quiet, { short: 'Q', early: true, reset: (st) => { st.quiet = 0; } }),
  later('reboot', 'none'),
  row('requeue', 'none', requeue(true), { reset: (st) => { st.requeue = null; } }),
  later('reservation', 'required'),
  row('signal', 'required', signal, { reset: (st) => { st.signal = null; } }),
  later('sockets-per-node', 'required'),
  later('spread-job', 'none'),
  later('switches', 'required'),
  { ...later('ntasks-per-node', 'required'), name: 'tasks-per-node', alias: 'ntasks-per-node' },
  row('test-only', 'none', flag('testOnly'), { reset: unset('testOnly') }),
  later('thread-spec', 'required'),
  later('threads-per-core', 'required'),
  row('time', 'required', time, { short: 't' }),
  later('time-min', 'required'),
  later('tmp', 'required'),
  later('uid', 'required'),
  later('use-min-nodes', 'none'),
  row('verbose', 'none', verbose, { short: 'v', early: true, reset: (st) => { st.verbose = 0; } }),
  row('version', 'none', printAndExit(VERSION_TEXT), { short: 'V', early: true }),
  row('usage', 'none', printAndExit(USAGE_TEXT), { early: true }),
  row('wait', 'none', flag('wait'), { short: 'W', reset: unset('wait') }),
  later('wait-all-nodes', 'required'),
  later('wckey', 'required'),
  row('wrap', 'required', text('wrap'), { early: true }),
  // Ratchet's own options, after Slurm's table so no Slurm abbreviation changes meaning.
  row('escalate', 'required', escalate),
  row('escalate-start', 'required', escalateStart),
];

/** The row an option key (its long name, or the aliased name) designates. */
export const ROW_BY_KEY: ReadonlyMap<string, OptionRow> = new Map(
  OPTION_ROWS.filter((r) => r.alias === undefined).map((r) => [r.name, r]),
);

const keyOf = (r: OptionRow): string => r.alias ?? r.name;

export const SBATCH_SPEC: OptionSpec = {
  long: OPTION_ROWS.map((r) => ({ name: r.name, arg: r.arg, key: keyOf(r) })),
  short: new Map(OPTION_ROWS.flatMap((r): [string, ShortOption][] =>
    r.short === undefined ? [] : [[r.short, { char: r.short, arg: r.arg, key: keyOf(r) }]])),
};

/**
 * SBATCH_* input variables in the order Slurm reads them (a later one wins over an earlier
 * one for the same option), each naming the long option it sets.
 */
export const ENV_OPTIONS: readonly (readonly [string, string])[] = [
  ['SBATCH_ACCOUNT', 'account'], ['SBATCH_ARRAY_INX', 'array'],
  ['SBATCH_ACCTG_FREQ', 'acctg-freq'], ['SBATCH_BATCH', 'batch'],
  ['SBATCH_BURST_BUFFER', 'bb'], ['SBATCH_CLUSTER_CONSTRAINT', 'cluster-constraint'],
  ['SBATCH_CLUSTERS', 'clusters'], ['SLURM_CLUSTERS', 'clusters'],
  ['SBATCH_CONTAINER', 'container'], ['SBATCH_CONSTRAINT', 'constraint'],
  ['SBATCH_CORE_SPEC', 'core-spec'], ['SBATCH_CPU_FREQ_REQ', 'cpu-freq'],
  ['SBATCH_CPUS_PER_GPU', 'cpus-per-gpu'], ['SBATCH_DEBUG', 'verbose'],
  ['SBATCH_DELAY_BOOT', 'delay-boot'], ['SBATCH_DISTRIBUTION', 'distribution'],
  ['SBATCH_EXCLUSIVE', 'exclusive'], ['SBATCH_EXPORT', 'export'],
  ['SBATCH_GET_USER_ENV', 'get-user-env'], ['SBATCH_GRES', 'gres'],
  ['SBATCH_GRES_FLAGS', 'gres-flags'], ['SBATCH_GPUS', 'gpus'],
  ['SBATCH_GPU_BIND', 'gpu-bind'], ['SBATCH_GPU_FREQ', 'gpu-freq'],
  ['SBATCH_GPUS_PER_NODE', 'gpus-per-node'], ['SBATCH_GPUS_PER_SOCKET', 'gpus-per-socket'],
  ['SBATCH_GPUS_PER_TASK', 'gpus-per-task'], ['SLURM_HINT', 'hint'], ['SBATCH_HINT', 'hint'],
  ['SBATCH_JOB_NAME', 'job-name'], ['SBATCH_MEM_BIND', 'mem-bind'],
  ['SBATCH_MEM_PER_CPU', 'mem-per-cpu'], ['SBATCH_MEM_PER_GPU', 'mem-per-gpu'],
  ['SBATCH_MEM_PER_NODE', 'mem'], ['SBATCH_NETWORK', 'network'],
  ['SBATCH_NO_KILL', 'no-kill'], ['SBATCH_NO_REQUEUE', 'no-requeue'],
  ['SBATCH_OPEN_MODE', 'open-mode'], ['SBATCH_OVERCOMMIT', 'overcommit'],
  ['SBATCH_PARTITION', 'partition'], ['SBATCH_POWER', 'power'],
  ['SBATCH_PROFILE', 'profile'], ['SBATCH_QOS', 'qos'],
  ['SBATCH_REQ_SWITCH', 'switches'], ['SBATCH_REQUEUE', 'requeue'],
  ['SBATCH_RESERVATION', 'reservation'], ['SBATCH_SIGNAL', 'signal'],
  ['SBATCH_SPREAD_JOB', 'spread-job'], ['SBATCH_THREAD_SPEC', 'thread-spec'],
  ['SBATCH_THREADS_PER_CORE', 'threads-per-core'], ['SBATCH_TIMELIMIT', 'time'],
  ['SBATCH_USE_MIN_NODES', 'use-min-nodes'], ['SBATCH_WAIT', 'wait'],
  ['SBATCH_WAIT_ALL_NODES', 'wait-all-nodes'], ['SBATCH_WAIT4SWITCH', 'switches'],
  ['SBATCH_WCKEY', 'wckey'], ['SBATCH_ERROR', 'error'], ['SBATCH_INPUT', 'input'],
  ['SBATCH_OUTPUT', 'output'],
];
