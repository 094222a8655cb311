// A getopt_long work-alike, as glibc runs it for sbatch: option string starting with '+'
// (stop at the first non-option, no permutation), unambiguous prefixes of long options,
// `--name=value` or `--name value`, optional arguments only attached, bundled short flags,
// `-n2` / `-n 2`, and `--` ending the options. Error texts are glibc's, because sbatch
// prints them verbatim (golden g_sbatch: `sbatch: unrecognized option '--bogus-option'`).

export type ArgKind = 'none' | 'required' | 'optional';

export interface LongOption {
  readonly name: string;
  readonly arg: ArgKind;
  /**
   * Identity of the option. Two long names with the same key and argument kind are one
   * option to glibc, so a prefix matching both is not ambiguous.
   */
  readonly key: string;
}

export interface ShortOption {
  readonly char: string;
  readonly arg: ArgKind;
  readonly key: string;
}

export interface OptionSpec {
  /** In table order: ambiguity messages list the candidates in this order. */
  readonly long: readonly LongOption[];
  readonly short: ReadonlyMap<string, ShortOption>;
}

export interface ParsedOption {
  readonly key: string;
  /** null for a flag, or an optional argument that was not attached. */
  readonly value: string | null;
}

export interface GetoptResult {
  /** Options in command-line order, up to the first error. */
  readonly opts: ParsedOption[];
  /** glibc's message (without the `prog: ` prefix), or null; it comes after `opts`. */
  readonly error: string | null;
  /** Index of the first argument that is not an option (the script), as getopt's optind. */
  readonly optind: number;
}

function matchLong(spec: OptionSpec, text: string): { opt: LongOption } | { error: string } {
  const eq = text.indexOf('=');
  const name = eq < 0 ? text : text.slice(0, eq);
  const exact = spec.long.find((o) => o.name === name);
  if (exact) return { opt: exact };
  const found = spec.long.filter((o) => o.name.startsWith(name));
  const first = found[0];
  if (first === undefined) return { error: `unrecognized option '--${text}'` };
  const ambiguous = found.some((o) => o.key !== first.key || o.arg !== first.arg);
  if (ambiguous) {
    const list = found.map((o) => ` '--${o.name}'`).join('');
    return { error: `option '--${text}' is ambiguous; possibilities:${list}` };
  }
  return { opt: first };
}

/** Parse `args` (argv without the program name). Never throws. */
export function getopt(args: readonly string[], spec: OptionSpec): GetoptResult {
  const opts: ParsedOption[] = [];
  let i = 0;
  const done = (error: string | null): GetoptResult => ({ opts, error, optind: i });
  while (i < args.length) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      i++;
      return done(null);
    }
    if (!arg.startsWith('-') || arg === '-') return done(null);
    if (arg.startsWith('--')) {
      const text = arg.slice(2);
      const m = matchLong(spec, text);
      i++;
      if ('error' in m) return done(m.error);
      const eq = text.indexOf('=');
      if (eq >= 0) {
        if (m.opt.arg === 'none') return done(`option '--${m.opt.name}' doesn't allow an argument`);
        opts.push({ key: m.opt.key, value: text.slice(eq + 1) });
      } else if (m.opt.arg === 'required') {
        const next = args[i];
        if (next === undefined) return done(`option '--${m.opt.name}' requires an argument`);
        i++;
        opts.push({ key: m.opt.key, value: next });
      } else {
        opts.push({ key: m.opt.key, value: null });
      }
      continue;
    }
    // A cluster of short options: flags may be bundled, the first one taking an
    // argument consumes the rest of the word (or the next word when required).
    i++;
    for (let pos = 1; pos < arg.length; pos++) {
      const ch = arg[pos] ?? '';
      const o = spec.short.get(ch);
      if (o === undefined) return done(`invalid option -- '${ch}'`);
      if (o.arg === 'none') {
        opts.push({ key: o.key, value: null });
        continue;
      }
      const rest = arg.slice(pos + 1);
      if (rest !== '') {
        opts.push({ key: o.key, value: rest });
      } else if (o.arg === 'optional') {
        opts.push({ key: o.key, value: null });
      } else {
        const next = args[i];
        if (next === undefined) return done(`option requires an argument -- '${ch}'`);
        i++;
        opts.push({ key: o.key, value: next });
      }
      break;
    }
  }
  return done(null);
}
