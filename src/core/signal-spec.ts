// sbatch/srun `--signal=[{R|B}:]<sig>[@sig_time]` (Slurm's get_signal_opts): the signal by
// name or number, sent `sig_time` seconds (0-65535, default 60) before the time limit; `B:`
// sends it to the batch shell only, without it only job steps get it; `R:` (reservation
// overlap) is accepted and recorded.

import { parseSignal } from './exit-code.ts';

export interface SignalSpec {
  readonly signal: number;
  /** Seconds before the end of the time limit. */
  readonly secs: number;
  /** B: the batch shell; otherwise the job's steps. */
  readonly batch: boolean;
  readonly reservation: boolean;
}

export function parseSignalSpec(s: string): SignalSpec | null {
  let rest = s;
  let batch = false;
  let reservation = false;
  const pre = /^([BbRr]{1,2}):/.exec(rest);
  if (pre?.[1] !== undefined) {
    const flags = pre[1].toUpperCase();
    if (flags.length === 2 && flags[0] === flags[1]) return null;
    batch = flags.includes('B');
    reservation = flags.includes('R');
    rest = rest.slice(pre[0].length);
  }
  const at = rest.indexOf('@');
  const sigText = at < 0 ? rest : rest.slice(0, at);
  const signal = parseSignal(sigText);
  if (signal === null || signal <= 0) return null;
  let secs = 60;
  if (at >= 0) {
    const t = rest.slice(at + 1);
    if (!/^\d+$/.test(t)) return null;
    secs = Number(t);
    if (secs > 65535) return null;
  }
  return { signal, secs, batch, reservation };
}
