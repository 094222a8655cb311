// `scontrol requeue <job_list>...` and `scontrol requeuehold [State=SpecialExit] <job_list>...`.
// As Slurm 22.05's scontrol (checked against the peer): each argument is a comma-separated
// list of ids; an argument that is not such a list is refused whole (`Invalid job id
// specified for job 1x,2`), a `State=` other than SpecialExit is taken for a job id too;
// every refusal is printed `<strerror> for job <id>` and the exit status is 1 if any failed.

import type { CancelResult } from '../api/wire.ts';
import { request } from './client.ts';

export async function requeue(verb: 'requeue' | 'requeuehold', args: string[]): Promise<number> {
  let specialExit = false;
  const lists = args.filter((a) => {
    if (verb === 'requeuehold' && /^state=specialexit$/i.test(a)) {
      specialExit = true;
      return false;
    }
    return true;
  });
  if (lists.length === 0) {
    process.stderr.write(`too few arguments for keyword:${verb}\n`);
    return 1;
  }
  let failed = false;
  for (const arg of lists) {
    const parts = arg.split(',');
    const lines: string[] = [];
    if (parts.every((a) => /^\d+$/.test(a) && Number.isSafeInteger(Number(a)) && Number(a) > 0)) {
      const body = { ids: parts.map(Number), hold: verb === 'requeuehold', specialExit };
      const r = await request<{ results: CancelResult[] }>('scontrol', '/v1/requeue', body);
      for (const x of r.results) if (x.error !== null) lines.push(`${x.error} for job ${x.id}`);
    } else {
      lines.push(`Invalid job id specified for job ${arg}`);
    }
    if (lines.length > 0) {
      failed = true;
      process.stderr.write(`${lines.join('\n')}\n`);
    }
  }
  return failed ? 1 : 0;
}
