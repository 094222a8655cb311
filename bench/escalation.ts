// bench/escalation (issue 6, acceptance 3): the seed's variable-job workload at 10,000 array
// tasks, with times scaled to seconds, escalated twice on fresh Ratchet clusters in one run:
//   (a) natively: one `sbatch --escalate=ladder.yaml --array=0-N`;
//   (b) by bench/slurm-escalator.sh, a handler-job escalator written for Slurm (afternotok
//       handler, `sacct -P`, stride-compressed resubmission, batches for long specs),
//       run unchanged on Ratchet.
// Side by side: wall time, sbatch calls and job records (handler jobs included), attempts,
// GB-hours and core-hours (sum over `sacct -D -X -P` rows of ReqMem x Elapsed and
// AllocCPUS x Elapsed) and whether every task ended at its predicted level.
//
// Task behaviour by id mod 10 (variable-job.sh): 0-4 quick; 5,6 need level-1 time; 7 level-2
// time; 8 level-1 memory (dd with a buffer bigger than level 0's memory); 9 level-3 time.
// Ids divisible by 17 exit 1 (the seed's FAIL_MOD=17): never retried.
//
// Why these times: a run's limit counts from the moment the controller starts it (as Slurm's
// StartTime), so while launches queue on the agents (~80-100 per second on this 2-core
// machine, ~4 ms of it in fork/exec) every run's start is late by about slots / launch rate.
// Each task's sleep is 0.3 s over the rung below, leaving 3.7 s to the rung that covers it, and
// 4 x 48 CPUs keeps the queueing delay (~2 s) under that. The run is launch-bound either way.
//
// usage: node bench/escalation.ts [--tasks N] [--nodes N] [--cpus N] [--max-spec-len N] [--only native|handler]

import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { clusterDown, clusterUp, ROOT } from '../src/cli/cluster.ts';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '10000' }, nodes: { type: 'string', default: '4' }, cpus: { type: 'string', default: '48' },
    'max-spec-len': { type: 'string', default: '4000' }, 'batch-tasks': { type: 'string', default: '500' },
    only: { type: 'string' }, keep: { type: 'boolean' },
  },
});
const TASKS = Number(values.tasks);
const NODES = Number(values.nodes);
const CPUS = Number(values.cpus);

/** The ladder, scaled: the seed's 1G/2G/4G/8G and 1/2/4/8 minutes become MiB and seconds. */
const LADDER = [
  { partition: 'devel', mem: 32, time: 4 },
  { partition: 'day', mem: 64, time: 8 },
  { partition: 'week', mem: 96, time: 12 },
  { partition: 'pi_jetz', mem: 128, time: 16 },
] as const;
const FAIL_MOD = 17;
const PREDICTED = [0, 0, 0, 0, 0, 1, 1, 2, 1, 3] as const;
const predicted = (t: number): number | 'fail' => (t % FAIL_MOD === 0 ? 'fail' : PREDICTED[t % 10] ?? -1);

const VARIABLE_JOB = `#!/bin/bash
t=$SLURM_ARRAY_TASK_ID
if [ $((t % ${FAIL_MOD})) -eq 0 ]; then exit 1; fi
case $((t % 10)) in
  5|6) sleep 4.3;;
  7) sleep 8.3;;
  8) dd if=/dev/zero of=/dev/null bs=48M count=1 2>/dev/null;;
  9) sleep 12.3;;
esac
`;

const hms = (s: number): string => `00:00:${String(s).padStart(2, '0')}`;
const LADDER_YAML = `levels:\n${LADDER.map((l) => `  - {partition: ${l.partition}, mem: ${l.mem}M, time: "${hms(l.time)}"}`).join('\n')}
state_handling:
  OUT_OF_MEMORY: escalate
  TIMEOUT: escalate
  FAILED: no_retry
  CANCELLED: no_retry
  exit_codes:
    137: escalate
`;
const LEVELS_FILE = `# partition mem time\n${LADDER.map((l) => `${l.partition} ${l.mem}M ${hms(l.time)}`).join('\n')}\n`;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The CLI's launcher could not exec Node (node_modules being reinstalled): nothing ran, try again. */
const NO_NODE = /exec: .*node: (not found|Too many levels of symbolic links)/;

function sh(env: NodeJS.ProcessEnv, cwd: string, cmd: string, args: string[]): { out: string; ms: number } {
  for (let attempt = 1; ; attempt++) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { env, cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
    const ms = performance.now() - t;
    if (r.status === 0) return { out: r.stdout, ms };
    if (!NO_NODE.test(r.stderr) || attempt === 5) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
    spawnSync('sleep', [String(attempt)]);
  }
}

interface Row {
  readonly jobId: string;
  readonly name: string;
  readonly state: string;
  readonly reqMemMib: number;
  readonly cpus: number;
  readonly elapsed: number;
  readonly partition: string;
}

/** ReqMem as sacct prints it (`64M`, `2G`, older `64Mn`) in MiB. */
function mib(s: string): number {
  const m = /^([\d.]+)([KMGT]?)[nc]?$/.exec(s);
  if (m === null) return 0;
  const k = { K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024, '': 1 }[m[2] as 'K' | 'M' | 'G' | 'T' | ''];
  return Number(m[1]) * k;
}

interface Result {
  readonly label: string;
  readonly wall: number;
  readonly sbatchCalls: number;
  readonly records: number;
  readonly attempts: number;
  readonly handlerJobs: number;
  readonly gbh: number;
  readonly coreh: number;
  readonly wasteGbh: number;
  readonly sacctMs: number;
  readonly rows: number;
  readonly predictedOk: number;
  readonly wrong: string[];
  readonly notes: string[];
}

/** Every task's attempts from sacct rows of the workload: level of each attempt by its ReqMem. */
function verdict(rows: readonly Row[]): { ok: number; wrong: string[] } {
  const byTask = new Map<number, Row[]>();
  for (const r of rows) {
    const t = Number(r.jobId.split('_')[1]);
    if (!Number.isInteger(t)) continue;
    const list = byTask.get(t) ?? [];
    list.push(r);
    byTask.set(t, list);
  }
  let ok = 0;
  const wrong: string[] = [];
  for (let t = 0; t < TASKS; t++) {
    const rs = byTask.get(t) ?? [];
    const p = predicted(t);
    const levels = rs.map((r) => LADDER.findIndex((l) => l.mem === r.reqMemMib));
    const good = p === 'fail'
      ? rs.length === 1 && rs[0]?.state === 'FAILED'
      : rs.length === p + 1 && rs.at(-1)?.state === 'COMPLETED' && levels.every((l, i) => l === i)
        && rs.slice(0, -1).every((r) => r.state === 'TIMEOUT' || r.state === 'OUT_OF_MEMORY');
    if (good) ok++;
    else if (wrong.length < 10) wrong.push(`task ${t} (predicted ${p}): ${rs.map((r) => `${r.state}@${r.reqMemMib}M`).join(' ') || 'no rows'}`);
  }
  return { ok, wrong };
}

async function onCluster(label: string, run: (env: NodeJS.ProcessEnv, work: string) => Promise<{ sbatchCalls: number; notes: string[] }>): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), `ratchet-bench-esc-${label}-`));
  chmodSync(dir, 0o755);
  const h = await clusterUp({
    dir, nodes: NODES, cpus: CPUS, mem: CPUS * 160, timeResolution: 'seconds',
    set: [
      `MaxArraySize=${TASKS + 1}`, 'MinJobAge=3600',
      // The seed's four partitions, each over every agent (the scaled rungs fit any node).
      ...LADDER.map((l, i) => `PartitionName=${l.partition} Nodes=ALL MaxTime=${i + 1} State=UP`),
    ],
  });
  const env = { ...process.env, ...h.env };
  const work = join(dir, 'work');
  mkdirSync(work, { recursive: true });
  chmodSync(work, 0o1777);
  writeFileSync(join(work, 'variable-job.sh'), VARIABLE_JOB);
  writeFileSync(join(work, 'ladder.yaml'), LADDER_YAML);
  writeFileSync(join(work, 'levels.txt'), LEVELS_FILE);
  try {
    const t0 = performance.now();
    const r = await run(env, work);
    const wall = (performance.now() - t0) / 1000;
    const acct = sh(env, work, 'sacct', ['-D', '-X', '-P', '-n', '-S', 'now-1days',
      '--format=JobID,JobName,State,ReqMem,AllocCPUS,ElapsedRaw,Partition']);
    const rows: Row[] = acct.out.split('\n').filter(Boolean).map((l) => {
      const [jobId = '', name = '', state = '', req = '', cpus = '0', el = '0', partition = ''] = l.split('|');
      return { jobId, name, state: state.split(' ')[0] ?? state, reqMemMib: mib(req), cpus: Number(cpus), elapsed: Number(el), partition };
    });
    const records = sh(env, work, 'sacct', ['-X', '-P', '-n', '-S', 'now-1days', '--format=JobID']).out.split('\n').filter(Boolean).length;
    const workload = rows.filter((x) => x.name === 'varjob');
    const v = verdict(workload);
    const sum = (xs: readonly Row[], f: (x: Row) => number): number => xs.reduce((a, x) => a + f(x), 0);
    const gb = (x: Row): number => (x.reqMemMib / 1024) * (x.elapsed / 3600);
    return {
      label, wall, sbatchCalls: r.sbatchCalls, records, attempts: workload.length,
      handlerJobs: rows.filter((x) => x.name.startsWith('esc-')).length,
      gbh: sum(rows, gb), coreh: sum(rows, (x) => x.cpus * (x.elapsed / 3600)),
      wasteGbh: sum(rows.filter((x) => x.state !== 'COMPLETED' || x.name !== 'varjob'), gb),
      sacctMs: acct.ms, rows: rows.length, predictedOk: v.ok, wrong: v.wrong, notes: r.notes,
    };
  } finally {
    await clusterDown(dir);
    if (values.keep) process.stdout.write(`  (kept ${dir})\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

async function until(what: string, cond: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2000);
  }
}

const JOB_OPTS = ['--job-name=varjob', '--output=/dev/null'];

async function native(env: NodeJS.ProcessEnv, work: string): Promise<{ sbatchCalls: number; notes: string[] }> {
  const id = sh(env, work, 'sbatch', ['--parsable', '--escalate=ladder.yaml', `--array=0-${TASKS - 1}`, ...JOB_OPTS, 'variable-job.sh'])
    .out.trim();
  await until('the native array', () => sh(env, work, 'squeue', ['-h', '-j', id, '-o', '%i']).out.trim() === '', 60 * 60_000);
  const rep = JSON.parse(sh(env, work, 'ratchet', ['escalation', 'report', id, '--format', 'json']).out) as {
    chains: { rounds: { round: number; tasks: number; done: number; oom: number; timeout: number; failed: number }[] }[];
  };
  const rounds = rep.chains[0]?.rounds ?? [];
  return {
    sbatchCalls: 1,
    notes: rounds.map((r) => `round ${r.round}: ${r.tasks} tasks, ${r.done} done, ${r.oom} OOM, ${r.timeout} timeout, ${r.failed} failed`),
  };
}

async function handler(env: NodeJS.ProcessEnv, work: string): Promise<{ sbatchCalls: number; notes: string[] }> {
  const state = join(work, 'esc');
  const henv = { ...env, ESC_MAX_SPEC_LEN: values['max-spec-len'], ESC_BATCH_TASKS: values['batch-tasks'] };
  sh(henv, work, join(ROOT, 'bench/slurm-escalator.sh'), ['submit', 'levels.txt', state, `0-${TASKS - 1}`, 'variable-job.sh', ...JOB_OPTS]);
  await until('the handler chain', () => existsSync(join(state, 'done')), 60 * 60_000);
  // The success jobs of earlier rounds wait forever on afterok (DependencyNeverSatisfied), as on Slurm.
  const left = sh(env, work, 'squeue', ['-h', '-o', '%i %j %r']).out.trim().split('\n').filter(Boolean);
  for (const l of left) sh(env, work, 'scancel', [l.split(' ')[0] ?? '']);
  const calls = readFileSync(join(state, 'sbatch.log'), 'utf8').split('\n').filter(Boolean).length;
  const rounds = readFileSync(join(state, 'rounds.log'), 'utf8').trim().split('\n');
  return { sbatchCalls: calls, notes: [...rounds, `done: ${readFileSync(join(state, 'done'), 'utf8').trim()}`, `left pending, cancelled: ${left.length}`] };
}

const f = (x: number, d = 2): string => x.toFixed(d);

function table(rs: readonly Result[]): void {
  const lines: [string, (r: Result) => string][] = [
    ['wall time (s)', (r) => f(r.wall, 1)],
    ['sbatch calls', (r) => String(r.sbatchCalls)],
    ['job records (sacct -X)', (r) => String(r.records)],
    ['handler/success jobs', (r) => String(r.handlerJobs)],
    ['attempts (sacct -D -X rows)', (r) => String(r.attempts)],
    ['GB-hours (ReqMem x Elapsed)', (r) => f(r.gbh, 3)],
    ['  of which not successful work', (r) => f(r.wasteGbh, 3)],
    ['core-hours (AllocCPUS x Elapsed)', (r) => f(r.coreh, 3)],
    ['tasks at predicted level', (r) => `${r.predictedOk}/${TASKS}`],
    [`sacct -D of ${'all'} rows (ms)`, (r) => `${f(r.sacctMs, 0)} (${r.rows} rows)`],
  ];
  const w = Math.max(...lines.map((l) => l[0].length)) + 2;
  process.stdout.write(`${''.padEnd(w)}${rs.map((r) => r.label.padStart(14)).join('')}\n`);
  for (const [k, get] of lines) process.stdout.write(`${k.padEnd(w)}${rs.map((r) => get(r).padStart(14)).join('')}\n`);
}

process.stdout.write(`bench/escalation: ${TASKS} tasks of variable-job.sh, ${NODES} agents x ${CPUS} CPUs, ladder ` +
  `${LADDER.map((l) => `${l.partition} ${l.mem}M/${l.time}s`).join(', ')}; every ${FAIL_MOD}th task exits 1\n`);
const results: Result[] = [];
for (const [label, fn] of [['native', native], ['handler', handler]] as const) {
  if (values.only !== undefined && values.only !== label) continue;
  const r = await onCluster(label, fn);
  results.push(r);
  process.stdout.write(`${label}: ${r.notes.join('\n  ')}\n`);
  if (r.wrong.length > 0) process.stdout.write(`  not at the predicted level: ${r.wrong.join('\n    ')}\n`);
}
table(results);
