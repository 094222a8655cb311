// scontrol: `show job [id]`, `hold|uhold|release <ids>`, `suspend|resume <ids>`
// (scontrol-suspend.ts). Errors as Slurm prints them: `slurm_load_jobs error: ...`,
// `<strerror> for job <id>` + `slurm_suspend error: ...`.

import { parseJobSpec, selectBySpecs } from './format/array-view.ts';
import type { CancelResult, JobsResponse } from '../api/wire.ts';
import { formatJobs } from './format/scontrol-job.ts';
import { scontrolShowNodes } from './format/scontrol-node.ts';
import { scontrolShowPartitions } from './format/scontrol-partition.ts';
import { scontrolShowConfig } from './format/scontrol-config.ts';
import { nodeViewFromConfig, partitionViewFromConfig } from './format/sinfo-view.ts';
import type { NodeInfo, PartitionInfo } from '../api/wire.ts';
import type { RatchetConfig } from '../core/config-model.ts';
import { confPath } from '../lib/conf-file.ts';
import { uidOf } from '../lib/users.ts';
import { parseTimeLimitUpdate } from '../core/time-spec.ts';
import { parseDateSpec } from '../core/date-spec.ts';
import { CliError, config, request, runCli } from './client.ts';
import { suspendResume } from './scontrol-suspend.ts';
import { cpuCount, memoryValue } from './scontrol-update-values.ts';
import { requeue } from './scontrol-requeue.ts';
import { has, parseOpts } from './opts.ts';
import type { Opt } from './opts.ts';

const OPTS: readonly Opt[] = [
  { key: 'oneliner', long: ['oneliner'], short: 'o' },
  { key: 'details', long: ['details'], short: 'd' },
  { key: 'all', long: ['all'], short: 'a' },
  { key: 'quiet', long: ['quiet'], short: 'Q' },
  { key: 'verbose', long: ['verbose'], short: 'v' },
  { key: 'version', long: ['version'], short: 'V' },
  { key: 'help', long: ['help'], short: 'h' },
];

const LOAD_ERROR = 'slurm_load_jobs error: Invalid job id specified';

async function showJob(ids: string[], oneLiner: boolean, details: boolean): Promise<number> {
  const spec = ids[0] === undefined ? null : parseJobSpec(ids[0]);
  if (ids[0] !== undefined && spec === null) throw new CliError([LOAD_ERROR], 1);
  const r = await request<JobsResponse>('scontrol', spec === null ? '/v1/jobs' : `/v1/jobs?ids=${spec.id}`);
  if (spec !== null) r.jobs = selectBySpecs(r.jobs, [spec]);
  if (spec !== null && r.jobs.length === 0) throw new CliError([LOAD_ERROR], 1);
  if (r.jobs.length === 0) {
    process.stdout.write('No jobs in the system\n');
    return 0;
  }
  // Newest first; an array's own record (its unstarted tasks) leads its task records.
  const jobs = [...r.jobs].sort((a, b) => Number(b.id === spec?.id) - Number(a.id === spec?.id) || b.id - a.id);
  process.stdout.write(formatJobs(jobs, r.now, { oneLiner, details }));
  return 0;
}

async function showOther(what: string, name: string | null, oneLiner: boolean): Promise<number> {
  const cfg = config('scontrol');
  let out: { stdout: string; stderr: string; exitCode: number };
  if (what.startsWith('node')) {
    const r = await request<{ nodes: NodeInfo[] }>('scontrol', '/v1/nodes');
    const nodes = r.nodes.map((x) => nodeViewFromConfig(x, cfg.nodes.find((c) => c.name === x.name)));
    out = scontrolShowNodes(nodes, name, { oneLiner });
  } else if (what.startsWith('partition')) {
    const r = await request<{ partitions: PartitionInfo[] }>('scontrol', '/v1/partitions');
    const parts = r.partitions.map((x) => partitionViewFromConfig(x, cfg.partitions.find((c) => c.name === x.name)));
    out = scontrolShowPartitions(parts, name, { oneLiner });
  } else {
    const r = await request<{ now: number; config: RatchetConfig; bootTime?: number; nextJobId?: number }>('scontrol', '/v1/config');
    out = {
      stdout: scontrolShowConfig({
        config: r.config, loadedAt: r.bootTime ?? r.now, bootTime: r.bootTime ?? r.now, nextJobId: r.nextJobId ?? null,
        confPath: confPath([], process.env), version: '22.05.8 (ratchet 0.1.0)', slurmUserUid: uidOf(r.config.slurmUser) ?? null,
        controllerUp: true,
      }),
      stderr: '', exitCode: 0,
    };
  }
  process.stdout.write(out.stdout);
  process.stderr.write(out.stderr);
  return out.exitCode;
}

async function holdRelease(verb: 'hold' | 'uhold' | 'release', args: string[]): Promise<number> {
  const ids: number[] = [];
  const errors: string[] = [];
  for (const a of args.flatMap((x) => x.split(','))) {
    if (/^\d+$/.test(a)) ids.push(Number(a));
    else errors.push(`Invalid job id specified for job ${a}`);
  }
  if (errors.length > 0) throw new CliError(errors, 1);
  if (ids.length === 0) throw new CliError(['scontrol: error: Invalid job id specified'], 1);
  const r = await request<{ results: CancelResult[] }>('scontrol', '/v1/hold', {
    ids, release: verb === 'release', user: verb === 'uhold',
  });
  const failed = r.results.filter((x) => x.error !== null);
  if (failed.length === 0) return 0;
  const lines = failed.map((x) => `${x.error ?? ''} for job ${x.id}`);
  lines.push(`slurm_suspend error: ${failed[failed.length - 1]?.error ?? ''}`);
  throw new CliError(lines, 1);
}

/** How the user spelled each key (for Slurm's messages, which quote it). */
const keyNames = new Map<string, string>();

/** `Key=Value` words (keys case-insensitive), as scontrol reads them. */
function keyValues(args: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new CliError([`scontrol: error: Invalid input: ${a}`, 'Request aborted'], 1);
    m.set(a.slice(0, eq).toLowerCase(), a.slice(eq + 1));
    keyNames.set(a.slice(0, eq).toLowerCase(), a.slice(0, eq));
  }
  return m;
}

async function updateJob(kv: Map<string, string>): Promise<number> {
  const idText = kv.get('jobid') ?? '';
  kv.delete('jobid');
  const body: Record<string, unknown> = {};
  for (const [k, v] of kv) {
    if (k === 'timelimit') {
      const t = parseTimeLimitUpdate(v);
      if (!t.ok) throw new CliError(['scontrol: error: Invalid TimeLimit value'], 1);
      body.timeLimit = { kind: t.kind, seconds: t.seconds };
    } else if (k === 'arraytaskthrottle') {
      if (!/^\d+$/.test(v)) throw new CliError([`scontrol: error: Invalid ArrayTaskThrottle value: ${v}`], 1);
      body.arrayTaskThrottle = Number(v);
    } else if (k === 'name' || k === 'jobname') body.name = v;
    else if (k === 'comment') body.comment = v;
    else if (k === 'partition') body.partition = v;
    else if (k === 'dependency') body.dependency = v;
    else if (k === 'nice') {
      if (!/^-?\d+$/.test(v)) throw new CliError([`scontrol: error: Invalid Nice value: ${v}`], 1);
      body.nice = Number(v);
    } else if (k.length >= 10 && 'minmemorynode'.startsWith(k)) {
      delete body.minMemoryCpu;
      body.minMemoryNode = memoryValue('MinMemoryNode', v);
    } else if (k.length >= 10 && 'minmemorycpu'.startsWith(k)) {
      delete body.minMemoryNode;
      body.minMemoryCpu = memoryValue('MinMemoryCPU', v);
    } else if (k.length >= 6 && 'numcpus'.startsWith(k)) {
      body.numCpus = cpuCount(v);
    } else if (k === 'starttime') {
      // Slurm 22.05 names the begin time StartTime= in an update.
      const d = parseDateSpec(v, Math.floor(Date.now() / 1000), false);
      if (!d.ok) throw new CliError([`Invalid time specification (pos=${d.pos}): ${v}`, 'No changes specified'], 1);
      body.beginTime = d.epoch;
    } else throw new CliError([`Update of this parameter is not supported: ${keyNames.get(k) ?? k}=${v}`, 'Request aborted'], 1);
  }
  if (!/^\d+$/.test(idText)) throw new CliError([`Invalid job id specified for job ${idText}`], 1);
  const r = await request<{ error: string | null }>('scontrol', '/v1/update', { id: Number(idText), ...body });
  if (r.error !== null) throw new CliError([`${r.error} for job ${idText}`], 1);
  return 0;
}

async function updateNode(kv: Map<string, string>): Promise<number> {
  const state = (kv.get('state') ?? '').toUpperCase();
  const reason = kv.get('reason') ?? null;
  if ((state === 'DRAIN' || state === 'DOWN') && (reason === null || reason === '')) {
    throw new CliError(['You must specify a reason when DOWNING or DRAINING a node. Request denied'], 1);
  }
  const r = await request<{ error: string | null }>('scontrol', '/v1/node/update', { nodes: kv.get('nodename') ?? '', state, reason });
  if (r.error !== null) throw new CliError([`slurm_update error: ${r.error}`], 1);
  return 0;
}

export async function main(argv: string[]): Promise<void> {
  await runCli(async () => {
    const p = parseOpts('scontrol', argv, OPTS);
    if (has(p, 'version')) {
      process.stdout.write('slurm 22.05.8 (ratchet 0.1.0)\n');
      return 0;
    }
    const [cmd = '', ...rest] = p.operands;
    const verb = cmd.toLowerCase();
    if (verb === 'show' || verb === 'sho' || verb === 'sh') {
      const what = (rest[0] ?? '').toLowerCase();
      if (what === 'job' || what === 'jobs' || what === 'jobid') return showJob(rest.slice(1), has(p, 'oneliner'), has(p, 'details'));
      if (what.startsWith('node') || what.startsWith('partition') || what === 'config') {
        return showOther(what, rest[1] ?? null, has(p, 'oneliner'));
      }
      throw new CliError([`invalid entity:${rest[0] ?? ''} for keyword:show `], 1);
    }
    if (verb === 'hold' || verb === 'uhold' || verb === 'release') return holdRelease(verb, rest);
    if (verb === 'requeue' || verb === 'requeuehold') return requeue(verb, rest);
    // Slurm matches `suspend` from 2 letters and `resume` from 3.
    if (verb.length >= 2 && 'suspend'.startsWith(verb)) return suspendResume('suspend', cmd, rest);
    if (verb.length >= 3 && 'resume'.startsWith(verb)) return suspendResume('resume', cmd, rest);
    if (verb === 'update') {
      const kv = keyValues(rest);
      if (kv.has('jobid')) return updateJob(kv);
      if (kv.has('nodename')) return updateNode(kv);
      throw new CliError(['No valid entity in update command', 'Input line must include "NodeName", "PartitionName", "Reservation=<reservation_name>", or "JobId"'], 1);
    }
    if (verb === '' || has(p, 'help')) {
      process.stdout.write('scontrol [<OPTION>] [<COMMAND>]\n  Valid commands: show job|node|partition, hold, uhold, release, suspend, resume, requeue, requeuehold, update\n');
      return 0;
    }
    throw new CliError([`invalid keyword: ${cmd}`], 1);
  });
}
