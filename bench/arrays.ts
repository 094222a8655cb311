// bench/arrays: job arrays at scale on a 2-agent cluster (2 CPUs each, the peer's shape).
//   - submit a 1,000,000-task array (`sbatch --array=0-999999`, held so nothing runs):
//     sbatch wall ms, the controller's RSS before and after, and `squeue` of it;
//   - run a 10,000-task array of `true` with `%50` to the end: tasks/s.
// When the Slurm peer is up the same is run there in the same run, within its limits
// (MaxArraySize there is Slurm's default 1001): a 1000-task submit and a smaller %50 run.
//
// usage: node bench/arrays.ts [--tasks N] [--big N] [--peer-tasks N] [--no-peer]

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { clusterDown, clusterUp, ROOT } from '../src/cli/cluster.ts';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '10000' }, big: { type: 'string', default: '1000000' },
    'peer-tasks': { type: 'string', default: '100' }, 'no-peer': { type: 'boolean' },
  },
});
const TASKS = Number(values.tasks);
const BIG = Number(values.big);
const PEER_TASKS = Number(values['peer-tasks']);

const f = (x: number, d = 1): string => x.toFixed(d);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function sh(env: NodeJS.ProcessEnv, cwd: string, cmd: string, args: string[]): { out: string; ms: number } {
  const t = performance.now();
  const r = spawnSync(cmd, args, { env, cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return { out: r.stdout, ms };
}

/** VmRSS and VmHWM of a pid, MiB. */
function rss(pid: string): { now: number; peak: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (k: string): number => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0);
  return { now: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** Submit an N-task array of `true` with %50, wait until none is left in squeue; tasks/s. */
async function runArray(env: NodeJS.ProcessEnv, cwd: string, n: number, squeue: string, sbatch: string): Promise<{ s: number; perS: number }> {
  const t0 = performance.now();
  const id = sh(env, cwd, sbatch, ['--parsable', `--array=0-${n - 1}%50`, '-o', '/dev/null', '--wrap', 'true']).out.trim().split(';')[0] ?? '';
  for (;;) {
    const left = sh(env, cwd, squeue, ['-h', '-j', id, '-o', '%i']).out.trim();
    if (left === '') break;
    await sleep(250);
  }
  const s = (performance.now() - t0) / 1000;
  return { s, perS: n / s };
}

async function ratchet(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'ratchet-bench-arrays-'));
  const h = await clusterUp({ dir, nodes: 2, cpus: 2, mem: 3000, set: [`MaxArraySize=${BIG + 1}`], timeResolution: 'minutes' });
  const env = { ...process.env, ...h.env };
  const pid = readFileSync(join(dir, 'pids/ratchetctld.pid'), 'utf8').trim();
  try {
    sh(env, dir, 'sbatch', ['--version']);
    const before = rss(pid);
    const sub = sh(env, dir, 'sbatch', ['--parsable', '--hold', `--array=0-${BIG - 1}`, '-o', '/dev/null', '--wrap', 'true']);
    const after = rss(pid);
    const q = sh(env, dir, 'squeue', ['-h', '-j', sub.out.trim()]);
    const qr = sh(env, dir, 'squeue', ['-h', '-r', '-j', sub.out.trim(), '-o', '%i']);
    const expanded = qr.out.split('\n').filter(Boolean).length;
    sh(env, dir, 'scancel', [sub.out.trim()]);
    process.stdout.write(`bench/arrays (Ratchet at ${ROOT}), 2 agents x 2 CPUs\n`);
    process.stdout.write(`  ${BIG}-task array: sbatch ${f(sub.ms)} ms; controller RSS ${f(before.now)} -> ${f(after.now)} MiB`
      + ` (+${f(after.now - before.now)} MiB); squeue of it ${f(q.ms)} ms (${q.out.trim().split('\n').length} line);`
      + ` squeue -r ${f(qr.ms)} ms (${expanded} lines)\n`);
    const run = await runArray(env, dir, TASKS, 'squeue', 'sbatch');
    process.stdout.write(`  ${TASKS}-task array %50 of true: all done in ${f(run.s)} s -> ${f(run.perS)} tasks/s;`
      + ` controller peak RSS ${f(rss(pid).peak)} MiB\n`);
    return run.perS;
  } finally {
    await clusterDown(dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function peer(ours: number): Promise<void> {
  const envFile = '/var/tmp/slurmpeer/env.sh';
  const conf = existsSync(envFile) ? /SLURM_CONF=(\S+)/.exec(readFileSync(envFile, 'utf8'))?.[1]?.replace(/['"]/g, '') : undefined;
  const env = { ...process.env, SLURM_CONF: conf ?? '', PATH: `/usr/bin:/bin:${process.env.PATH ?? ''}` };
  if (values['no-peer'] || conf === undefined || spawnSync('/usr/bin/sinfo', ['-h'], { env }).status !== 0) {
    process.stdout.write('  peer: not up (../shared/peer/slurm-up.sh), no side-by-side figures this run\n');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'peer-bench-arrays-'));
  try {
    const sub = sh(env, dir, '/usr/bin/sbatch', ['--parsable', '--hold', '--array=0-999', '-o', '/dev/null', '--wrap', 'true']);
    sh(env, dir, '/usr/bin/scancel', [sub.out.trim()]);
    const run = await runArray(env, dir, PEER_TASKS, '/usr/bin/squeue', '/usr/bin/sbatch');
    process.stdout.write(`  peer Slurm: 1000-task array sbatch ${f(sub.ms)} ms (its MaxArraySize is 1001);`
      + ` ${PEER_TASKS}-task array %50: ${f(run.s)} s -> ${f(run.perS, 2)} tasks/s\n`);
    process.stdout.write(`  ratio (Ratchet / Slurm) tasks/s: ${f(ours / run.perS)}x\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await peer(await ratchet());
