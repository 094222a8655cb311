// Option parsing for the query/control commands (squeue, scancel, scontrol, sacct): a table
// of options over the shared getopt_long work-alike, with GNU permutation (operands may
// stand between options, as in `scancel --full 20` or `scancel 73 74`).

import { getopt } from './sbatch/getopt.ts';
import type { ArgKind, LongOption, OptionSpec, ShortOption } from './sbatch/getopt.ts';
import { CliError } from './client.ts';

export interface Opt {
  readonly key: string;
  readonly long?: readonly string[];
  readonly short?: string;
  readonly arg?: ArgKind;
}

export interface Parsed {
  /** Every value given for a key, in order (flags record ''). */
  readonly values: Map<string, string[]>;
  readonly operands: string[];
  /** Every option as given, in command-line order (for rules like squeue's -o/-O clash). */
  readonly order: readonly { readonly key: string; readonly value: string }[];
}

export function spec(table: readonly Opt[]): OptionSpec {
  const long: LongOption[] = [];
  const short = new Map<string, ShortOption>();
  for (const o of table) {
    const arg = o.arg ?? 'none';
    for (const name of o.long ?? []) long.push({ name, arg, key: o.key });
    if (o.short !== undefined) short.set(o.short, { char: o.short, arg, key: o.key });
  }
  return { long, short };
}

export function parseOpts(prog: string, argv: readonly string[], table: readonly Opt[]): Parsed {
  const s = spec(table);
  const values = new Map<string, string[]>();
  const operands: string[] = [];
  const order: { key: string; value: string }[] = [];
  let args = [...argv];
  while (args.length > 0) {
    const r = getopt(args, s);
    for (const o of r.opts) {
      const list = values.get(o.key) ?? [];
      list.push(o.value ?? '');
      values.set(o.key, list);
      order.push({ key: o.key, value: o.value ?? '' });
    }
    if (r.error !== null) {
      throw new CliError([`${prog}: ${r.error}`, `Try "${prog} --help" for more information`], 1);
    }
    const rest = args.slice(r.optind);
    if (rest.length === 0) break;
    if (args[r.optind - 1] === '--') {
      operands.push(...rest);
      break;
    }
    operands.push(rest[0] ?? '');
    args = rest.slice(1);
  }
  return { values, operands, order };
}

export const last = (p: Parsed, key: string): string | null => {
  const v = p.values.get(key);
  return v === undefined ? null : (v[v.length - 1] ?? null);
};

export const has = (p: Parsed, key: string): boolean => p.values.has(key);

/** Comma-separated values of every occurrence of a list option (`-j 1,2 -j 3`). */
export function list(p: Parsed, key: string): string[] | null {
  const v = p.values.get(key);
  if (v === undefined) return null;
  return v.flatMap((x) => x.split(',')).filter((x) => x !== '');
}
