// squeue's command line and environment turned into what to fetch, filter and print, with
// squeue 22.05's rules: a later -t/-u/-p/-n/-A/-q replaces an earlier one; -o and -O
// refuse each other, -o and -l too; -l, -o, -O and --start make SQUEUE_FORMAT[2] ignored;
// --start defaults the format, the sort (S) and the states (PD); SQUEUE_SORT and the
// SQUEUE_<filter> variables stand in for options not given; one operand is allowed, and
// only after -j. Pure: the environment, the caller's uid and the user lookup come in.

import type { JobSpec } from './format/array-view.ts';
import { parseJobSpec } from './format/array-view.ts';
import { SQUEUE_DEFAULT_FORMAT, SQUEUE_LONG_FORMAT } from './format/squeue-format.ts';
import type { Parsed } from './opts.ts';

export const SQUEUE_START_FORMAT = '%.18i %.9P %.8j %.8u %.2t %.19S %.6D %20Y %R';

export const SQUEUE_USAGE = `\
Usage: squeue [-A account] [--clusters names] [-i seconds] [--job jobid]
              [-n name] [-o format] [-p partitions] [--qos qos]
              [--reservation reservation] [--sort fields] [--start]
              [--step step_id] [-t states] [-u user_name] [--usage]
              [-L licenses] [-w nodes] [--federation] [--local] [--sibling]
\t      [-ahjlrsv]
`;

/** `-o` letters or `-O` names, and the text of the format. */
export type SqueueLayout = { readonly kind: 'letters' | 'names'; readonly format: string };

export interface SqueueArgs {
  /** `-j` ids (the job or array part); null = every job. */
  readonly jobIds: readonly number[] | null;
  /** `-j` as written, with array task suffixes (`12_3`, `12_[1-4]`); null = every job. */
  readonly jobSpecs: readonly JobSpec[] | null;
  /** Exactly one `-j` id: squeue asks for that job alone and fails if it is unknown. */
  readonly singleJob: number | null;
  /** uids (as decimal strings) from -u/--me/SQUEUE_USERS; [] when none named a user. */
  readonly users: readonly string[] | null;
  readonly states: readonly string[] | null;
  readonly partitions: readonly string[] | null;
  readonly names: readonly string[] | null;
  readonly accounts: readonly string[] | null;
  readonly qos: readonly string[] | null;
  readonly sort: string | null;
  readonly layout: SqueueLayout;
  readonly header: boolean;
  /** `-l` prints the date first (when there is a header). */
  readonly dateLine: boolean;
  /** `squeue: error: ...` lines squeue prints and carries on after (unknown users). */
  readonly warnings: readonly string[];
}

export type SqueueArgsResult =
  | { readonly ok: true; readonly args: SqueueArgs }
  | { readonly ok: false; readonly stderr: readonly string[]; readonly stdout: string };

export interface SqueueEnv {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly euid: number;
  /** uid of a user name or numeric uid that exists, else undefined. */
  readonly uidOf: (user: string) => number | undefined;
}

const lastOf = (p: Parsed, key: string): string | null => {
  const v = p.values.get(key);
  return v === undefined ? null : (v[v.length - 1] ?? null);
};

/** strtok on `,`: empty items vanish. */
const items = (s: string): string[] => s.split(',').filter((x) => x !== '');

/** The leading integer of `s` as C's strtol reads it (0 when there is none). */
function strtol(s: string): { value: number; rest: string } {
  const m = /^[ \t\n\v\f\r]*([-+]?\d+)/.exec(s);
  return m === null ? { value: 0, rest: s } : { value: Number(m[1]), rest: s.slice(m[0].length) };
}

function jobList(spec: string): JobSpec[] | string {
  const ids: JobSpec[] = [];
  // Commas separate ids except inside an array task list (`12_[1,3]`).
  for (const item of spec.split(/,(?![^[]*\])/).filter((x) => x !== '')) {
    const named = parseJobSpec(item);
    if (named !== null) {
      ids.push(named);
      continue;
    }
    const { value } = strtol(item);
    if (!(value > 0)) return `Invalid job id: ${item}`;
    ids.push({ id: value, tasks: null });
  }
  return ids;
}

function fail(stderr: string[], stdout = ''): SqueueArgsResult {
  return { ok: false, stderr, stdout };
}

/** Which format: -o/-O as given, else the environment unless overridden, else the defaults. */
function layoutOf(p: Parsed, e: SqueueEnv, start: boolean): SqueueLayout {
  let format = lastOf(p, 'format');
  let formatLong = lastOf(p, 'Format');
  const overridden = format !== null || formatLong !== null || p.values.has('long') || start;
  if (!overridden) {
    if (e.env['SQUEUE_FORMAT'] !== undefined) format = e.env['SQUEUE_FORMAT'];
    else if (e.env['SQUEUE_FORMAT2'] !== undefined) formatLong = e.env['SQUEUE_FORMAT2'];
  }
  if (start && format === null) format = SQUEUE_START_FORMAT;
  if (format !== null) return { kind: 'letters', format };
  if (formatLong !== null) return { kind: 'names', format: formatLong };
  return { kind: 'letters', format: p.values.has('long') ? SQUEUE_LONG_FORMAT : SQUEUE_DEFAULT_FORMAT };
}

/** The filter an option gives, else its environment variable's, else none. */
function filterOf(p: Parsed, e: SqueueEnv, key: string, envName: string): string[] | null {
  const v = lastOf(p, key) ?? e.env[envName] ?? null;
  return v === null ? null : items(v);
}

export function squeueArgs(p: Parsed, e: SqueueEnv): SqueueArgsResult {
  // -o and -O: the second one given is refused.
  let seen: 'format' | 'Format' | null = null;
  for (const o of p.order) {
    if (o.key !== 'format' && o.key !== 'Format') continue;
    if (seen !== null && seen !== o.key) {
      return fail([o.key === 'Format' ? 'squeue: error: -O (--Format) is incompatible with -o (--format)'
        : 'squeue: error: -o (--format) is incompatible with -O (--Format)']);
    }
    seen = o.key;
  }
  if (p.values.has('long') && p.values.has('format')) {
    return fail(['squeue: fatal: Options -o(--format) and -l(--long) are mutually exclusive. Please remove one and retry.']);
  }
  let jobSpec = lastOf(p, 'jobs');
  const operands = [...p.operands];
  if (p.values.has('jobs') && operands.length > 0) jobSpec = operands.shift() ?? '';
  if (operands.length > 0) return fail([`squeue: error: Unrecognized option: ${operands[0] ?? ''}`], SQUEUE_USAGE);

  let jobIds: number[] | null = null;
  let jobSpecs: JobSpec[] | null = null;
  if (jobSpec !== null && jobSpec !== '') {
    const ids = jobList(jobSpec);
    if (typeof ids === 'string') return fail([`squeue: error: ${ids}`]);
    jobSpecs = ids;
    jobIds = ids.map((x) => x.id);
  }

  const warnings: string[] = [];
  let users: string[] | null = null;
  const me = p.order.filter((o) => o.key === 'user' || o.key === 'me').pop();
  const userSpec = me === undefined ? (e.env['SQUEUE_USERS'] ?? null) : me.key === 'me' ? String(e.euid) : me.value;
  if (userSpec !== null) {
    users = [];
    for (const u of items(userSpec)) {
      const uid = e.uidOf(u);
      // Slurm's message ends in "\n" and its logger adds another: a blank line follows.
      if (uid === undefined) warnings.push(`squeue: error: Invalid user: ${u}\n`);
      else users.push(String(uid));
    }
  }

  const start = p.values.has('start');
  let states = filterOf(p, e, 'states', 'SQUEUE_STATES');
  let sort = lastOf(p, 'sort') ?? e.env['SQUEUE_SORT'] ?? null;
  if (start) {
    sort ??= 'S';
    states ??= ['PD'];
  }
  return {
    ok: true,
    args: {
      jobIds,
      jobSpecs,
      singleJob: jobIds !== null && jobIds.length === 1 ? (jobIds[0] ?? null) : null,
      users,
      states,
      partitions: filterOf(p, e, 'partition', 'SQUEUE_PARTITION'),
      names: filterOf(p, e, 'name', 'SQUEUE_NAMES'),
      accounts: filterOf(p, e, 'account', 'SQUEUE_ACCOUNT'),
      qos: filterOf(p, e, 'qos', 'SQUEUE_QOS'),
      sort,
      layout: layoutOf(p, e, start),
      header: !p.values.has('noheader'),
      dateLine: p.values.has('long'),
      warnings,
    },
  };
}
