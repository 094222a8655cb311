// bench/throughput: N x `sbatch --wrap true` on a 2-agent cluster (2 CPUs each, the peer's
// shape), measured like ../shared/peer/scenarios/throughput.sh:
//   - submit -> all done (jobs/s end to end), with the sbatch CLI in a sequential loop;
//   - the same N through the HTTP API from one client (controller + agents alone);
//   - per-`sbatch` wall latency (p50/p90); submit -> start p50 under the burst (job records)
//     and on an idle cluster (as the peer measures it: from just before sbatch to the
//     script's own first `date`);
//   - CPU milliseconds per job spent by the controller, the agents, the jobs' own processes
//     (launcher shells, env, the script) and munged, from /proc: on this 2-core machine
//     their sum bounds the end-to-end rate whatever the scheduling does.
// When the Slurm peer is up (/var/tmp/slurmpeer/env.sh, sinfo answers) the same loop runs
// against it in the same run and the ratios are printed.
//
// usage: node bench/throughput.ts [--jobs N] [--peer-jobs N] [--no-peer] [--api-only]
//   --api-only: only the API burst and its CPU per job (for profiling the daemons)

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { api as clusterApi, clusterDown, clusterUp, ROOT } from '../src/cli/cluster.ts';
import type { Job } from '../src/core/job.ts';
import { decodeJobs } from '../src/api/job-codec.ts';
import type { CompactJobs } from '../src/api/job-codec.ts';
import type { SubmitResponse } from '../src/api/wire.ts';

const { values } = parseArgs({
  options: { jobs: { type: 'string', default: '1000' }, 'peer-jobs': { type: 'string', default: '200' }, 'no-peer': { type: 'boolean' }, 'api-only': { type: 'boolean' } },
});
const N = Number(values.jobs);
const PEER_N = Number(values['peer-jobs']);
const API_ONLY = values['api-only'] === true;

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const f = (x: number, d = 1): string => x.toFixed(d);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface LoopResult { submitS: number; doneS: number; sbatchMs: number[] }

/** A sequential sbatch loop, then poll until no job of that name is left. */
async function loop(env: NodeJS.ProcessEnv, cwd: string, n: number, name: string, submitted: (id: number) => void,
  left: () => Promise<number>, wantIds = true): Promise<LoopResult> {
  const sbatchMs: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const a = performance.now();
    // -Q as in the peer's throughput.sh, or --parsable where the id is wanted (-Q silences it too)
    const r = spawnSync('sbatch', [wantIds ? '--parsable' : '-Q', '-J', name, '-o', '/dev/null', '--wrap', 'true'], { env, cwd, encoding: 'utf8' });
    sbatchMs.push(performance.now() - a);
    if (r.status !== 0) throw new Error(`sbatch failed: ${r.stderr}`);
    if (wantIds) submitted(Number(/(\d+)\s*$/.exec(r.stdout)?.[1] ?? NaN));
  }
  const submitS = (performance.now() - t0) / 1000;
  while ((await left()) > 0) await sleep(100);
  return { submitS, doneS: (performance.now() - t0) / 1000, sbatchMs };
}

function squeueLeft(env: NodeJS.ProcessEnv, name: string): Promise<number> {
  const r = spawnSync('squeue', ['-h', '-r', '-n', name, '-o', '%i'], { env, encoding: 'utf8' });
  return Promise.resolve(r.stdout.split('\n').filter(Boolean).length);
}

/** CPU seconds (user + system) a process and its reaped children have used, from /proc. */
function cpuOf(pidFile: string): { self: number; children: number } {
  try {
    const pid = readFileSync(pidFile, 'utf8').trim();
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const t = (i: number): number => Number(f[i] ?? 0) / 100;
    return { self: t(11) + t(12), children: t(13) + t(14) };
  } catch {
    return { self: NaN, children: NaN };
  }
}

async function ratchet(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'ratchet-bench-'));
  const h = await clusterUp({ dir, nodes: 2, cpus: 2, mem: 3000, set: [], timeResolution: 'minutes' });
  const env = { ...process.env, ...h.env };
  const api = <T>(path: string, body?: unknown): Promise<T> => clusterApi<T>(h.auth, h.controlPort, path, body);
  // Only the jobs not yet seen finished are asked for, in the compact form squeue uses, so
  // the poll does not cost the controller more as finished jobs pile up.
  // While many are left the poll is sparse (its answer is big and the controller serving
  // it is part of what is measured); near the end it is frequent, so the end is seen late by
  // at most `every` ms.
  const waitAll = async (ids: Set<number>, every: number): Promise<Job[]> => {
    const seen: Job[] = [];
    while (ids.size > 0) {
      const jobs = decodeJobs(await api<CompactJobs>(`/v1/jobs?fmt=t&ids=${[...ids].slice(0, 2000).join(',')}`));
      for (const j of jobs) {
        if (j.state === 'PENDING' || j.state === 'RUNNING' || j.flags.length > 0) continue;
        ids.delete(j.id);
        seen.push(j);
      }
      if (ids.size > 0) await sleep(ids.size > 64 ? Math.max(every, 250) : every);
    }
    return seen;
  };
  const daemons = ['pids/ratchetctld.pid', 'pids/ratchetd-n1.pid', 'pids/ratchetd-n2.pid', 'munge/munged.pidfile'].map((f) => join(dir, f));
  try {
    // Warm the CLI's compile cache once so the loop measures steady-state start-up.
    spawnSync('sbatch', ['--version'], { env });
    const cliIds = new Set<number>();
    const cli = API_ONLY ? { submitS: NaN, doneS: NaN, sbatchMs: [] }
      : await loop(env, dir, N, 'tp_loop', (id) => cliIds.add(id), () => waitAll(cliIds, 100).then(() => 0));
    const cliJobs = API_ONLY ? [] : (await api<{ jobs: Job[] }>('/v1/jobs')).jobs.filter((j) => j.req.name === 'tp_loop');
    const burstLat = cliJobs.map((j) => (j.startTime ?? 0) - j.submitTime);

    // The same through the API: one client, requests in flight 16 at a time.
    const script = '#!/bin/sh\n# This script was created by sbatch --wrap.\n\ntrue\n';
    const req = {
      script, scriptPath: null, argv: [], name: 'tp_api', workDir: dir, stdout: '/dev/null', stderr: null, stdin: null,
      openMode: null, partition: null, time: null, nodes: null, ntasks: null, cpusPerTask: null, mem: null, env: {},
      hold: false, comment: null, account: null, qos: null, requeue: null, nice: null, submitHost: 'bench', submitSid: 1,
      testOnly: false, signal: null,
    };
    const cpu0 = daemons.map(cpuOf);
    const t0 = performance.now();
    let next = 0;
    const apiIds = new Set<number>();
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (next < N) {
        next++;
        apiIds.add((await api<SubmitResponse>('/v1/submit', req)).jobId);
      }
    }));
    const apiSubmit = (performance.now() - t0) / 1000;
    await waitAll(apiIds, 20);
    const apiDone = (performance.now() - t0) / 1000;
    const cpu1 = daemons.map(cpuOf);
    const used = (i: number, k: 'self' | 'children'): number => (((cpu1[i]?.[k] ?? NaN) - (cpu0[i]?.[k] ?? NaN)) * 1000) / N;

    // Idle-cluster latency, measured as the peer's throughput.sh does: from just before
    // sbatch to the script's own first `date`, 20 sequential jobs, each waited for.
    const idle: number[] = [];
    const recorded: number[] = [];
    // from the controller accepting the submission to the script's first instruction
    const accepted: number[] = [];
    for (let i = 0; i < (API_ONLY ? 0 : 20); i++) {
      const out = join(dir, `lat_${i}.out`);
      const before = Date.now();
      const r = spawnSync('sbatch', ['--parsable', '-J', 'tp_lat', '-o', out, '--wrap', 'date +%s.%N'], { env, encoding: 'utf8' });
      const [j] = await waitAll(new Set([Number(r.stdout.trim())]), 5);
      const ran = Number(readFileSync(out, 'utf8').trim()) * 1000;
      idle.push(ran - before);
      if (j?.startTime != null) recorded.push(j.startTime - j.submitTime);
      if (j !== undefined) accepted.push(ran - j.submitTime);
    }
    const ctlRss = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${readFileSync(join(dir, 'pids/ratchetctld.pid'), 'utf8').trim()}/status`, 'utf8'))?.[1] ?? 0);
    return {
      cliSubmit: cli.submitS, cliDone: cli.doneS, sbatchP50: pct(cli.sbatchMs, 50), sbatchP90: pct(cli.sbatchMs, 90),
      burstStartP50: pct(burstLat, 50), apiSubmit, apiDone, idleStartP50: pct(idle, 50), idleStartMax: Math.max(...idle),
      idleRecordedP50: pct(recorded, 50), idleAcceptedP50: pct(accepted, 50), ctlPeakMiB: ctlRss / 1024,
      cpuCtl: used(0, 'self'), cpuAgents: used(1, 'self') + used(2, 'self'), cpuJobs: used(1, 'children') + used(2, 'children'),
      cpuMunged: used(3, 'self'),
    };
  } finally {
    await clusterDown(dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function peer(): Promise<{ submitS: number; doneS: number; sbatchP50: number } | null> {
  const envFile = '/var/tmp/slurmpeer/env.sh';
  if (values['no-peer'] || !existsSync(envFile)) return null;
  const conf = /SLURM_CONF=(\S+)/.exec(readFileSync(envFile, 'utf8'))?.[1]?.replace(/['"]/g, '');
  if (conf === undefined) return null;
  const env = { ...process.env, SLURM_CONF: conf, PATH: `/usr/bin:/bin:${process.env.PATH ?? ''}` };
  if (spawnSync('/usr/bin/sinfo', ['-h'], { env }).status !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), 'peer-bench-'));
  try {
    const r = await loop({ ...env, PATH: `/usr/bin:${env.PATH}` }, dir, PEER_N, 'rb_loop', () => undefined, () => squeueLeft(env, 'rb_loop'), false);
    return { submitS: r.submitS, doneS: r.doneS, sbatchP50: pct(r.sbatchMs, 50) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const r = await ratchet();
process.stdout.write(`bench/throughput (Ratchet at ${ROOT}), ${N} jobs, 2 agents x 2 CPUs\n`);
process.stdout.write(`  sbatch loop: submitted in ${f(r.cliSubmit ?? 0)} s, all done in ${f(r.cliDone ?? 0)} s -> ${f(N / (r.cliDone ?? 1))} jobs/s end to end\n`);
process.stdout.write(`  sbatch wall latency: p50 ${f(r.sbatchP50 ?? 0)} ms, p90 ${f(r.sbatchP90 ?? 0)} ms (target <= 25 ms)\n`);
process.stdout.write(`  submit -> start p50 under the burst: ${f(r.burstStartP50 ?? 0)} ms\n`);
process.stdout.write(`  API client (16 in flight): submitted in ${f(r.apiSubmit ?? 0)} s, all done in ${f(r.apiDone ?? 0)} s -> ${f(N / (r.apiDone ?? 1))} jobs/s (target >= 200)\n`);
process.stdout.write(`  submit -> start on an idle cluster (sbatch call to the script's first date): p50 ${f(r.idleStartP50 ?? 0)} ms, max ${f(r.idleStartMax ?? 0)} ms (target <= 50 ms); in the job record ${f(r.idleRecordedP50 ?? 0)} ms; from the controller's acceptance to the script's first date ${f(r.idleAcceptedP50 ?? 0)} ms\n`);
process.stdout.write(`  CPU per job in the API burst: controller ${f(r.cpuCtl ?? 0, 2)} ms, agents ${f(r.cpuAgents ?? 0, 2)} ms, the jobs' own processes ${f(r.cpuJobs ?? 0, 2)} ms, munged ${f(r.cpuMunged ?? 0, 2)} ms\n`);
process.stdout.write(`  controller peak RSS: ${f(r.ctlPeakMiB ?? 0)} MiB\n`);
const p = API_ONLY ? null : await peer();
if (p === null) {
  process.stdout.write('  peer: not up (../shared/peer/slurm-up.sh), no side-by-side figures this run\n');
} else {
  const ours = N / (r.cliDone ?? 1);
  const theirs = PEER_N / p.doneS;
  process.stdout.write(`  peer Slurm, ${PEER_N} jobs, same loop: all done in ${f(p.doneS)} s -> ${f(theirs, 2)} jobs/s; sbatch p50 ${f(p.sbatchP50)} ms\n`);
  process.stdout.write(`  ratio (Ratchet / Slurm): end to end ${f(ours / theirs)}x, sbatch latency ${f((r.sbatchP50 ?? 0) / p.sbatchP50, 2)}x\n`);
}
