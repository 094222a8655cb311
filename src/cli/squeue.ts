// squeue: the live job view. Options and environment in squeue-args.ts, selection and
// sorting in format/squeue-select.ts, `-o` in format/squeue-format.ts, `-O` in
// format/squeue-format2.ts. As squeue does, the header is printed before the jobs are
// sorted (so a bad -S key errors after it), and a bad format field is reported on stderr
// while the rest prints, with exit 0.

import { parseSqueueFormat, ctimeLine, squeueHeader, squeueRow } from './format/squeue-format.ts';
import type { ParsedFormat } from './format/squeue-format.ts';
import { parseSqueueLongFormat } from './format/squeue-format2.ts';
import { selectJobs } from './format/squeue-select.ts';
import { SQUEUE_USAGE, squeueArgs } from './squeue-args.ts';
import { CliError, config, requestJobs, runCli } from './client.ts';
import { has, parseOpts } from './opts.ts';
import type { Opt } from './opts.ts';
import { existingUid } from '../lib/users.ts';
import { expandArrays, selectBySpecs } from './format/array-view.ts';
import { squeueJson } from './format/squeue-json.ts';

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
  { key: 'Format', long: ['Format'], short: 'O', arg: 'required' },
  { key: 'sort', long: ['sort'], short: 'S', arg: 'required' },
  { key: 'array', long: ['array'], short: 'r' },
  { key: 'all', long: ['all'], short: 'a' },
  { key: 'start', long: ['start'] },
  { key: 'json', long: ['json'] },
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
      process.stdout.write(SQUEUE_USAGE);
      return 0;
    }
    const parsed = squeueArgs(p, { env: process.env, euid: process.geteuid?.() ?? 0, uidOf: existingUid });
    if (!parsed.ok) {
      process.stdout.write(parsed.stdout);
      throw new CliError([...parsed.stderr], 1);
    }
    const a = parsed.args;
    if (a.warnings.length > 0) process.stderr.write(`${a.warnings.join('\n')}\n`);
    const select = {
      states: a.states, jobIds: a.jobIds, users: a.users, partitions: a.partitions, names: a.names,
      accounts: a.accounts, qos: a.qos, sort: a.sort,
    };
    // A bad -t is refused before the controller is asked, as squeue's option parsing does.
    const early = selectJobs([], select, 0);
    if (!early.ok && early.phase === 'options') throw new CliError(early.errors.map((e) => `squeue: error: ${e}`), 1);
    const r = await requestJobs('squeue', a.jobIds !== null && a.jobIds.length > 0 ? `/v1/jobs?ids=${a.jobIds.join(',')}` : '/v1/jobs');
    if (a.jobSpecs !== null) r.jobs = selectBySpecs(r.jobs, a.jobSpecs);
    if (a.singleJob !== null && r.jobs.length === 0) throw new CliError(['slurm_load_jobs error: Invalid job id specified'], 1);

    const format: ParsedFormat = a.layout.kind === 'letters' ? parseSqueueFormat(a.layout.format)
      : parseSqueueLongFormat(a.layout.format, { clusterName: config('squeue').clusterName });
    if (format.errors.length > 0) process.stderr.write(format.errors.map((e) => `squeue: error: ${e}\n`).join(''));
    const sel = selectJobs(r.jobs, select, r.now);
    if (has(p, 'json') && sel.ok) {
      process.stdout.write(squeueJson(sel.jobs, config('squeue').clusterName));
      return 0;
    }

    let head = a.header && a.dateLine ? `${ctimeLine(r.now)}\n` : '';
    if (a.header) head += squeueHeader(format.tokens);
    if (!sel.ok) {
      process.stdout.write(head);
      throw new CliError(sel.errors.map((e) => `squeue: error: ${e}`), 1);
    }
    process.stdout.write(head);
    if (sel.notices.length > 0) process.stderr.write(sel.notices.map((n) => `squeue: ${n}\n`).join(''));
    const out: string[] = [];
    // `-r`: a meta record's unstarted tasks are listed in task order where it sorted.
    const shown = has(p, 'array') || process.env.SQUEUE_ARRAY !== undefined ? expandArrays(sel.jobs) : sel.jobs;
    for (const job of shown) out.push(squeueRow(format.tokens, job, r.now));
    process.stdout.write(out.join(''));
    return 0;
  });
}
