// scancel's work on the controller: each named job, array or array task cancelled or
// signalled in turn, with the answer for each (the route runs this with scheduler passes
// deferred, so the whole command is one act).

import type { Job } from '../core/job.ts';
import type { IndexSet } from '../core/array-spec.ts';
import { formatSet, setUnion } from '../core/array-spec.ts';
import type { CancelRequest, CancelResult } from '../api/wire.ts';
import { SlurmError } from '../api/wire.ts';
import type { Controller } from './controller.ts';
import { cancelPendingTasks, recordsNamed, taskTargets } from './arrays.ts';

/** scancel -s: -f/--full every process, -b/--batch the batch shell, neither: the job's steps only (Slurm). */
function signalScope(b: Partial<CancelRequest>): 'batch' | 'all' | 'steps' {
  if (b.full === true) return 'all';
  return b.batch === true ? 'batch' : 'steps';
}

export async function cancelJobs(
  ctl: Controller, uid: number, may: (job: Job) => boolean, b: Partial<CancelRequest> & { signal: number | null },
  ids: readonly number[], tasks: readonly { id: number; tasks: IndexSet }[],
): Promise<CancelResult[]> {
  const signal = b.signal;
  const scope = b.full === true ? 'all' : 'batch';
  const results: CancelResult[] = [];
  const act = async (job: Job): Promise<SlurmError | null> => {
    if (!may(job)) return SlurmError.AccessDenied;
    return signal === null ? await ctl.cancel(job.id, uid, scope)
      : ctl.signal(job.id, signal, signalScope(b));
  };
  for (const id of ids) {
    const records = recordsNamed(ctl, id);
    if (records.length === 0) results.push({ id, error: SlurmError.InvalidJobId });
    // A whole array: finished tasks are not errors, as long as something was left to act on.
    const errs = await Promise.all(records.map(act));
    const error = records.length > 1 && errs.some((e) => e === null) ? null : (errs.find((e) => e !== null) ?? null);
    if (records.length > 0) results.push({ id, error });
  }
  for (const t of tasks) {
    const text = `${t.id}_${formatSet(t.tasks)}`;
    const set = setUnion(t.tasks, []);
    const { records, meta } = taskTargets(ctl, t.id, set);
    if (records.length === 0 && meta === null) {
      results.push({ id: t.id, text, error: SlurmError.InvalidJobId });
      continue;
    }
    let error: SlurmError | null = null;
    for (const job of records) error = (await act(job)) ?? error;
    if (meta !== null) {
      if (!may(meta)) error = SlurmError.AccessDenied;
      else if (signal === null) cancelPendingTasks(ctl, meta, set, uid, ctl.clock());
      else error = SlurmError.JobPending;
      await ctl.store.flush();
      ctl.sched.request();
    }
    results.push({ id: t.id, text, error });
  }
  return results;
}
