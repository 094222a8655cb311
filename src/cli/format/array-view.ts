// Job ids as users write them on the command line (`12`, `12_3`, `12_[1-5]`, `12_*`) and the
// views of job array records the commands print: one line for the unstarted tasks of an
// array, or one per task with `-r`.

import type { Job } from '../../core/job.ts';
import type { IndexSet } from '../../core/array-spec.ts';
import { parseArraySpec, setHas, setIntersect, setMembers } from '../../core/array-spec.ts';
import { asPendingTask, pendingTasks } from '../../core/job-array.ts';

export interface JobSpec {
  readonly id: number;
  /** Array tasks named (`J_I`, `J_[a-b]`); null = the whole job or array. */
  readonly tasks: IndexSet | null;
}

/** Parse `J`, `J_I`, `J_[list]`, `J_*`; null when it is not a job id. */
export function parseJobSpec(s: string): JobSpec | null {
  const m = /^(\d+)(?:_(\*|\d+|\[[^\]]*\]))?$/.exec(s.trim());
  if (m === null) return null;
  const id = Number(m[1]);
  if (!Number.isSafeInteger(id) || id <= 0) return null;
  const t = m[2];
  if (t === undefined || t === '*') return { id, tasks: null };
  const spec = parseArraySpec(t.replace(/^\[|\]$/g, ''), Number.MAX_SAFE_INTEGER);
  if (spec === null || t.includes('%')) return null;
  return { id, tasks: spec.tasks };
}

/** Records (and single pending tasks of meta records) that a list of job specs names. */
export function selectBySpecs(jobs: readonly Job[], specs: readonly JobSpec[]): Job[] {
  const out: Job[] = [];
  for (const j of jobs) {
    for (const s of specs) {
      const a = j.array;
      if (s.tasks === null) {
        if (j.id === s.id || a?.jobId === s.id) {
          out.push(j);
          break;
        }
        continue;
      }
      if (a === null || a.jobId !== s.id) continue;
      if (a.taskId !== null) {
        if (setHas(s.tasks, a.taskId)) {
          out.push(j);
          break;
        }
        continue;
      }
      const hit = setIntersect(pendingTasks(j), s.tasks);
      if (hit.length > 0) {
        out.push(...setMembers(hit).map((t) => asPendingTask(j, t)));
        break;
      }
    }
  }
  return out;
}

/** `-r`: every pending task of a meta record on its own line. */
export function expandArrays(jobs: readonly Job[]): Job[] {
  return jobs.flatMap((j) => {
    const pending = pendingTasks(j);
    return pending.length === 0 ? [j] : setMembers(pending).map((t) => asPendingTask(j, t));
  });
}

/** sacct's order: by job id, the tasks of an array together by task id, its unstarted tasks last. */
export function sacctOrder(jobs: readonly Job[]): Job[] {
  const key = (j: Job): [number, number] => [j.array?.jobId ?? j.id, j.array === null ? -1 : (j.array.taskId ?? Infinity)];
  return [...jobs].sort((a, b) => {
    const [ai, at] = key(a);
    const [bi, bt] = key(b);
    return ai - bi || at - bt;
  });
}
