import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompactLineReader, cachedJobTexts, compactJobLines, compactJobsBody, decodeJobs, jobTexts } from './job-codec.ts';
import type { CompactJobs } from './job-codec.ts';
import { at, batchStep, dependencyOf, makeJob } from '../cli/format/job-fixture.ts';
import { asJobId } from '../core/job.ts';
import type { Job } from '../core/job.ts';

test('decoded jobs are the jobs without env, script and evidence; heads are shared', () => {
  const step = batchStep({
    start: at('05:00:01'), end: at('05:00:09'), maxRssBytes: 4096, state: 'FAILED', exitCode: { code: 3, signal: 0 },
    usage: { maxVmBytes: 8192, pages: 2, readBytes: 10, writeBytes: null, cpuFreqMHz: 2445 },
  });
  const job = makeJob({
    id: 42, state: 'FAILED', flags: ['COMPLETING'], held: 'admin', startTime: at('05:00:01'), endTime: at('05:00:09'),
    nodeList: ['n1', 'n2'], exitCode: { code: 3, signal: 0 }, cancelledBy: 7, steps: [step], stateDesc: 'why',
    req: { env: { A: '1' }, script: '#!/bin/sh\n', signal: { signal: 10, secs: 60, batch: true }, comment: 'c', timeLimit: 600,
      killOnInvalidDep: false, deadline: 123_000, alloc: true, numCpus: 3, begin: 456_000, requiredNodes: ['n1', 'n2'], exclusive: true },
    dependency: dependencyOf('afterok:7'),
    array: { jobId: asJobId(40), taskId: 2, pending: [], throttle: 0, count: 3, min: 0, max: 2, step: 1 },
    evidence: { exitCode: 3, signal: null, oomKills: 0, timeLimitAt: null, killedAfterWait: false, launchError: null, peakMemBytes: 1,
      memLimitBytes: null, userCpu: 0.5, systemCpu: 0.25, startedAt: 1, endedAt: 2 },
  });
  const run = {
    attempt: 1, state: 'REQUEUED' as const, reason: 'None' as const, exitCode: { code: 0, signal: 9 }, derivedExitCode: { code: 0, signal: 0 },
    startTime: 1, endTime: 2, submitTime: 0, eligibleTime: 0, nodeList: ['n1'], allocCpus: 2, memPerNode: 100, memPerCpu: null,
    timeLimit: null, partition: 'debug', cancelledBy: null, steps: [step], evidence: job.evidence,
  };
  const withRun: Job = { ...job, runs: [run] };
  const other = makeJob({ id: 43, req: { name: 'other' } });
  const body = JSON.parse(compactJobsBody(5, [jobTexts(withRun), jobTexts(job), jobTexts(other)])) as CompactJobs;
  assert.equal(body.now, 5);
  assert.equal(body.heads.length, 2, 'one head per distinct request and user');
  const [back, again, third] = decodeJobs(body);
  assert.deepEqual(back, { ...withRun, req: { ...withRun.req, env: {}, script: '' }, evidence: null, runs: [{ ...run, evidence: null }] });
  assert.deepEqual(again, { ...job, req: { ...job.req, env: {}, script: '' }, evidence: null });
  assert.equal(back?.req, again?.req, 'jobs with one head share its objects');
  assert.equal(third?.req.name, 'other');
  assert.equal(cachedJobTexts(job), cachedJobTexts(job), 'cached');
});

test('the streamed form: meta line, each head once before its first job, jobs in order, chunked', async () => {
  const jobs = Array.from({ length: 4500 }, (_, i) => makeJob({ id: i + 1, req: { name: i % 1000 === 999 ? 'odd' : 'same' } }));
  const chunks: string[] = [];
  for await (const c of compactJobLines(7, false, jobs.map(jobTexts))) chunks.push(c);
  assert.ok(chunks.length >= 3, 'more than one chunk for thousands of jobs');
  const lines = chunks.join('').split('\n');
  assert.equal(lines.at(-1), '', 'every line ends with a newline');
  assert.equal(lines.filter((l) => l.startsWith('{"h":')).length, 2, 'one line per distinct head');
  const reader = new CompactLineReader();
  const back: Job[] = [];
  // Lines may arrive split anywhere: the reader only ever sees whole lines.
  for (const l of lines) {
    const j = reader.line(l);
    if (j !== null) back.push(j);
  }
  assert.equal(reader.now, 7);
  assert.equal(reader.arrays, false);
  assert.deepEqual(back.map((j) => j.id), jobs.map((j) => j.id));
  assert.deepEqual(back.map((j) => j.req.name), jobs.map((j) => j.req.name));
  assert.equal(back[0]?.req, back[1]?.req, 'jobs with one head share its objects');
  assert.throws(() => new CompactLineReader().line('[3,[]]'), /bad head index 3/);
});

test('a step usage stored as an object (rows written before it travelled as an array) still decodes', () => {
  const usage = { maxVmBytes: 8192, pages: 2, readBytes: 10, writeBytes: null, cpuFreqMHz: 2445 };
  const job = makeJob({ id: 9, steps: [batchStep({ start: at('05:00:01'), end: at('05:00:09'), usage })] });
  const [head, rest] = jobTexts(job);
  assert.ok(rest.includes('[8192,2,10,null,2445]'), 'sent as an array');
  const old = rest.replace('[8192,2,10,null,2445]', JSON.stringify(usage));
  const reader = new CompactLineReader();
  reader.line('{"now":1,"arrays":false}');
  reader.line(`{"h":${head}}`);
  assert.deepEqual(reader.line(`[0,${old}]`)?.steps[0]?.usage, usage);
  assert.deepEqual(reader.line(`[0,${rest}]`)?.steps[0]?.usage, usage);
});
