// sbatch: parse (src/cli/sbatch/), submit, print `Submitted batch job N` (or `N` with
// --parsable) and nothing on stderr. Option errors exit 255 (sbatch's parser), controller
// rejections exit 1 with `sbatch: error: Batch job submission failed: <strerror>`.
// -W/--wait polls the job until it ends and exits with its exit code.

import { readFileSync } from 'node:fs';
import os from 'node:os';
import { parseSbatch, unsupported } from './sbatch/parse.ts';
import type { SbatchIo } from './sbatch/parse.ts';
import type { SubmitResponse, JobsResponse } from '../api/wire.ts';
import { isFinished } from '../core/job-state.ts';
import { formatTimestamp } from '../core/time-spec.ts';
import { CliError, errorBody, request, runCli } from './client.ts';

function io(): SbatchIo {
  return {
    readFile: (path) => {
      try {
        return readFileSync(path);
      } catch (e) {
        return { error: (e as Error).message };
      }
    },
    readStdin: () => {
      try {
        return readFileSync(0);
      } catch {
        return Buffer.alloc(0);
      }
    },
    cwd: process.cwd(),
    env: process.env,
    hostname: os.hostname(),
    pid: process.pid,
  };
}

async function waitFor(id: number): Promise<number> {
  for (;;) {
    const r = await request<JobsResponse>('sbatch', `/v1/jobs?ids=${id}`);
    const job = r.jobs[0];
    if (job === undefined) return 0;
    if (isFinished(job.state) && !job.flags.includes('COMPLETING')) {
      if (job.exitCode.signal !== 0) return 1;
      return job.exitCode.code;
    }
    await new Promise((res) => setTimeout(res, 250));
  }
}

export async function main(argv: string[]): Promise<void> {
  await runCli(async () => {
    const p = parseSbatch(argv, io());
    if (p.kind === 'exit') {
      process.stdout.write(p.stdout);
      process.stderr.write(p.stderr);
      return p.code;
    }
    if (p.stderr !== '') process.stderr.write(p.stderr);
    const refusal = unsupported(p.pending, p.errorExit);
    if (refusal !== null) {
      process.stderr.write(refusal.stderr);
      return refusal.code;
    }
    let res: SubmitResponse;
    try {
      res = await request<SubmitResponse>('sbatch', '/v1/submit', p.request);
    } catch (e) {
      const body = errorBody(e);
      if (body === null) throw e;
      const lines = (body.detail ?? []).map((d) => `sbatch: error: ${d}`);
      if (body.error !== 'Unspecified error' || lines.length === 0) lines.push(`sbatch: error: Batch job submission failed: ${body.error}`);
      throw new CliError(lines, p.errorExit);
    }
    if (res.testOnly !== undefined) {
      const t = res.testOnly;
      process.stderr.write(`sbatch: Job ${res.jobId} to start at ${formatTimestamp(t.startTime, 'Unknown')} using ${t.cpus} processors on nodes ${t.nodes} in partition ${t.partition}\n`);
      return 0;
    }
    if (!p.quiet) process.stdout.write(p.parsable ? `${res.jobId}\n` : `Submitted batch job ${res.jobId}\n`);
    if (p.wait) return waitFor(res.jobId);
    return 0;
  });
}
