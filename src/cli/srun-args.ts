// srun's command line (the options Ratchet implements), parsed the way Slurm 22.05's srun
// does: getopt_long stopping at the first non-option (the command), Slurm's messages for
// bad values. Pure: the caller prints and exits.

import { getopt } from './sbatch/getopt.ts';
import type { ArgKind, OptionSpec } from './sbatch/getopt.ts';
import { parseMemSpec } from '../core/mem-spec.ts';
import { parseTimeSpec } from '../core/time-spec.ts';

export interface SrunOptions {
  ntasks: number | null;
  nodes: number | null;
  cpusPerTask: number | null;
  /** --mem in MiB. */
  mem: number | null;
  name: string | null;
  output: string | null;
  error: string | null;
  export: string | null;
  label: boolean;
  /** Seconds, 'UNLIMITED', or null for the partition's default. */
  time: number | 'UNLIMITED' | null;
  partition: string | null;
  chdir: string | null;
  quiet: boolean;
  command: string[];
}

export type SrunParse = { ok: true; opts: SrunOptions } | { ok: false; stderr: string; code: number };

const TABLE: readonly [string, string | null, ArgKind][] = [
  ['ntasks', 'n', 'required'], ['nodes', 'N', 'required'], ['cpus-per-task', 'c', 'required'], ['mem', null, 'required'],
  ['job-name', 'J', 'required'], ['output', 'o', 'required'], ['error', 'e', 'required'], ['export', null, 'required'],
  ['label', 'l', 'none'], ['time', 't', 'required'], ['partition', 'p', 'required'], ['chdir', 'D', 'required'],
  ['quiet', 'Q', 'none'],
];

const SPEC: OptionSpec = {
  long: TABLE.map(([name, , arg]) => ({ name, arg, key: name })),
  short: new Map(TABLE.filter(([, s]) => s !== null).map(([name, s, arg]) => [s ?? '', { char: s ?? '', arg, key: name }])),
};

const TRY = 'Try "srun --help" for more information\n';

/** Slurm's parse_int: a whole positive number, else `Invalid numeric value "X" for --opt.` */
function positive(v: string, opt: string): number | string {
  if (!/^\s*\+?\d+\s*$/.test(v) || Number(v) <= 0 || !Number.isSafeInteger(Number(v))) {
    return `srun: error: Invalid numeric value "${v}" for --${opt}.\n`;
  }
  return Number(v);
}

export function parseSrun(argv: readonly string[]): SrunParse {
  const g = getopt(argv, SPEC);
  if (g.error !== null) return { ok: false, stderr: `srun: ${g.error}\n${TRY}`, code: 255 };
  const o: SrunOptions = {
    ntasks: null, nodes: null, cpusPerTask: null, mem: null, name: null, output: null, error: null, export: null,
    label: false, time: null, partition: null, chdir: null, quiet: false, command: argv.slice(g.optind),
  };
  for (const { key, value } of g.opts) {
    const v = value ?? '';
    switch (key) {
      case 'ntasks':
      case 'nodes':
      case 'cpus-per-task': {
        const n = positive(v, key);
        if (typeof n === 'string') return { ok: false, stderr: n, code: 1 };
        if (key === 'ntasks') o.ntasks = n;
        else if (key === 'nodes') o.nodes = n;
        else o.cpusPerTask = n;
        break;
      }
      case 'mem': {
        const m = parseMemSpec(v);
        if (m === null) return { ok: false, stderr: 'srun: error: invalid memory constraint ' + v + '\n', code: 1 };
        o.mem = m;
        break;
      }
      case 'time': {
        const t = parseTimeSpec(v);
        if (!t.ok) return { ok: false, stderr: 'srun: error: Invalid time limit specification\n', code: 1 };
        o.time = t.seconds;
        break;
      }
      case 'job-name': o.name = v; break;
      case 'output': o.output = v; break;
      case 'error': o.error = v; break;
      case 'export': o.export = v; break;
      case 'label': o.label = true; break;
      case 'partition': o.partition = v; break;
      case 'chdir': o.chdir = v; break;
      case 'quiet': o.quiet = true; break;
    }
  }
  if (o.command.length === 0) return { ok: false, stderr: 'srun: fatal: No command given to execute.\n', code: 1 };
  return { ok: true, opts: o };
}

/** `%j %s %N %u %x %%` of srun's -o/-e (per-task `%t` is the task's file). */
export function outputPath(pattern: string, v: { jobId: number; stepId: number; node: string; user: string; name: string; task: number }): string {
  return pattern.replace(/%(%|j|J|s|N|n|u|x|t)/g, (_m, c: string) => {
    switch (c) {
      case '%': return '%';
      case 'j': case 'J': return String(v.jobId);
      case 's': return String(v.stepId);
      case 'N': return v.node;
      case 'n': return '0';
      case 'u': return v.user;
      case 'x': return v.name;
      default: return String(v.task);
    }
  });
}

/** Splits streamed output into whole lines for `-l` (`N: line`), keeping a partial tail per task. */
export class LineLabeler {
  private readonly tails = new Map<number, string>();

  push(task: number, text: string): string {
    const all = (this.tails.get(task) ?? '') + text;
    const cut = all.lastIndexOf('\n');
    if (cut < 0) {
      this.tails.set(task, all);
      return '';
    }
    this.tails.set(task, all.slice(cut + 1));
    return all.slice(0, cut + 1).split('\n').slice(0, -1).map((l) => `${task}: ${l}\n`).join('');
  }

  flush(task: number): string {
    const t = this.tails.get(task) ?? '';
    this.tails.delete(task);
    return t === '' ? '' : `${task}: ${t}\n`;
  }
}
