// Stopping and continuing every process of a job (scontrol suspend/resume): the cgroup
// freezer where the kernel has one (atomic, nothing forks past it), else SIGSTOP/SIGCONT to
// the cgroup's processes and the batch shell's process group.

import type { JobCgroup } from './cgroup.ts';
import { SIG, errText, signalGroup } from './proc.ts';

export class TreeStopper {
  private bySignal = false;

  /** Stops the tree. Returns why the freezer could not be used, when it failed and SIGSTOP did the job. */
  stop(cg: JobCgroup, shellPid: number | null): string | null {
    let freezerError: string | null = null;
    if (cg.canFreeze) {
      try {
        cg.freeze();
        return null;
      } catch (err) {
        freezerError = errText(err);
      }
    }
    this.bySignal = true;
    cg.killAll(SIG.STOP);
    if (shellPid !== null) signalGroup(shellPid, SIG.STOP);
    return freezerError;
  }

  /** Continues the tree the way it was stopped (a no-op when it was not). */
  cont(cg: JobCgroup, shellPid: number | null): void {
    if (this.bySignal) {
      this.bySignal = false;
      cg.killAll(SIG.CONT);
      if (shellPid !== null) signalGroup(shellPid, SIG.CONT);
      return;
    }
    if (cg.canFreeze) cg.thaw();
  }
}
