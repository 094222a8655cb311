// A job's run clock on the node: the time limit and the `--signal` warning that precedes
// it, both counted in run time (time spent suspended does not count), armed with timers,
// not polled. The runner decides what firing means; this only keeps time.

/** The longest delay setTimeout honours (longer ones fire at once). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface LimitClockOptions {
  /** The time limit in ms; null = none. */
  limitMs: number | null;
  /** Fire onWarn this many ms before the limit; null = no warning. */
  warnBeforeMs: number | null;
  onLimit(): void;
  onWarn(): void;
  /** Runs a timer callback so that nothing escapes from it. */
  guard(what: string, fn: () => void): void;
}

export class LimitClock {
  private limitMs: number | null;
  private readonly o: LimitClockOptions;
  /** Run time consumed before the current running stretch. */
  private ranMs = 0;
  private runningSince = 0;
  private state: 'idle' | 'running' | 'paused' | 'stopped' = 'idle';
  private limitTimer: NodeJS.Timeout | null = null;
  private warnTimer: NodeJS.Timeout | null = null;
  private warnSent = false;

  constructor(o: LimitClockOptions) {
    this.o = o;
    this.limitMs = o.limitMs;
  }

  /** Start counting now, with `alreadyRanMs` of the limit used up (a late launch). */
  start(now: number, alreadyRanMs = 0): void {
    if (this.state !== 'idle') return;
    this.ranMs = alreadyRanMs;
    this.runningSince = now;
    this.state = 'running';
    this.arm();
  }

  pause(now: number): void {
    if (this.state !== 'running') return;
    this.disarm();
    this.ranMs += now - this.runningSince;
    this.state = 'paused';
  }

  resume(now: number): void {
    if (this.state !== 'paused') return;
    this.runningSince = now;
    this.state = 'running';
    this.arm();
  }

  /** A new limit (ms, null = none), counted from the same start. */
  setLimit(ms: number | null): void {
    this.limitMs = ms;
    if (this.state !== 'running') return;
    this.disarm();
    this.arm();
  }

  /** For good: the job is ending. */
  stop(): void {
    this.disarm();
    this.state = 'stopped';
  }

  private arm(): void {
    const limit = this.limitMs;
    // A non-positive or non-numeric limit is treated as none (never a 0 s limit).
    if (limit === null || !(limit > 0)) return;
    const left = Math.max(0, limit - this.ranMs - (Date.now() - this.runningSince));
    this.armWarn(left);
    // Re-arm in steps beyond setTimeout's ceiling (~24.8 days).
    if (left > MAX_TIMER_MS) {
      this.limitTimer = setTimeout(() => this.o.guard('time limit', () => this.arm()), MAX_TIMER_MS);
      return;
    }
    this.limitTimer = setTimeout(() => this.o.guard('time limit', () => {
      this.limitTimer = null;
      this.o.onLimit();
    }), left);
  }

  private armWarn(limitLeftMs: number): void {
    if (this.o.warnBeforeMs === null || this.warnSent) return;
    const left = Math.max(0, limitLeftMs - this.o.warnBeforeMs);
    if (left > MAX_TIMER_MS) return;
    this.warnTimer = setTimeout(() => this.o.guard('warn signal', () => {
      this.warnTimer = null;
      this.warnSent = true;
      this.o.onWarn();
    }), left);
  }

  private disarm(): void {
    if (this.limitTimer !== null) clearTimeout(this.limitTimer);
    if (this.warnTimer !== null) clearTimeout(this.warnTimer);
    this.limitTimer = null;
    this.warnTimer = null;
  }
}
