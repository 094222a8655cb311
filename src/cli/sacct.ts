// sacct: accounting rows for finished and live jobs, from the controller's store. Options,
// time window and user defaults in sacct-args.ts, the selection in api/acct-query.ts
// (applied by the controller), formats in src/cli/format/sacct-*.ts.

import { parseJobSpec, sacctOrder, selectBySpecs } from './format/array-view.ts';
import { CompactLineReader } from '../api/job-codec.ts';
import type { Job } from '../core/job.ts';
import { acctQueryParams } from '../api/acct-query.ts';
import { sacctArgs } from './sacct-args.ts';
import { buildSacctRows } from './format/sacct-rows.ts';
import { renderSacct } from './format/sacct-format.ts';
import { resolveSacctFields, sacctHelpFields } from './format/sacct-fields.ts';
import { CliError, config, requestLines, runCli } from './client.ts';
import { has, last, parseOpts } from './opts.ts';
import type { Opt } from './opts.ts';
import { existingUid } from '../lib/users.ts';

/** Jobs decoded, turned into rows and rendered per step of a large answer. */
const SLICE = 2000;

const OPTS: readonly Opt[] = [
  { key: 'jobs', long: ['jobs'], short: 'j', arg: 'required' },
  { key: 'user', long: ['user', 'uid'], short: 'u', arg: 'required' },
  { key: 'allusers', long: ['allusers'], short: 'a' },
  { key: 'account', long: ['accounts'], short: 'A', arg: 'required' },
  { key: 'state', long: ['state'], short: 's', arg: 'required' },
  { key: 'start', long: ['starttime'], short: 'S', arg: 'required' },
  { key: 'end', long: ['endtime'], short: 'E', arg: 'required' },
  { key: 'allocations', long: ['allocations'], short: 'X' },
  { key: 'duplicates', long: ['duplicates'], short: 'D' },
  { key: 'parsable', long: ['parsable'], short: 'p' },
  { key: 'parsable2', long: ['parsable2'], short: 'P' },
  { key: 'noheader', long: ['noheader'], short: 'n' },
  { key: 'brief', long: ['brief'], short: 'b' },
  { key: 'long', long: ['long'], short: 'l' },
  { key: 'format', long: ['format', 'fields'], short: 'o', arg: 'required' },
  { key: 'helpformat', long: ['helpformat', 'help-fields'], short: 'e' },
  { key: 'delimiter', long: ['delimiter'], arg: 'required' },
  { key: 'units', long: ['units'], arg: 'required' },
  { key: 'partition', long: ['partition'], short: 'r', arg: 'required' },
  { key: 'name', long: ['name'], arg: 'required' },
  { key: 'verbose', long: ['verbose'], short: 'v' },
  { key: 'version', long: ['version'], short: 'V' },
  { key: 'help', long: ['help'], short: 'h' },
];

export async function main(argv: string[]): Promise<void> {
  await runCli(async () => {
    const p = parseOpts('sacct', argv, OPTS);
    if (has(p, 'version')) {
      process.stdout.write('slurm 22.05.8 (ratchet 0.1.0)\n');
      return 0;
    }
    if (has(p, 'helpformat')) {
      process.stdout.write(sacctHelpFields());
      return 0;
    }
    const parsed = sacctArgs(p, { now: Math.floor(Date.now() / 1000), uid: process.getuid?.() ?? 0, uidOf: existingUid });
    if (!parsed.ok) throw new CliError([...parsed.stderr], 1);
    const fields = resolveSacctFields({
      format: p.values.get('format') ?? [], brief: has(p, 'brief'), long: has(p, 'long'), env: process.env.SACCT_FORMAT,
    });
    if (!fields.ok) throw new CliError([`sacct: ${fields.fatal ? 'fatal' : 'error'}: ${fields.error}`], 1);
    if (p.operands.length > 0) {
      throw new CliError(['sacct: error: Unknown arguments:', ...p.operands.map((o) => `sacct: error:  ${o}`)], 1);
    }
    const { query, units } = parsed.args;
    // `-j J_I`: the controller matched the array; keep the tasks named.
    const specs = (p.values.get('jobs') ?? []).flatMap((v) => v.split(/,(?![^[]*\])/))
      .map((a) => parseJobSpec(a.split('.')[0] ?? '')).filter((x) => x !== null);
    const parsable = has(p, 'parsable2') ? 'no-ending' : has(p, 'parsable') ? 'ending' : 'none';
    const render = { fields: fields.fields, parsable, delimiter: last(p, 'delimiter'), cluster: config('sacct').clusterName, units } as const;
    const rowOpts = { allocations: has(p, 'allocations'), duplicates: query.duplicates };
    const out: string[] = [];
    let header = !has(p, 'noheader');
    const flush = (jobs: readonly Job[], now: number): void => {
      out.push(renderSacct(buildSacctRows(jobs, rowOpts, now), { ...render, header }));
      header = false;
    };
    // The answer streams in (api/job-codec.ts, fmt=l): without arrays it is already in
    // sacct's order (by id), so jobs are decoded, turned into rows and rendered a slice at a
    // time as they arrive; with arrays (or `-j J_I`) they are kept and ordered first.
    const reader = new CompactLineReader();
    const keep = specs.some((x) => x.tasks !== null);
    let slice: Job[] = [];
    await requestLines('sacct', `/v1/acct?${acctQueryParams(query)}`, (line) => {
      const job = reader.line(line);
      if (job === null) return;
      slice.push(job);
      if (!keep && !reader.arrays && slice.length >= SLICE) {
        flush(slice, reader.now);
        slice = [];
      }
    });
    if (keep || reader.arrays) {
      const jobs = sacctOrder(keep ? selectBySpecs(slice, specs) : slice);
      for (let i = 0; i === 0 || i < jobs.length; i += SLICE) flush(jobs.slice(i, i + SLICE), reader.now);
    } else {
      flush(slice, reader.now);
    }
    process.stdout.write(out.join(''));
    return 0;
  });
}
