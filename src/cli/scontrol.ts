// scontrol: `show job [id]`, `hold|uhold|release <ids>`. Errors as Slurm prints them:
// `slurm_load_jobs error: ...`, `<strerror> for job <id>` + `slurm_suspend error: ...`.

import type { CancelResult, JobsResponse } from '../api/wire.ts';
import { formatJobs } from './format/scontrol-job.ts';
import { CliError, request, runCli } from './client.ts';
import { has, parseOpts } from './opts.ts';
import type { Opt } from './opts.ts';

const OPTS: readonly Opt[] = [
  { key: 'oneliner', long: ['oneliner'], short: 'o' },
  { key: 'details', long: ['details'], short: 'd' },
  { key: 'all', long: ['all'], short: 'a' },
  { key: 'quiet', long: ['quiet'], short: 'Q' },
  { key: 'verbose', long: ['verbose'], short: 'v' },
  { key: 'version', long: ['version'], short: 'V' },
  { key: 'help', long: ['help'], short: 'h' },
];

const LOAD_ERROR = 'slurm_load_jobs error: Invalid job id specified';

async function showJob(ids: string[], oneLiner: boolean, details: boolean): Promise<number> {
  const id = ids[0];
  if (id !== undefined && !/^\d+$/.test(id)) throw new CliError([LOAD_ERROR], 1);
  const r = await request<JobsResponse>('scontrol', id === undefined ? '/v1/jobs' : `/v1/jobs?ids=${id}`);
  if (id !== undefined && r.jobs.length === 0) throw new CliError([LOAD_ERROR], 1);
  if (r.jobs.length === 0) {
    process.stdout.write('No jobs in the system\n');
    return 0;
  }
  const jobs = [...r.jobs].sort((a, b) => b.id - a.id);
  process.stdout.write(formatJobs(jobs, r.now, { oneLiner, details }));
  return 0;
}

async function holdRelease(verb: 'hold' | 'uhold' | 'release', args: string[]): Promise<number> {
  const ids: number[] = [];
  const errors: string[] = [];
  for (const a of args.flatMap((x) => x.split(','))) {
    if (/^\d+$/.test(a)) ids.push(Number(a));
    else errors.push(`Invalid job id specified for job ${a}`);
  }
  if (errors.length > 0) throw new CliError(errors, 1);
  if (ids.length === 0) throw new CliError(['scontrol: error: Invalid job id specified'], 1);
  const r = await request<{ results: CancelResult[] }>('scontrol', '/v1/hold', {
    ids, release: verb === 'release', user: verb === 'uhold',
  });
  const failed = r.results.filter((x) => x.error !== null);
  if (failed.length === 0) return 0;
  const lines = failed.map((x) => `${x.error ?? ''} for job ${x.id}`);
  lines.push(`slurm_suspend error: ${failed[failed.length - 1]?.error ?? ''}`);
  throw new CliError(lines, 1);
}

export async function main(argv: string[]): Promise<void> {
  await runCli(async () => {
    const p = parseOpts('scontrol', argv, OPTS);
    if (has(p, 'version')) {
      process.stdout.write('slurm 22.05.8 (ratchet 0.1.0)\n');
      return 0;
    }
    const [cmd = '', ...rest] = p.operands;
    const verb = cmd.toLowerCase();
    if (verb === 'show' || verb === 'sho' || verb === 'sh') {
      const what = (rest[0] ?? '').toLowerCase();
      if (what === 'job' || what === 'jobs' || what === 'jobid') return showJob(rest.slice(1), has(p, 'oneliner'), has(p, 'details'));
      throw new CliError([`invalid entity:${rest[0] ?? ''} for keyword:show `], 1);
    }
    if (verb === 'hold' || verb === 'uhold' || verb === 'release') return holdRelease(verb, rest);
    if (verb === '' || has(p, 'help')) {
      process.stdout.write('scontrol [<OPTION>] [<COMMAND>]\n  Valid commands: show job|node|partition, hold, uhold, release\n');
      return 0;
    }
    throw new CliError([`invalid keyword: ${cmd}`], 1);
  });
}
