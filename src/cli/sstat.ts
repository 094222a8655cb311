// sstat: live statistics of running job steps (`-j J[.step][,...]`, `-a`, `-o/--format`,
// `-p`/`-P`, `-n`, `-e`), read by the node agents from the steps' cgroups and /proc at the
// moment of the call. As Slurm's: `-j J` alone shows the srun steps, `-a` adds the batch
// step; a job that runs no step, or is unknown, is an error line but exit 0.

import type { SstatResponse, StepStat } from '../api/stat-wire.ts';
import { sacctCell, sacctHeaderCell } from './format/field-width.ts';
import type { SstatField, SstatRow } from './format/sstat-fields.ts';
import { resolveSstatFields, sstatHelpFields, sstatValue } from './format/sstat-fields.ts';
import { CliError, request, runCli } from './client.ts';
import { has, parseOpts } from './opts.ts';
import type { Opt } from './opts.ts';

const OPTS: readonly Opt[] = [
  { key: 'jobs', long: ['jobs'], short: 'j', arg: 'required' },
  { key: 'allsteps', long: ['allsteps'], short: 'a' },
  { key: 'format', long: ['format', 'fields'], short: 'o', arg: 'required' },
  { key: 'parsable', long: ['parsable'], short: 'p' },
  { key: 'parsable2', long: ['parsable2'], short: 'P' },
  { key: 'noheader', long: ['noheader'], short: 'n' },
  { key: 'helpformat', long: ['helpformat'], short: 'e' },
  { key: 'verbose', long: ['verbose'], short: 'v' },
  { key: 'version', long: ['version'], short: 'V' },
  { key: 'help', long: ['help', 'usage'], short: 'h' },
];

type StepSel = 'batch' | 'extern' | number | null;

/** `J`, `J.batch`, `J.extern`, `J.N` (also `J_T` array tasks are not supported: bad spec). */
export function parseStepSpec(s: string): { jobId: number; step: StepSel } | null {
  const m = /^(\d+)(?:\.(batch|extern|\d+))?$/.exec(s.trim());
  if (m === null) return null;
  const step = m[2] === undefined ? null : m[2] === 'batch' || m[2] === 'extern' ? m[2] : Number(m[2]);
  return { jobId: Number(m[1]), step };
}

/** One row per step: a step on several nodes sums its tasks and CPU and keeps its worst node. */
export function mergeSteps(stats: readonly StepStat[]): StepStat[] {
  const by = new Map<string, StepStat>();
  for (const s of stats) {
    const k = String(s.step);
    const o = by.get(k);
    if (o === undefined) {
      by.set(k, s);
      continue;
    }
    const big = (s.maxRssBytes ?? 0) > (o.maxRssBytes ?? 0) ? s : o;
    by.set(k, {
      step: s.step, node: big.node, ntasks: o.ntasks + s.ntasks, maxRssBytes: big.maxRssBytes,
      vmBytes: Math.max(o.vmBytes, s.vmBytes), pages: Math.max(o.pages, s.pages), cpuSeconds: o.cpuSeconds + s.cpuSeconds,
      pids: [...o.pids, ...s.pids],
    });
  }
  return [...by.values()];
}

/** The rows `sel` asks for, or the error line Slurm prints instead. */
export function selectRows(jobId: number, sel: StepSel, all: boolean, r: SstatResponse): { rows: SstatRow[]; error: string | null } {
  if (!r.ok) {
    return { rows: [], error: r.error === 'no_job' ? `sstat: error: couldn't get steps for job ${jobId}` : `sstat: error: No steps running for job ${jobId}` };
  }
  const steps = mergeSteps(r.steps);
  if (sel === null) return { rows: steps.filter((s) => all || typeof s.step === 'number').map((stat) => ({ jobId, stat })), error: null };
  const hit = steps.find((s) => s.step === sel);
  if (hit === undefined) return { rows: [], error: `sstat: error: StepId=${jobId}.${sel} not found running.` };
  return { rows: [{ jobId, stat: hit }], error: null };
}

export function renderSstat(rows: readonly SstatRow[], fields: readonly SstatField[], parsable: 'none' | 'ending' | 'no-ending', header: boolean): string {
  const line = (cells: string[]): string => (parsable === 'ending' ? `${cells.join('|')}|\n` : `${cells.join('|')}\n`);
  let out = '';
  if (header) {
    if (parsable === 'none') {
      out += `${fields.map((f) => sacctHeaderCell(f.name, f.width)).join('')}\n`;
      out += `${fields.map((f) => `${'-'.repeat(Math.abs(f.width))} `).join('')}\n`;
    } else {
      out += line(fields.map((f) => f.name));
    }
  }
  for (const r of rows) {
    out += parsable === 'none'
      ? `${fields.map((f) => sacctCell(sstatValue(f, r), f.width, f.kind)).join('')}\n`
      : line(fields.map((f) => sstatValue(f, r)));
  }
  return out;
}

export async function main(argv: string[]): Promise<void> {
  await runCli(async () => {
    const p = parseOpts('sstat', argv, OPTS);
    if (has(p, 'version')) {
      process.stdout.write('slurm 22.05.8 (ratchet 0.1.0)\n');
      return 0;
    }
    if (has(p, 'helpformat')) {
      process.stdout.write(sstatHelpFields());
      return 0;
    }
    if (has(p, 'help')) {
      process.stdout.write('Usage: sstat [options] -j <job(.stepid)>\n  -a, --allsteps  -e, --helpformat  -j, --jobs  -n, --noheader\n  -o, --format  -p, --parsable  -P, --parsable2\n');
      return 0;
    }
    const fmt = resolveSstatFields(p.values.get('format') ?? []);
    if (!fmt.ok) throw new CliError([`sstat: error: Invalid field requested: "${fmt.bad}"`], 1);
    const specs = [...(p.values.get('jobs') ?? []), ...p.operands].flatMap((s) => s.split(',')).filter((s) => s !== '');
    if (specs.length === 0) throw new CliError(["sstat: error: You didn't give me any jobs to stat."], 1);
    const wanted = specs.map((s) => {
      const w = parseStepSpec(s);
      if (w === null) throw new CliError([`sstat: fatal: Bad job/step specified: ${s}`], 1);
      return w;
    });
    const parsable = has(p, 'parsable2') ? 'no-ending' : has(p, 'parsable') ? 'ending' : 'none';
    const rows: SstatRow[] = [];
    const errors: string[] = [];
    for (const w of wanted) {
      const r = await request<SstatResponse>('sstat', '/v1/sstat', { jobId: w.jobId });
      const sel = selectRows(w.jobId, w.step, has(p, 'allsteps'), r);
      rows.push(...sel.rows);
      if (sel.error !== null) errors.push(sel.error);
    }
    if (errors.length > 0) process.stderr.write(`${errors.join('\n')}\n`);
    process.stdout.write(renderSstat(rows, fmt.fields, parsable, !has(p, 'noheader')));
    return 0;
  });
}
