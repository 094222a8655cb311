// squeue: the live job view (formats in src/cli/format/squeue-*.ts).

import type { JobsResponse } from '../api/wire.ts';
import { renderSqueue, squeueFormatFor } from './format/squeue-format.ts';
import { selectJobs } from './format/squeue-select.ts';
import { CliError, request, runCli } from './client.ts';
import { has, last, list, parseOpts } from './opts.ts';
import type { Opt } from './opts.ts';
import { userName } from '../lib/users.ts';
import { expandArrays, parseJobSpec, selectBySpecs } from './format/array-view.ts';

const START_FORMAT = '%.18i %.9P %.8j %.8u %.2t %.19S %.6D %20Y %R';

const OPTS: readonly Opt[] = [
  { key: 'jobs', long: ['jobs'], short: 'j', arg: 'optional' },
  { key: 'states', long: ['states'], short: 't', arg: 'required' },
  { key: 'user', long: ['user'], short: 'u', arg: 'required' },
  { key: 'me', long: ['me'] },
  { key: 'partition', long: ['partition'], short: 'p', arg: 'required' },
  { key: 'name', long: ['name'], short: 'n', arg: 'required' },
  { key: 'account', long: ['account'], short: 'A', arg: 'required' },
  { key: 'qos', long: ['qos'], short: 'q', arg: 'required' },
  { key: 'noheader', long: ['noheader'], short: 'h' },
  { key: 'long', long: ['long'], short: 'l' },
  { key: 'format', long: ['format'], short: 'o', arg: 'required' },
  { key: 'sort', long: ['sort'], short: 'S', arg: 'required' },
  { key: 'array', long: ['array'], short: 'r' },
  { key: 'all', long: ['all'], short: 'a' },
  { key: 'start', long: ['start'] },
  { key: 'verbose', long: ['verbose'], short: 'v' },
  { key: 'help', long: ['help'] },
  { key: 'usage', long: ['usage'] },
  { key: 'version', long: ['version'], short: 'V' },
];

export async function main(argv: string[]): Promise<void> {
  await runCli(async () => {
    const p = parseOpts('squeue', argv, OPTS);
    if (has(p, 'version')) {
      process.stdout.write('slurm 22.05.8 (ratchet 0.1.0)\n');
      return 0;
    }
    if (has(p, 'help') || has(p, 'usage')) {
      process.stdout.write('Usage: squeue [-A account] [--clusters names] [-i seconds] [--job jobid] [-n name] [-o format] [-p partitions]\n' +
        '   [--qos qos] [--reservation reservation] [--sort fields] [--start] [--step step_id] [-t states] [-u user_name]\n' +
        '   [--usage] [-ahjlrsv]\n');
      return 0;
    }
    const ids = list(p, 'jobs')?.concat(p.operands.flatMap((o) => o.split(','))) ?? null;
    const specs = ids?.map(parseJobSpec) ?? null;
    const badId = specs?.findIndex((x) => x === null) ?? -1;
    if (badId >= 0) throw new CliError([`squeue: error: Invalid job id: ${ids?.[badId] ?? ''}`], 1);
    const named = specs?.filter((x) => x !== null) ?? null;
    const jobIds = named?.map((x) => x.id) ?? null;
    const r = await request<JobsResponse>('squeue', jobIds !== null && jobIds.length > 0 ? `/v1/jobs?ids=${jobIds.join(',')}` : '/v1/jobs');
    if (named !== null && named.length > 0) r.jobs = selectBySpecs(r.jobs, named);
    if (jobIds !== null && jobIds.length === 1 && r.jobs.length === 0) {
      throw new CliError(['slurm_load_jobs error: Invalid job id specified'], 1);
    }
    if (has(p, 'array') || process.env.SQUEUE_ARRAY !== undefined) r.jobs = expandArrays(r.jobs);
    const users = list(p, 'user') ?? (has(p, 'me') ? [userName(process.getuid?.() ?? 0)] : null);
    const start = has(p, 'start');
    const sel = selectJobs(r.jobs, {
      states: list(p, 'states') ?? (start ? ['PD'] : null), jobIds: null, users, partitions: list(p, 'partition'), names: list(p, 'name'),
      accounts: list(p, 'account'), qos: list(p, 'qos'), sort: last(p, 'sort') ?? (start ? 'S' : null),
    }, r.now);
    if (!sel.ok) throw new CliError(sel.errors.map((e) => `squeue: error: ${e}`), 1);
    const format = last(p, 'format') ?? (start ? START_FORMAT : squeueFormatFor({ format: null, long: has(p, 'long'), env: process.env }));
    const out = renderSqueue(sel.jobs, format, { now: r.now, header: !has(p, 'noheader'), dateLine: has(p, 'long') });
    if (out.errors.length > 0) throw new CliError(out.errors.map((e) => `squeue: error: ${e}`), 1);
    process.stdout.write(out.text);
    return 0;
  });
}
