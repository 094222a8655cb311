// `--escalate-start=auto` (pure): start a chain at the rung that covers a high quantile of
// what earlier successful runs of the same class really used (peak memory, and elapsed time
// where the ladder has time rungs), instead of climbing from level 0 every time and paying
// for the failed attempts again. With too little history the chain starts at level 0, and
// either way the note says why, in words a user can check against sacct.

import type { EscalationPolicy, Position } from './escalation-policy.ts';
import { levelOf, memText, rungAt, timeText } from './escalation-policy.ts';

/** One earlier COMPLETED run of the class: its measured peak (MiB) and elapsed seconds. */
export interface PastRun {
  readonly peakMib: number;
  readonly elapsed: number;
}

/** Nearest-rank quantile: the smallest value with at least q of the values at or below it. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? null;
}

/** 0.95 -> p95, 0.995 -> p99.5. */
export function quantileLabel(q: number): string {
  return `p${Number((q * 100).toFixed(2))}`;
}

/** A measured size: 3174 -> 3.10G, 212 -> 212M. */
export function sizeText(mib: number): string {
  return mib >= 512 ? `${(mib / 1024).toFixed(2)}G` : `${Math.ceil(mib)}M`;
}

/** The lowest index whose value covers `need`; the top index (and `over`) when none does. */
function cover(values: readonly number[], need: number): { i: number; over: boolean } {
  const i = values.findIndex((v) => v >= need);
  return i < 0 ? { i: values.length - 1, over: true } : { i, over: false };
}

/** Where an `auto` chain starts and why. `history` is the class's recent successful runs. */
export function autoStartPosition(p: EscalationPolicy, history: readonly PastRun[]): { pos: Position; note: string } {
  const { quantile: q, minRuns } = p.autoStart;
  const n = history.length;
  if (n < minRuns) {
    return { pos: { mem: 0, time: 0 }, note: `started at level 0: ${n} earlier run${n === 1 ? '' : 's'}, need ${minRuns}` };
  }
  const mem = quantile(history.map((h) => h.peakMib), q) ?? 0;
  const secs = quantile(history.map((h) => h.elapsed), q) ?? 0;
  const m = cover(p.levels.map((l) => l.mem), mem);
  const t = cover(p.form === 'levels' ? p.levels.map((l) => l.time) : p.times, secs);
  const pos = p.form === 'levels' ? { mem: Math.max(m.i, t.i), time: Math.max(m.i, t.i) } : { mem: m.i, time: t.i };
  const r = rungAt(p, pos);
  const over = m.over || t.over ? ', above the top rung' : '';
  const note = `started at level ${levelOf(p, pos)} (${memText(r.mem)}/${timeText(r.time)}): ` +
    `${quantileLabel(q)} of ${n} runs = ${sizeText(mem)} peak, ${timeText(Math.ceil(secs))} elapsed${over}`;
  return { pos, note };
}
