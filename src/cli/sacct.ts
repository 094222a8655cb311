// sacct: accounting rows for finished and live jobs, from the controller's store
// (formats in src/cli/format/sacct-*.ts). Time window as Slurm: without -j and -s the
// window starts today at 00:00; with -j there is none.

import type { Job } from '../core/job.ts';
import { parseJobSpec, sacctOrder, selectBySpecs } from './format/array-view.ts';
import { parseStateName } from '../core/job-state.ts';
import { buildSacctRows } from './format/sacct-rows.ts';
import { renderSacct } from './format/sacct-format.ts';
import { resolveSacctFields, sacctHelpFields } from './format/sacct-fields.ts';
import { CliError, config, request, runCli } from './client.ts';
import { has, last, list, parseOpts } from './opts.ts';
import type { Opt } from './opts.ts';
import { uidOf } from '../lib/users.ts';

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
  { key: 'format', long: ['format'], short: 'o', arg: 'required' },
  { key: 'helpformat', long: ['helpformat'], short: 'e' },
  { key: 'delimiter', long: ['delimiter'], arg: 'required' },
  { key: 'units', long: ['units'], arg: 'required' },
  { key: 'partition', long: ['partition'], short: 'r', arg: 'required' },
  { key: 'name', long: ['name'], arg: 'required' },
  { key: 'verbose', long: ['verbose'], short: 'v' },
  { key: 'version', long: ['version'], short: 'V' },
  { key: 'help', long: ['help'], short: 'h' },
];

/** Slurm's sacct time formats: YYYY-MM-DD[THH:MM[:SS]], MM/DD[/YY], now[{+|-}N[units]], today, midnight. */
export function parseSacctTime(s: string, now: number): number | null {
  const d = new Date(now);
  const lower = s.toLowerCase();
  if (lower === 'today' || lower === 'midnight') return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const rel = /^now(?:([+-])(\d+)(seconds?|minutes?|hours?|days?|weeks?)?)?$/.exec(lower);
  if (rel) {
    const unit = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[(rel[3] ?? 's')[0] as 's'] ?? 1;
    const n = Number(rel[2] ?? 0) * unit * 1000;
    return rel[1] === '-' ? now - n : now + n;
  }
  const iso = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d))?)?$/.exec(s);
  if (iso) {
    return new Date(Number(iso[1]), Number(iso[2]) - 1, Number(iso[3]), Number(iso[4] ?? 0), Number(iso[5] ?? 0), Number(iso[6] ?? 0)).getTime();
  }
  const us = /^(\d\d)\/(\d\d)(?:\/(\d\d))?$/.exec(s);
  if (us) return new Date(us[3] ? 2000 + Number(us[3]) : d.getFullYear(), Number(us[1]) - 1, Number(us[2])).getTime();
  return null;
}

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
    const fields = resolveSacctFields({
      format: p.values.get('format') ?? [], brief: has(p, 'brief'), long: has(p, 'long'), env: process.env.SACCT_FORMAT,
    });
    if (!fields.ok) throw new CliError([`sacct: error: ${fields.error}`], 1);
    const idArgs = list(p, 'jobs');
    const ids = idArgs?.map((s) => Number(s.split(/[._]/)[0])) ?? null;
    if (ids !== null && ids.some((n) => !Number.isInteger(n) || n <= 0)) {
      throw new CliError([`sacct: fatal: Invalid job id: ${idArgs?.find((s) => !/^\d+/.test(s)) ?? ''}`], 1);
    }
    const now = Date.now();
    const states = list(p, 'state');
    let start: number | null = null;
    let end: number | null = null;
    const startArg = last(p, 'start');
    const endArg = last(p, 'end');
    if (startArg !== null) {
      start = parseSacctTime(startArg, now);
      if (start === null) throw new CliError([`sacct: error: Invalid time specification (starttime): ${startArg}`], 1);
    } else if (ids === null && states === null) {
      start = parseSacctTime('today', now);
    }
    if (endArg !== null) {
      end = parseSacctTime(endArg, now);
      if (end === null) throw new CliError([`sacct: error: Invalid time specification (endtime): ${endArg}`], 1);
    }
    const users = list(p, 'user');
    const uid = users !== null && users[0] !== undefined ? (uidOf(users[0]) ?? -1) : null;
    const q = new URLSearchParams();
    if (ids !== null) q.set('ids', ids.join(','));
    if (start !== null) q.set('start', String(start));
    if (end !== null) q.set('end', String(end));
    if (uid !== null) q.set('uid', String(uid));
    const r = await request<{ now: number; jobs: Job[] }>('sacct', `/v1/acct?${q.toString()}`);
    const specs = idArgs?.map((a) => parseJobSpec(a.split('.')[0] ?? '')).filter((x) => x !== null) ?? [];
    let jobs = sacctOrder(specs.some((x) => x.tasks !== null) ? selectBySpecs(r.jobs, specs) : r.jobs);
    if (states !== null) {
      const want = states.map((s) => parseStateName(s));
      jobs = jobs.filter((j) => want.includes(j.state));
    }
    const parts = list(p, 'partition');
    if (parts !== null) jobs = jobs.filter((j) => parts.includes(j.req.partition));
    const rows = buildSacctRows(jobs, { allocations: has(p, 'allocations'), duplicates: has(p, 'duplicates') }, r.now);
    const parsable = has(p, 'parsable2') ? 'no-ending' : has(p, 'parsable') ? 'ending' : 'none';
    process.stdout.write(renderSacct(rows, {
      fields: fields.fields, parsable, delimiter: last(p, 'delimiter'), header: !has(p, 'noheader'),
      cluster: config('sacct').clusterName,
    }));
    return 0;
  });
}
