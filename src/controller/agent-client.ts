// Controller -> agent calls. Launch is retried until the agent answers (it deduplicates by
// job and attempt, so a retry after a lost answer is harmless); terminate and signal are
// retried a few times. A call to an agent that is not registered waits for it to register:
// reconciliation at registration relaunches what it never received. Launch, suspend and
// resume of one job are delivered in the order they were made (a resume never overtakes
// its suspend, a suspend never reaches the node before the launch it applies to).

import type { Job } from '../core/job.ts';
import type { SignalRequest, SuspendRequest, TerminateRequest } from '../api/wire.ts';
import type { Controller } from './controller.ts';

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class AgentClient {
  private readonly ctl: Controller;
  /** Per job, the tail of its ordered calls (launch, suspend, resume). */
  private readonly ordered = new Map<number, Promise<unknown>>();

  constructor(ctl: Controller) {
    this.ctl = ctl;
  }

  private endpoint(node: string): { host: string; port: number } | null {
    const e = this.ctl.nodes.nodes.get(node);
    if (e === undefined || !e.registered || e.addr === null || e.port === null) return null;
    return { host: e.addr, port: e.port };
  }

  private async post(node: string, path: string, body: unknown, tries: number): Promise<boolean> {
    for (let i = 0; i < tries; i++) {
      const ep = this.endpoint(node);
      if (ep !== null) {
        try {
          await this.ctl.toAgents.call(ep.host, ep.port, path, body, { timeoutMs: 5000 });
          return true;
        } catch {
          // fall through to retry
        }
      }
      await delay(Math.min(2000, 50 * 2 ** i));
    }
    return false;
  }

  /** After a restart: ask each agent the last run knew about to register now. */
  recall(known: readonly { node: string; addr: string; port: number }[]): void {
    const path = '/v1/reregister';
    for (const k of known) {
      void (async () => {
        try {
          await this.ctl.toAgents.call(k.addr, k.port, path, {}, { timeoutMs: 5000 });
        } catch {
          // gone or moved: its own heartbeat registers it when it comes back
        }
      })();
    }
  }

  private inOrder(jobId: number, call: () => Promise<unknown>): void {
    const next = (this.ordered.get(jobId) ?? Promise.resolve()).then(call);
    this.ordered.set(jobId, next);
    void next.finally(() => {
      if (this.ordered.get(jobId) === next) this.ordered.delete(jobId);
    });
  }

  launch(job: Job): void {
    const node = job.nodeList[0];
    if (node === undefined) return;
    const attempt = job.attempt;
    this.inOrder(job.id, async () => {
      for (;;) {
        const cur = this.ctl.get(job.id);
        // A job suspended before its launch arrived is launched and frozen at once.
        if (cur === undefined || cur.attempt !== attempt || (cur.state !== 'RUNNING' && cur.state !== 'SUSPENDED')) return;
        if (await this.post(node, '/v1/launch', this.ctl.launchRequest(cur), 5)) return;
      }
    });
  }

  /** Freeze (suspend) or thaw (resume) the job on its node. */
  suspend(job: Job, op: SuspendRequest['op']): void {
    const node = job.nodeList[0];
    if (node === undefined) return;
    const body: SuspendRequest = { jobId: job.id, attempt: job.attempt, op };
    this.inOrder(job.id, () => this.post(node, '/v1/suspend', body, 8));
  }

  terminate(job: Job, cause: TerminateRequest['cause'], scope: 'batch' | 'all'): void {
    const node = job.nodeList[0];
    if (node === undefined) return;
    const body: TerminateRequest = { jobId: job.id, attempt: job.attempt, cause, scope };
    void this.post(node, '/v1/terminate', body, 8);
  }

  /** End a run the controller no longer owns (a node that comes back after being declared DOWN). */
  terminateRun(node: string, jobId: number, attempt: number, cause: TerminateRequest['cause']): void {
    const body: TerminateRequest = { jobId, attempt, cause, scope: 'all' };
    void this.post(node, '/v1/terminate', body, 8);
  }

  setTimeLimit(job: Job): void {
    const node = job.nodeList[0];
    if (node === undefined) return;
    void this.post(node, '/v1/timelimit', { jobId: job.id, attempt: job.attempt, timeLimit: job.req.timeLimit }, 5);
  }

  signal(job: Job, signal: number, scope: SignalRequest['scope']): void {
    const node = job.nodeList[0];
    if (node === undefined) return;
    const body: SignalRequest = { jobId: job.id, attempt: job.attempt, signal, scope };
    void this.post(node, '/v1/signal', body, 5);
  }
}
