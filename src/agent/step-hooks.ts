// What a JobRunner needs from the srun steps running inside its job (step-runner.ts), kept
// apart so the runner does not depend on how steps are launched or streamed.

import type { TerminateCause } from './launch.ts';

export interface JobStepHooks {
  /** To every step: `--signal=SIG@secs` without `B:` (the tasks only), SIGKILL when the script ended (everything). */
  signal(sig: number): void;
  /**
   * The job is ending (time limit, cancel): each running step writes its own banner and is
   * terminated with the job. Returns true when an srun whose stderr is the job's stderr file
   * took `jobBanner` to print after its step's banner (so the runner must not append it).
   */
  abort(cause: TerminateCause, at: number, jobBanner: string, jobStderr: string): boolean;
  /** Resolves once no step of the job runs any more, or after `timeoutMs`. */
  settle(timeoutMs: number): Promise<void>;
  /** OOM kills counted in the job's steps so far. */
  oomKills(): number;
}
