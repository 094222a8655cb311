// Values of `scontrol update JobId=` keys that need more than a regex: MinMemoryNode /
// MinMemoryCPU (plain MiB counts) and NumCPUs (a count or range with k/m multipliers), with
// the messages scontrol prints for each malformed value (checked against Slurm 22.05).

import { CliError } from './client.ts';

/** A MiB count as scontrol takes it for MinMemoryNode/MinMemoryCPU: digits only, '' is 0. */
export function memoryValue(key: string, v: string): number {
  const t = v.trimStart().replace(/^\+/, '');
  const n = Number(t === '' ? '0' : t);
  if (!/^\d*$/.test(t) || !Number.isSafeInteger(n)) throw new CliError([`scontrol: error: Invalid ${key} value: ${v}`], 1);
  return n;
}

/**
 * `NumCPUs=min[-max]` (k/m suffixes multiply by 1024), with Slurm's two-line complaint about
 * a malformed number. Only the minimum is kept: Ratchet allocates a fixed CPU count.
 */
export function cpuCount(v: string): number {
  const invalid = `scontrol: error: Invalid NumCPUs value: ${v}`;
  const one = (x: string): number => {
    const m = /^\s*\+?(\d+)([kKmM]?)$/.exec(x);
    if (m === null) throw new CliError([`scontrol: error: Invalid numeric value "${v}" for NumCPUs.`, invalid], 1);
    const n = Number(m[1]) * (m[2] === '' ? 1 : m[2]?.toLowerCase() === 'k' ? 1024 : 1024 * 1024);
    if (n > 0x7fffffff) throw new CliError([`scontrol: error: Numeric argument (${v}) to big for NumCPUs.`, invalid], 1);
    return n;
  };
  if (v === '') return 1;
  const dash = v.indexOf('-', 1);
  const min = one(dash < 0 ? v : v.slice(0, dash));
  const max = dash < 0 ? min : one(v.slice(dash + 1));
  if (min <= 0 || max < min) throw new CliError([invalid], 1);
  return min;
}
