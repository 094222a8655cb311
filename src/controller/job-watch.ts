// Long-poll support: a client names jobs and the change number it has seen; the request is
// answered as soon as one of those jobs changes (every applied event passes through
// changed()), or at its deadline. Push without a polling loop in the client or over sacct.

import type { Job } from '../core/job.ts';

interface Waiter {
  readonly ids: ReadonlySet<number>;
  readonly resolve: (seq: number) => void;
}

export class JobWatch {
  /** Change counter: bumped by every job change. */
  private seq = 0;
  private readonly waiters = new Set<Waiter>();
  /** The change number of each job's (and array's) last change, so a late waiter misses nothing. */
  private readonly last = new Map<number, number>();

  get current(): number {
    return this.seq;
  }

  changed(job: Job): void {
    this.seq++;
    const arrayId = job.array?.jobId;
    this.last.set(job.id, this.seq);
    if (arrayId !== undefined) this.last.set(arrayId, this.seq);
    if (this.waiters.size === 0) return;
    for (const w of this.waiters) {
      if (w.ids.has(job.id) || (arrayId !== undefined && w.ids.has(arrayId))) {
        this.waiters.delete(w);
        w.resolve(this.seq);
      }
    }
  }

  /** Resolves with the change number once one of `ids` (or their arrays) changed after `since`, or after `ms`. */
  wait(ids: ReadonlySet<number>, since: number, ms: number): Promise<number> {
    if ([...ids].some((id) => (this.last.get(id) ?? 0) > since)) return Promise.resolve(this.seq);
    return new Promise((resolve) => {
      const w: Waiter = { ids, resolve: (s) => { clearTimeout(t); resolve(s); } };
      const t = setTimeout(() => {
        this.waiters.delete(w);
        resolve(this.seq);
      }, ms);
      t.unref();
      this.waiters.add(w);
    });
  }
}
