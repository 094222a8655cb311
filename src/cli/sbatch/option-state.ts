// What sbatch's options accumulate into, and the setters the option table points at. A
// setter validates one value with Slurm's wording and stores it; a value error stops sbatch
// (exit 255, or 1 where Slurm's parse_int exits itself).

import { parseMemSpec } from '../../core/mem-spec.ts';
import { parseTimeSpec } from '../../core/time-spec.ts';
import { parseSignalSpec } from '../../core/signal-spec.ts';
import type { SignalSpec } from '../../core/signal-spec.ts';
import { isCSpace, parseCInt, strtol, toCInt } from './c-number.ts';

/** Where a value came from. Slurm counts `#SBATCH` lines as command-line options. */
export type Source = 'cli' | 'directive' | 'env';

export interface PendingOption {
  /** The long option as the user would write it: `--array`, `--dependency`, `hetjob`. */
  readonly option: string;
  readonly value: string | null;
  readonly source: Source;
}

/** A value that remembers whether it came from the environment (memory exclusivity). */
export interface Sourced<T> {
  readonly value: T;
  readonly byEnv: boolean;
}

export interface OptState {
  jobName: string | null;
  stdout: string | null;
  stderr: string | null;
  stdin: string | null;
  /** Absolute, joined to the submit cwd like Slurm (no normalisation). */
  chdir: string | null;
  partition: string | null;
  account: string | null;
  qos: string | null;
  comment: string | null;
  time: number | 'UNLIMITED' | null;
  mem: Sourced<number> | null;
  memPerCpu: Sourced<number> | null;
  /** C ints as Slurm holds them (a huge value wraps negative and fails verification). */
  cpusPerTask: number | null;
  ntasks: number | null;
  nodes: { min: number; max: number } | null;
  exportEnv: string | null;
  exportFile: string | null;
  parsable: boolean;
  hold: boolean;
  wait: boolean;
  testOnly: boolean;
  requeue: boolean | null;
  openMode: 'append' | 'truncate' | null;
  nice: number | null;
  quiet: number;
  verbose: number;
  wrap: string | null;
  signal: SignalSpec | null;
  /** --array, unparsed (the controller checks it against MaxArraySize). */
  array: string | null;
  /** --dependency as given (the controller parses it); --kill-on-invalid-dep=yes|no. */
  dependency: string | null;
  killOnInvalidDep: boolean | null;
  /** Ratchet's --escalate=POLICY and --escalate-start=LEVEL|MEM, as given. */
  escalate: string | null;
  escalateStart: string | null;
  /** --begin / --deadline, epoch seconds. */
  begin: number | null;
  deadline: number | null;
  /** -w/--nodelist, a hostlist expression as given (the controller checks the names). */
  nodelist: string | null;
  /** --exclusive (whole nodes); --exclusive=user|mcs stay unimplemented. */
  exclusive: boolean;
  /** --gres as given: this version has no generic resources, so any is refused. */
  gres: string | null;
  /** Recognised options this version does not implement, by option name. */
  pending: Map<string, PendingOption>;
}

export function newState(): OptState {
  return {
    jobName: null, stdout: null, stderr: null, stdin: null, chdir: null,
    partition: null, account: null, qos: null, comment: null, time: null,
    mem: null, memPerCpu: null, cpusPerTask: null, ntasks: null, nodes: null,
    exportEnv: null, exportFile: null,
    parsable: false, hold: false, wait: false, testOnly: false,
    requeue: null, openMode: null, nice: null, quiet: 0, verbose: 0, wrap: null, signal: null, array: null,
    dependency: null, killOnInvalidDep: null, escalate: null, escalateStart: null, begin: null, deadline: null,
    nodelist: null, exclusive: false, gres: null,
    pending: new Map(),
  };
}

/** A finished sbatch run: the command prints these and exits with `code`. */
export interface Stop {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface SetCtx {
  readonly cwd: string;
  readonly source: Source;
}

/** A setter stores one option value, or says why sbatch stops here. */
export type Setter = (st: OptState, value: string | null, ctx: SetCtx) => Stop | null;

/** An option set function failing: Slurm's slurm_process_option_or_exit exits -1. */
export const OPTION_EXIT = 255;

export const errorLine = (msg: string): string => `sbatch: error: ${msg}\n`;
export const stopError = (msg: string, code = OPTION_EXIT): Stop =>
  ({ code, stdout: '', stderr: errorLine(msg) });

const str = (value: string | null): string => value ?? '';

/** A plain string option (Slurm's COMMON_STRING_OPTION). */
/** --array: an empty value means no array (as Slurm's sbatch treats it). */
export const arraySpec: Setter = (st, value) => {
  const v = str(value);
  st.array = v === '' ? null : v;
  return null;
};

export function text(
  field: 'jobName' | 'partition' | 'account' | 'qos' | 'comment' | 'exportEnv' | 'exportFile' | 'wrap' | 'nodelist' | 'gres',
): Setter {
  return (st, value) => {
    st[field] = str(value);
    return null;
  };
}

/** -o/-e/-i: `none` (any case) means /dev/null; patterns are kept as given. */
export function stdio(field: 'stdout' | 'stderr' | 'stdin'): Setter {
  return (st, value) => {
    const v = str(value);
    st[field] = v.toLowerCase() === 'none' ? '/dev/null' : v;
    return null;
  };
}

export function flag(field: 'parsable' | 'hold' | 'wait' | 'testOnly'): Setter {
  return (st) => {
    st[field] = true;
    return null;
  };
}

/** --exclusive: whole nodes; the user / mcs forms share nodes differently and are not implemented. */
export const exclusive: Setter = (st, value, ctx) => {
  if (value === null || value === '' || value.toLowerCase() === 'exclusive') {
    st.exclusive = true;
    st.pending.delete('--exclusive');
    return null;
  }
  st.pending.set('--exclusive', { option: '--exclusive', value, source: ctx.source });
  return null;
};

export const chdir: Setter = (st, value, ctx) => {
  const v = str(value);
  st.chdir = v.startsWith('/') ? v : `${ctx.cwd}/${v}`;
  return null;
};

export const time: Setter = (st, value) => {
  const r = parseTimeSpec(str(value));
  if (!r.ok) return stopError('Invalid --time specification');
  st.time = r.seconds;
  return null;
};

export function memory(field: 'mem' | 'memPerCpu', option: string): Setter {
  return (st, value, ctx) => {
    const mib = parseMemSpec(str(value));
    if (mib === null) return stopError(`Invalid ${option} specification`);
    st[field] = { value: mib, byEnv: ctx.source === 'env' };
    return null;
  };
}

/** -c and -n: Slurm's parse_int exits 1 on its own, before any other check. */
export function count(field: 'cpusPerTask' | 'ntasks', option: string): Setter {
  return (st, value) => {
    const r = parseCInt(option, str(value), true);
    if (!r.ok) return stopError(r.message, 1);
    st[field] = r.value;
    return null;
  };
}

/** Slurm's _str_to_nodes: a number with an optional k/m multiplier; -1 when no digits. */
function strToNodes(s: string): { n: number; rest: string } {
  const r = strtol(s);
  if (r.end === 0) return { n: -1, rest: s };
  let n = r.value;
  let rest = s.slice(r.end);
  if (rest[0] === 'k' || rest[0] === 'K') {
    n *= 1024n;
    rest = rest.slice(1);
  }
  if (rest[0] === 'm' || rest[0] === 'M') {
    n *= 1024n * 1024n;
    rest = rest.slice(1);
  }
  return { n: toCInt(BigInt.asIntN(64, n)), rest };
}

const onlySpace = (s: string): boolean => [...s].every((c) => isCSpace(c));

/** -N: `N` or `min-max` (verify_node_count). */
export const nodes: Setter = (st, value) => {
  const v = str(value);
  const dash = v.indexOf('-');
  let min: number;
  let max: number;
  if (dash >= 0) {
    const minStr = v.slice(0, dash);
    const lo = strToNodes(minStr);
    if (!onlySpace(lo.rest)) return stopError(`"${minStr}" is not a valid node count`);
    min = lo.n < 0 ? 1 : lo.n;
    const maxStr = v.slice(dash + 1);
    const hi = strToNodes(maxStr);
    if (!onlySpace(hi.rest)) return stopError(`"${maxStr}" is not a valid node count`);
    max = hi.n;
  } else {
    const one = strToNodes(v);
    if (!onlySpace(one.rest) || one.n < 0) return stopError(`"${v}" is not a valid node count`);
    min = max = one.n;
  }
  if (max !== 0 && max < min) {
    return stopError(`Maximum node count ${max} is less than minimum node count ${min}`);
  }
  st.nodes = { min, max };
  return null;
};

export const openMode: Setter = (st, value) => {
  const c = str(value).charAt(0).toLowerCase();
  if (c === 'a') st.openMode = 'append';
  else if (c === 't') st.openMode = 'truncate';
  else return stopError('Invalid --open-mode specification');
  return null;
};

/** Slurm's NICE_OFFSET - 3: the largest |nice| it accepts. */
const NICE_LIMIT = 2147483645n;

/** --nice[=N]: strtoll without an end check (`--nice=abc` is 0); bare --nice is 100. */
export const nice: Setter = (st, value) => {
  const n = value === null ? 100n : strtol(value).value;
  if (n > NICE_LIMIT || n < -NICE_LIMIT) {
    return stopError(`Invalid --nice value, out of range (+/- ${NICE_LIMIT})`);
  }
  st.nice = Number(n);
  return null;
};

export function requeue(on: boolean): Setter {
  return (st) => {
    st.requeue = on;
    return null;
  };
}

const MAIL_TYPES = new Set([
  'ARRAY_TASKS', 'BEGIN', 'END', 'FAIL', 'INVALID_DEPEND', 'REQUEUE', 'ALL', 'STAGE_OUT',
  'TIME_LIMIT', 'TIME_LIMIT_90', 'TIME_LIMIT_80', 'TIME_LIMIT_50',
]);

/**
 * --mail-type is accepted and ignored (Ratchet sends no mail), but checked like Slurm's
 * parse_mail_type: NONE, or at least one known type among the comma list.
 */
export const mailType: Setter = (_st, value) => {
  const toks = str(value).split(',').filter((t) => t !== '').map((t) => t.toUpperCase());
  if (!toks.some((t) => t === 'NONE' || MAIL_TYPES.has(t))) return stopError('Invalid --mail-type specification');
  return null;
};

export const ignore: Setter = () => null;

/** -v counts; from SBATCH_DEBUG the value is a level (parse_int, may exit 1). */
export const verbose: Setter = (st, value) => {
  if (value === null) {
    st.verbose++;
    return null;
  }
  const r = parseCInt('--verbose', value, false);
  if (!r.ok) return stopError(r.message, 1);
  st.verbose = r.value;
  return null;
};

export const quiet: Setter = (st) => {
  st.quiet++;
  return null;
};

/** An option Slurm has and Ratchet does not implement yet: remembered for a clear refusal. */
export function pending(option: string): Setter {
  return (st, value, ctx) => {
    st.pending.set(option, { option, value, source: ctx.source });
    return null;
  };
}

/** `--signal=[{R|B}:]<sig>[@sig_time]`. */
export const signal: Setter = (st, value) => {
  const spec = parseSignalSpec(str(value));
  if (spec === null) return stopError('Invalid --signal specification');
  st.signal = spec;
  return null;
};

/** -d/--dependency: passed through as written; the controller's parser answers for it. */
export const dependency: Setter = (st, value) => {
  st.dependency = str(value);
  return null;
};

/** --kill-on-invalid-dep: yes or no, any case. */
export const killOnInvalidDep: Setter = (st, value) => {
  const v = str(value).toLowerCase();
  if (v !== 'yes' && v !== 'no') return stopError('Invalid --kill-on-invalid-dep specification');
  st.killOnInvalidDep = v === 'yes';
  return null;
};

/** --escalate=POLICY (Ratchet): a policy file's path or a name in EscalationPolicyDir. */
export const escalate: Setter = (st, value) => {
  const v = str(value).trim();
  if (v === '') return stopError('Invalid --escalate specification');
  st.escalate = v;
  return null;
};

/** --escalate-start=LEVEL|MEM (Ratchet): checked by the controller against the policy. */
export const escalateStart: Setter = (st, value) => {
  const v = str(value).trim();
  if (v === '') return stopError('Invalid --escalate-start specification');
  st.escalateStart = v;
  return null;
};
