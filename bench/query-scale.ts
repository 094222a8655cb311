// bench/query-scale: query latency with a big history and a deep queue. A real cluster
// (controller + 2 agents, munge) is brought up; one finished job and one pending job are
// made through sbatch as templates; the controller is stopped and its SQLite store seeded
// offline through the store's own write path (Store.write: the same rows and events the
// controller writes) with N finished jobs (each with its .batch step) and N pending jobs;
// the controller restarts on that state. Then, as real CLI processes against it:
//   - `sacct -P -S now-3hours --name hist` listing the N finished jobs (2N rows with .batch;
//     the name leaves the queued ones out, which the window would include);
//   - `squeue` listing the N pending jobs (and the running ones);
// each run R times, p50 and max wall time reported, plus the controller's RSS.
// The Slurm peer is not measured: filling its MariaDB with 100k jobs means submitting
// them through slurmctld, far beyond this machine's budget for a benchmark.
//
// usage: node bench/query-scale.ts [--jobs N] [--runs R] [--keep]   (--keep: leave the cluster up)

import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { api as clusterApi, clusterDown, clusterUp, pidOf, startController, stopDaemon, waitReady } from '../src/cli/cluster.ts';
import type { Job } from '../src/core/job.ts';
import { asJobId } from '../src/core/job.ts';
import { Store } from '../src/controller/store.ts';

const { values } = parseArgs({
  options: { jobs: { type: 'string', default: '100000' }, runs: { type: 'string', default: '5' }, keep: { type: 'boolean' } },
});
const N = Number(values.jobs);
const RUNS = Number(values.runs);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const p50 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m === null ? NaN : Number(m[1]) / 1024;
}

function timeCli(env: NodeJS.ProcessEnv, cwd: string, cmd: string, args: string[]): { ms: number; lines: number } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { ms, lines: r.stdout.split('\n').length - 1 };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ratchet-qbench-'));
  const h = await clusterUp({ dir, nodes: 2, cpus: 2, mem: 3000, set: ['MinJobAge=300'], timeResolution: 'minutes' });
  const env = { ...process.env, ...h.env };
  const api = <T>(path: string): Promise<T> => clusterApi<T>(h.auth, h.controlPort, path);
  try {
    // Templates: a real finished job (with its batch step and evidence) and a pending one.
    const sb = (args: string[]): number => Number(spawnSync('sbatch', ['--parsable', ...args], { env, cwd: dir, encoding: 'utf8' }).stdout.trim());
    const doneId = sb(['-J', 'hist', '-o', '/dev/null', '--wrap', 'true']);
    for (;;) {
      const r = await api<{ jobs: Job[] }>(`/v1/jobs?ids=${doneId}`);
      if (r.jobs[0]?.state === 'COMPLETED') break;
      await sleep(100);
    }
    const heldId = sb(['-J', 'queued', '-o', '/dev/null', '--hold', '--wrap', 'sleep 1000']);
    const [done, held] = (await api<{ jobs: Job[] }>(`/v1/jobs?ids=${doneId},${heldId}`)).jobs.sort((a, b) => a.id - b.id);
    if (done === undefined || held === undefined) throw new Error('templates missing');

    await stopDaemon(dir, 'ratchetctld');
    const t0 = performance.now();
    const store = new Store(join(dir, 'state'));
    const now = Date.now();
    const base = heldId + 1;
    for (let i = 0; i < N; i++) {
      // Finished between 2 h and 10 min ago (out of the live view: MinJobAge is 5 min).
      const end = now - 600_000 - Math.floor((i / N) * 6_000_000);
      const shift = end - (done.endTime ?? end);
      const at = (t: number | null): number | null => (t === null ? null : t + shift);
      store.write({
        ...done, id: asJobId(base + i), submitTime: done.submitTime + shift, eligibleTime: at(done.eligibleTime),
        startTime: at(done.startTime), endTime: end, lastSchedEval: at(done.lastSchedEval),
        steps: done.steps.map((s) => ({ ...s, start: s.start + shift, end: s.end === null ? null : s.end + shift })),
      }, 'complete', end);
      if (i % 5000 === 4999) store.commitNow();
    }
    for (let i = 0; i < N; i++) {
      store.write({
        ...held, id: asJobId(base + N + i), held: null, reason: 'Priority', priority: 4_000_000_000 - i, eligibleTime: held.submitTime,
      }, 'submit', now, null, true);
      if (i % 5000 === 4999) store.commitNow();
    }
    store.close();
    const seedS = (performance.now() - t0) / 1000;
    const restart = performance.now();
    // BENCH_PROF=DIR: the restarted controller writes a V8 CPU profile there when it stops.
    if (process.env.BENCH_PROF) process.env.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${process.env.BENCH_PROF}`;
    startController(dir, h.conf);
    delete process.env.NODE_OPTIONS;
    await waitReady(h.auth, h.controlPort, 0, 300_000);
    const restartS = (performance.now() - restart) / 1000;
    await sleep(3000);

    const sacct: number[] = [];
    const squeue: number[] = [];
    let sacctLines = 0;
    let squeueLines = 0;
    for (let r = 0; r < RUNS; r++) {
      const a = timeCli(env, dir, 'sacct', ['-P', '-S', 'now-3hours', '--name', 'hist']);
      sacct.push(a.ms);
      sacctLines = a.lines;
      const q = timeCli(env, dir, 'squeue', []);
      squeue.push(q.ms);
      squeueLines = q.lines;
    }
    const pid = pidOf(dir, 'ratchetctld');
    const rss = pid === null ? NaN : rssMiB(pid);
    const f = (x: number): string => x.toFixed(0);
    process.stdout.write([
      `query-scale: ${N} finished + ${N} pending jobs (seeded in ${seedS.toFixed(1)} s; controller restart ${restartS.toFixed(1)} s)`,
      `  sacct -P (--name hist) : p50 ${f(p50(sacct))} ms, max ${f(Math.max(...sacct))} ms (${sacctLines} lines)`,
      `  squeue                 : p50 ${f(p50(squeue))} ms, max ${f(Math.max(...squeue))} ms (${squeueLines} lines)`,
      `  controller RSS         : ${rss.toFixed(0)} MiB`,
      `  runs: sacct ${sacct.map(f).join(' ')} / squeue ${squeue.map(f).join(' ')}`,
      '',
    ].join('\n'));
  } finally {
    // The running queued jobs (sleep 1000) would outlive the agents: cancel them first.
    if (values.keep !== true) spawnSync('scancel', ['-t', 'R'], { env, cwd: dir });
    if (values.keep === true) process.stdout.write(`cluster kept: . ${join(dir, 'env.sh')}; ratchet cluster down --dir ${dir}\n`);
    else await clusterDown(dir);
    if (!process.env.RATCHET_KEEP && values.keep !== true) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
