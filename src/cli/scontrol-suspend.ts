// `scontrol suspend|resume <job_list> [<job_list>...]` (operators only). Each argument is a
// comma-separated list of job ids, handled in order; every refusal is printed the way
// Slurm 22.05's scontrol prints it, `<strerror> for job <id>` (golden d_suspend), and the
// exit status is 1 if any id failed. Suspending a suspended job is silently successful.

import type { CancelResult, SuspendJobsRequest } from '../api/wire.ts';
import { request } from './client.ts';

export async function suspendResume(op: SuspendJobsRequest['op'], verb: string, args: string[]): Promise<number> {
  if (args.length === 0) {
    process.stderr.write(`too few arguments for keyword:${verb}\n`);
    return 1;
  }
  let failed = false;
  for (const arg of args) {
    const ids: number[] = [];
    const lines: string[] = [];
    for (const a of arg.split(',')) {
      if (/^\d+$/.test(a) && Number.isSafeInteger(Number(a))) ids.push(Number(a));
      else lines.push(`Invalid job id specified for job ${a}`);
    }
    if (ids.length > 0) {
      const r = await request<{ results: CancelResult[] }>('scontrol', '/v1/suspend', { ids, op } satisfies SuspendJobsRequest);
      for (const x of r.results) if (x.error !== null) lines.push(`${x.error} for job ${x.id}`);
    }
    if (lines.length > 0) {
      failed = true;
      process.stderr.write(`${lines.join('\n')}\n`);
    }
  }
  return failed ? 1 : 0;
}
