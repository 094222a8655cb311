// What one run of a batch job leaves on its node: the job's cgroup and its spool directory
// holding the script. Both are made side by side at launch and removed once the run has
// reported (the node's CPUs are free as soon as the processes are gone). Both are named by
// the job id, so a new run of the same job on this agent (a requeue landing here again)
// waits until an earlier run's removal is over.

import type { CgroupDriver, JobCgroup } from './cgroup.ts';
import { removeSpoolDir, writeBatchScript } from './launch.ts';
import { errText } from './proc.ts';

/** Removals under way, by spool directory and job id. */
const removing = new Map<string, Promise<void>>();

export interface TraceSpec {
  readonly cgroups: CgroupDriver;
  /** The node's cgroup parent name. */
  readonly cgroupName: string;
  readonly spoolDir: string;
  readonly jobId: number;
  readonly attempt: number;
  readonly script: string;
  readonly uid: number;
  readonly gid: number;
  readonly memLimitBytes: number | null;
  log(message: string): void;
}

export class RunTraces {
  /** The run's cgroup once made; kept even when the script could not be written. */
  cg: JobCgroup | null = null;
  private readonly s: TraceSpec;

  constructor(spec: TraceSpec) {
    this.s = spec;
  }

  private get key(): string {
    return `${this.s.spoolDir}\0${this.s.jobId}`;
  }

  /** Makes the cgroup (with its memory limit) and writes the script. */
  async make(): Promise<{ cg: JobCgroup; scriptPath: string }> {
    const s = this.s;
    await removing.get(this.key);
    const [cg, script] = await Promise.allSettled([
      s.cgroups.create(s.cgroupName, s.jobId, s.attempt),
      writeBatchScript(s.spoolDir, s.jobId, s.script, s.uid, s.gid),
    ]);
    if (cg.status === 'rejected') throw cg.reason;
    this.cg = cg.value;
    if (script.status === 'rejected') throw script.reason;
    // A fresh cgroup has no limit; only ask for one when there is one (a host without the
    // memory controller can still run jobs that set none).
    if (s.memLimitBytes !== null) this.cg.setMemoryLimit(s.memLimitBytes);
    return { cg: this.cg, scriptPath: script.value };
  }

  /** Removes the cgroup and the spool directory; never rejects. */
  remove(): Promise<void> {
    const done = this.removeNow();
    removing.set(this.key, done);
    void done.then(() => {
      if (removing.get(this.key) === done) removing.delete(this.key);
    });
    return done;
  }

  private async removeNow(): Promise<void> {
    if (this.cg !== null) {
      try {
        await this.cg.remove();
      } catch (err) {
        this.s.log(`job ${this.s.jobId}: ${errText(err)}`);
      }
    }
    await removeSpoolDir(this.s.spoolDir, this.s.jobId);
  }
}
