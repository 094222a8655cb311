// srun: run a command as a job step. Inside a job (SLURM_JOB_ID set) it asks the controller
// for the next step of that job; outside one it first makes an allocation (a job with no
// batch script, `srun: job N queued and waiting for resources` while it waits). Then it
// launches the step's tasks on the job's node(s) through their agents, writes their
// streamed stdout/stderr (or to -o/-e), and ends the way Slurm 22.05's srun does:
// `srun: error: NODE: task 0: Exited with exit code N` / `Out Of Memory` / `Killed`, the
// step's oom notice, and the tasks' exit status as its own (1 after an OOM, 128+N for a
// signal). srun's stdin goes to every task (Slurm's default --input=all), streamed after
// the launch request's JSON line. Ctrl-C: once prints the step's status, twice within a second forwards SIGINT,
// a third time kills the step; SIGTERM, SIGHUP, SIGUSR1 and SIGUSR2 are forwarded.

import http from 'node:http';
import os from 'node:os';
import { basename, resolve } from 'node:path';
import { fstatSync, openSync, writeSync } from 'node:fs';
import type { JobsResponse, SubmitRequest, SubmitResponse } from '../api/wire.ts';
import type { StepCreateRequest, StepCreateResponse, StepLaunchRequest, StepMsg, StepNode } from '../api/step-wire.ts';
import { isFinished } from '../core/job-state.ts';
import { srunExitCode, stepEnv, taskErrorLines } from '../core/step.ts';
import type { TaskEnd } from '../core/step.ts';
import { authHeaders } from '../lib/auth-header.ts';
import { userName } from '../lib/users.ts';
import { CliError, config, errorBody, request, runCli } from './client.ts';
import { LineLabeler, outputPath, parseSrun } from './srun-args.ts';
import type { SrunOptions } from './srun-args.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The tasks' environment per --export (ALL by default; NONE keeps only SLURM_*). */
function exportedEnv(mode: string | null, environ: NodeJS.ProcessEnv): Record<string, string> {
  const all = Object.fromEntries(Object.entries(environ).filter((e): e is [string, string] => e[1] !== undefined));
  const slurm = Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith('SLURM_')));
  if (mode === null || mode.toUpperCase() === 'ALL') return all;
  if (mode.toUpperCase() === 'NONE' || mode.toUpperCase() === 'NIL') return slurm;
  const env: Record<string, string> = {};
  for (const tok of mode.split(',')) {
    if (tok.toUpperCase() === 'ALL') Object.assign(env, all);
    else if (tok.includes('=')) env[tok.slice(0, tok.indexOf('='))] = tok.slice(tok.indexOf('=') + 1);
    else if (all[tok] !== undefined) env[tok] = all[tok];
  }
  return { ...env, ...slurm };
}

function failWith(prefix: string, e: unknown): never {
  const body = errorBody(e);
  if (body === null) throw e;
  throw new CliError([...(body.detail ?? []).map((d) => `srun: error: ${d}`), `srun: error: ${prefix}: ${body.error}`], 1);
}

/** Makes srun's own allocation and waits for it to start. */
async function allocate(o: SrunOptions, name: string, cwd: string, env: Record<string, string>): Promise<number> {
  const req: SubmitRequest = {
    script: '', scriptPath: o.command[0] ?? null, argv: [], name, workDir: cwd, stdout: null, stderr: null, stdin: null,
    openMode: null, partition: o.partition, time: o.time, nodes: o.nodes, ntasks: o.ntasks, cpusPerTask: o.cpusPerTask,
    mem: o.mem === null ? null : { perNode: o.mem }, env, hold: false, comment: null, account: null, qos: null,
    requeue: null, nice: null, submitHost: os.hostname(), submitSid: process.pid, testOnly: false, signal: null, alloc: true,
  };
  let res: SubmitResponse;
  try {
    res = await request<SubmitResponse>('srun', '/v1/submit', req);
  } catch (e) {
    failWith('Unable to allocate resources', e);
  }
  const id = res.jobId;
  let told = false;
  for (;;) {
    const r = await request<JobsResponse>('srun', `/v1/jobs?ids=${id}`);
    const job = r.jobs[0];
    if (job === undefined || isFinished(job.state)) {
      throw new CliError(['srun: Job has been cancelled', 'srun: error: Unable to allocate resources: Job/step already completing or completed'], 1);
    }
    if (job.state === 'RUNNING') {
      if (told && !o.quiet) process.stderr.write(`srun: job ${id} has been allocated resources\n`);
      return id;
    }
    if (!told && !o.quiet) process.stderr.write(`srun: job ${id} queued and waiting for resources\n`);
    told = true;
    await sleep(told ? 200 : 50);
  }
}

interface NodeOutcome {
  node: string;
  ends: TaskEnd[];
  oom: boolean;
  notice: string | null;
}

/**
 * srun's stdin to every node of the step (each sends it to all its tasks, srun's default
 * `--input=all`): read once every node's launch request is open, at the pace of the
 * slowest; the requests end when stdin does.
 */
class StdinFan {
  private readonly reqs: http.ClientRequest[] = [];
  private readonly expected: number;

  constructor(expected: number) {
    this.expected = expected;
  }

  add(req: http.ClientRequest): void {
    this.reqs.push(req);
    if (this.reqs.length === this.expected) this.start();
  }

  private start(): void {
    const input = process.stdin;
    const endAll = (): void => {
      for (const r of this.reqs) if (!r.writableEnded) r.end();
    };
    let full = 0;
    input.on('data', (c: Buffer) => {
      for (const r of this.reqs) {
        if (r.destroyed || r.writableEnded || r.write(c)) continue;
        full++;
        r.once('drain', () => {
          if (--full === 0) input.resume();
        });
      }
      if (full > 0) input.pause();
    });
    input.on('end', endAll);
    input.on('error', endAll);
  }
}

/** Launches this node's tasks and consumes the stream until the step ends there. */
function launchOn(n: StepNode, body: StepLaunchRequest, sink: (m: StepMsg) => void, stdin: StdinFan): Promise<NodeOutcome> {
  return new Promise((resolveP, reject) => {
    const path = '/v1/step/launch';
    const text = JSON.stringify(body);
    void authHeaders(config('srun'), 'POST', path).then((headers) => {
      const req = http.request({
        host: n.addr, port: n.port, path, method: 'POST', agent: false,
        // Chunked: the JSON line, then srun's stdin as it comes.
        headers: { ...headers, 'content-type': 'application/x-ndjson' },
      }, (res) => {
        if ((res.statusCode ?? 500) !== 200) {
          let t = '';
          res.on('data', (c: Buffer) => (t += c.toString('utf8')));
          res.on('end', () => {
            let msg = t;
            try {
              msg = (JSON.parse(t) as { error?: string }).error ?? t;
            } catch {
              // keep the raw text
            }
            reject(new CliError([`srun: error: Task launch for StepId=${body.jobId}.${body.stepId} failed on node ${n.name}: ${msg}`], 1));
          });
          return;
        }
        let buf = '';
        let out: NodeOutcome | null = null;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
            const line = buf.slice(0, i);
            buf = buf.slice(i + 1);
            if (line === '') continue;
            const m = JSON.parse(line) as StepMsg;
            if (m.t === 'end') out = { node: n.name, ends: m.tasks, oom: m.oomKills > 0, notice: m.notice };
            sink(m);
          }
        });
        res.on('end', () => (out === null ? reject(new CliError([`srun: error: ${n.name}: step ended without a status`], 1)) : resolveP(out)));
        res.on('error', reject);
      });
      req.on('error', () => reject(new CliError([`srun: error: Unable to contact the node agent of ${n.name}`], 1)));
      req.write(`${text}\n`);
      stdin.add(req);
    }, reject);
  });
}

async function signalStep(nodes: readonly StepNode[], jobId: number, stepId: number, signal: number): Promise<void> {
  const path = '/v1/step/signal';
  const text = JSON.stringify({ jobId, stepId, signal });
  await Promise.all(nodes.map(async (n) => {
    const headers = await authHeaders(config('srun'), 'POST', path);
    await new Promise<void>((done) => {
      const req = http.request({
        host: n.addr, port: n.port, path, method: 'POST', agent: false,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
      }, (res) => {
        res.resume();
        res.on('end', () => done());
      });
      req.on('error', () => done());
      req.end(text);
    });
  }));
}

function stderrId(): string | null {
  try {
    const st = fstatSync(2);
    return st.isFile() ? `${st.dev}:${st.ino}` : null;
  } catch {
    return null;
  }
}

async function run(argv: string[]): Promise<number> {
  const p = parseSrun(argv);
  if (!p.ok) {
    process.stderr.write(p.stderr);
    return p.code;
  }
  const o = p.opts;
  const cwd = resolve(o.chdir ?? process.cwd());
  const name = o.name ?? basename(o.command[0] ?? 'srun');
  const env = exportedEnv(o.export, process.env);
  const inJob = /^\d+$/.test(process.env.SLURM_JOB_ID ?? '');
  const jobId = inJob ? Number(process.env.SLURM_JOB_ID) : await allocate(o, name, cwd, env);
  // Inside a job, srun runs as many tasks as the job has (SLURM_NTASKS, set with sbatch -n).
  const jobTasks = Number(process.env.SLURM_NTASKS);
  const ntasks = o.ntasks ?? (inJob && Number.isSafeInteger(jobTasks) && jobTasks > 0 ? jobTasks : (o.nodes ?? 1));
  let step: StepCreateResponse;
  try {
    const body: StepCreateRequest = { jobId, name, ntasks, cpusPerTask: o.cpusPerTask, nodes: o.nodes };
    step = await request<StepCreateResponse>('srun', '/v1/steps', body);
  } catch (e) {
    failWith(`Unable to create step for job ${jobId}`, e);
  }
  const stepText = `StepId=${jobId}.${step.stepId}`;
  const nodes = step.nodes.map((n) => n.name);
  const baseEnv = { ...env, ...step.jobEnv, ...stepEnv({ jobId, stepId: step.stepId, ntasks, nodes, cpusPerTask: o.cpusPerTask }) };
  const vars = { jobId, stepId: step.stepId, node: nodes[0] ?? '', user: userName(process.getuid?.() ?? 0), name, task: 0 };
  const outFd = o.output === null ? 1 : openSync(resolve(cwd, outputPath(o.output, vars)), 'w');
  const errFd = o.error === null ? (o.output === null ? 2 : outFd) : openSync(resolve(cwd, outputPath(o.error, vars)), 'w');
  const labels = { o: new LineLabeler(), e: new LineLabeler() };
  let aborted = false;
  const write = (fd: number, s: string | Buffer): void => {
    const buf = typeof s === 'string' ? Buffer.from(s) : s;
    for (let off = 0, spins = 0; off < buf.length;) {
      try {
        off += writeSync(fd, buf, off);
      } catch (e) {
        // A pipe may be non-blocking: wait for the reader. Anything else (closed stdout)
        // must not stop srun from reaping its step.
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN' || ++spins > 100000) return;
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      }
    }
  };
  const sink = (m: StepMsg): void => {
    if (m.t === 'o' || m.t === 'e') {
      const data = Buffer.from(m.d, 'base64');
      const fd = m.t === 'o' ? outFd : errFd;
      write(fd, o.label ? labels[m.t].push(m.i, data.toString('utf8')) : data);
    } else if (m.t === 'abort') {
      aborted = true;
      for (const l of m.lines) write(2, `${l}\n`);
      write(2, `srun: Job step aborted: Waiting up to ${m.wait} seconds for job step to finish.\n`);
    } else if (m.t === 'error') {
      write(2, `srun: error: ${m.message}\n`);
    }
  };
  // Tasks in blocks: node i runs ranks [i*per, (i+1)*per).
  const per = Math.ceil(ntasks / Math.max(1, nodes.length));
  let lastInt = 0;
  let ints = 0;
  const onInt = (): void => {
    const now = Date.now();
    if (now - lastInt > 1000) {
      write(2, `srun: interrupt (one more within 1 sec to abort)\nsrun: ${stepText} tasks 0-${ntasks - 1}: running\n`);
      lastInt = now;
      return;
    }
    ints++;
    if (ints === 1) {
      write(2, `srun: sending Ctrl-C to ${stepText}\n`);
      void signalStep(step.nodes, jobId, step.stepId, 2);
    } else {
      write(2, 'srun: forcing termination\n');
      void signalStep(step.nodes, jobId, step.stepId, 9);
    }
  };
  const forward = (sig: number) => (): void => void signalStep(step.nodes, jobId, step.stepId, sig);
  process.on('SIGINT', onInt);
  const fwd: [NodeJS.Signals, number][] = [['SIGTERM', 15], ['SIGHUP', 1], ['SIGUSR1', 10], ['SIGUSR2', 12]];
  for (const [s, n] of fwd) process.on(s, forward(n));
  const sid = stderrId();
  const stdin = new StdinFan(step.nodes.length);
  const outcomes = await Promise.all(step.nodes.map((n, i) => launchOn(n, {
    jobId, attempt: step.attempt, stepId: step.stepId, name, argv: o.command, env: baseEnv, cwd,
    tasks: Array.from({ length: Math.max(0, Math.min(per, ntasks - i * per)) }, (_v, k) => i * per + k),
    nodeIndex: i, stderrId: sid, cpusPerTask: o.cpusPerTask, srunPid: inJob ? process.pid : null,
  }, sink, stdin)));
  if (o.label) {
    for (let t = 0; t < ntasks; t++) {
      write(outFd, labels.o.flush(t));
      write(errFd, labels.e.flush(t));
    }
  }
  const ends = outcomes.flatMap((x) => x.ends);
  const oom = outcomes.some((x) => x.oom);
  if (!aborted) for (const x of outcomes) for (const l of taskErrorLines(x.node, x.ends, x.oom, `${jobId}.${step.stepId}`)) write(2, `${l}\n`);
  for (const x of outcomes) if (x.notice !== null) write(2, x.notice);
  return srunExitCode(ends, oom);
}

export async function main(argv: string[]): Promise<void> {
  await runCli(async () => {
    const code = await run(argv);
    // Forwarded-signal handlers and keep-alive sockets must not keep srun alive.
    process.exit(code);
  });
}
