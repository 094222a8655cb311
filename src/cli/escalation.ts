// `ratchet escalation list | status JOB [--watch] | report JOB...|--all [--format md|json] [--detailed]`:
// the chains of jobs submitted with `sbatch --escalate`, from the controller's own attempt
// records. --watch long-polls the controller (/v1/escalation/watch), which answers when a
// job of the chain changes: the output follows the controller, with no polling of sacct.

import { parseArgs } from 'node:util';
import type { EscalationResponse } from '../api/escalation-wire.ts';
import { memText, timeText } from '../core/escalation-policy.ts';
import { formatTimestamp } from '../core/time-spec.ts';
import { CliError, request, runCli } from './client.ts';
import type { Chain } from './escalation-report.ts';
import { chainsOf, summary } from './escalation-report.ts';
import { allJson, allMarkdown } from './escalation-md.ts';

const USAGE = [
  'usage: ratchet escalation list',
  '       ratchet escalation status JOBID [--watch]',
  '       ratchet escalation report JOBID...|--all [--format md|json] [--detailed]',
];

function jobIds(args: readonly string[]): number[] {
  return args.map((a) => {
    const n = Number(a.split('_')[0]);
    if (!Number.isSafeInteger(n) || n <= 0) throw new CliError([`ratchet escalation: error: Invalid job id specified: ${a}`], 1);
    return n;
  });
}

const pad = (s: string | number, n: number): string => String(s).padEnd(n);

function listText(chains: readonly Chain[]): string {
  const lines = [`${pad('JOBID', 10)}${pad('NAME', 16)}${pad('USER', 10)}${pad('POLICY', 14)}${pad('TASKS', 7)}${pad('DONE', 6)}` +
    `${pad('NOTRETRIED', 11)}${pad('EXHAUSTED', 10)}${pad('ACTIVE', 7)}ESCALATIONS`];
  for (const c of chains) {
    const s = summary(c);
    lines.push(`${pad(c.jobId, 10)}${pad(c.name.slice(0, 15), 16)}${pad(c.user.slice(0, 9), 10)}${pad(c.policy.slice(0, 13), 14)}` +
      `${pad(s.tasks, 7)}${pad(s.completed, 6)}${pad(s.notRetried, 11)}${pad(s.exhausted, 10)}${pad(s.active, 7)}${s.escalations}`);
  }
  return `${lines.join('\n')}\n`;
}

function statusText(c: Chain): string {
  const s = summary(c);
  const lines = [
    `Chain ${c.jobId} (${c.name}, policy ${c.policy}): ${s.tasks} tasks, ${s.completed} completed, ${s.notRetried} not retried, ` +
    `${s.exhausted} exhausted, ${s.active} active, ${s.escalations} escalations`,
    ...(c.start === null ? [] : [`Start: ${c.start}`]),
    `${pad('TASK', 14)}${pad('STATE', 15)}${pad('LEVEL', 6)}${pad('ATTEMPT', 8)}${pad('RUNG', 18)}LAST`,
  ];
  if (c.unstarted > 0) lines.push(`${pad(`${c.jobId}_[...]`, 14)}${pad('PENDING', 15)}${pad(0, 6)}${pad(1, 8)}(${c.unstarted} tasks not started)`);
  for (const t of c.tasks) {
    const cur = t.attempts.at(-1);
    const last = t.esc.attempts.at(-1);
    const rung = cur === undefined ? '' : `${memText(cur.mem)}/${cur.time === null ? 'UNLIMITED' : timeText(cur.time)}`;
    const note = t.esc.outcome === 'active' ? (last?.evidence ?? '') : (t.esc.note ?? last?.evidence ?? '');
    lines.push(`${pad(t.id, 14)}${pad(t.state, 15)}${pad(cur?.level ?? 0, 6)}${pad(cur?.attempt ?? 1, 8)}${pad(rung, 18)}${note}`);
  }
  return `${lines.join('\n')}\n`;
}

async function fetchChains(ids: readonly number[] | null): Promise<{ r: EscalationResponse; chains: Chain[] }> {
  const q = ids === null ? '' : `?ids=${ids.join(',')}`;
  const r = await request<EscalationResponse>('ratchet escalation', `/v1/escalation${q}`);
  return { r, chains: chainsOf(r.jobs) };
}

function noChain(ids: readonly number[]): CliError {
  return new CliError([`ratchet escalation: error: no escalation chain for job ${ids.join(',')} (submitted without --escalate?)`], 1);
}

async function status(ids: number[], watch: boolean): Promise<number> {
  let { r, chains } = await fetchChains(ids);
  if (chains.length === 0) throw noChain(ids);
  for (;;) {
    if (watch) process.stdout.write(`--- ${formatTimestamp(r.now, 'Unknown')} ---\n`);
    process.stdout.write(chains.map(statusText).join('\n'));
    if (!watch || chains.every((c) => summary(c).active === 0)) return 0;
    r = await request<EscalationResponse>('ratchet escalation', `/v1/escalation/watch?ids=${ids.join(',')}&since=${r.seq}&ms=20000`);
    chains = chainsOf(r.jobs);
  }
}

export async function main(argv: string[]): Promise<void> {
  await runCli(async () => {
    const [sub, ...rest] = argv;
    let p;
    try {
      p = parseArgs({ args: rest, allowPositionals: true, options: {
        watch: { type: 'boolean', short: 'w' }, all: { type: 'boolean', short: 'a' }, detailed: { type: 'boolean' },
        format: { type: 'string', default: 'md' },
      } });
    } catch (e) {
      throw new CliError([`ratchet escalation: error: ${(e as Error).message}`, ...USAGE], 2);
    }
    const { values: v, positionals } = p;
    switch (sub) {
      case 'list': {
        const { chains } = await fetchChains(null);
        process.stdout.write(listText(chains));
        return 0;
      }
      case 'status': {
        if (positionals.length !== 1) throw new CliError(USAGE, 2);
        return status(jobIds(positionals), v.watch === true);
      }
      case 'report': {
        if (v.format !== 'md' && v.format !== 'json') throw new CliError([`ratchet escalation: error: --format must be md or json, not ${v.format}`], 2);
        if ((v.all === true) === (positionals.length > 0)) throw new CliError(USAGE, 2);
        const ids = v.all === true ? null : jobIds(positionals);
        const { chains } = await fetchChains(ids);
        if (ids !== null && chains.length === 0) throw noChain(ids);
        process.stdout.write(v.format === 'json' ? allJson(chains, v.detailed === true) : allMarkdown(chains, v.detailed === true));
        return 0;
      }
      default:
        throw new CliError(sub === undefined || sub === '--help' ? USAGE : [`ratchet escalation: unknown subcommand '${sub}'`, ...USAGE], 2);
    }
  });
}
