import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compactJobsBody, decodeJob, encodeJob, encodedJobText } from './job-codec.ts';
import { at, batchStep, makeJob } from '../cli/format/job-fixture.ts';
import type { Job } from '../core/job.ts';

test('decode(encode(job)) is the job without env, script and evidence', () => {
  const step = batchStep({ start: at('05:00:01'), end: at('05:00:09'), maxRssBytes: 4096, state: 'FAILED', exitCode: { code: 3, signal: 0 } });
  const job = makeJob({
    id: 42, state: 'FAILED', flags: ['COMPLETING'], held: 'admin', startTime: at('05:00:01'), endTime: at('05:00:09'),
    nodeList: ['n1', 'n2'], exitCode: { code: 3, signal: 0 }, cancelledBy: 7, steps: [step], stateDesc: 'why',
    req: { env: { A: '1' }, script: '#!/bin/sh\n', signal: { signal: 10, secs: 60, batch: true }, comment: 'c', timeLimit: 600 },
    evidence: { exitCode: 3, signal: null, oomKills: 0, timeLimitAt: null, killedAfterWait: false, launchError: null, peakMemBytes: 1,
      memLimitBytes: null, userCpu: 0.5, systemCpu: 0.25, startedAt: 1, endedAt: 2 },
  });
  const run = {
    attempt: 1, state: 'REQUEUED' as const, reason: 'None' as const, exitCode: { code: 0, signal: 9 }, derivedExitCode: { code: 0, signal: 0 },
    startTime: 1, endTime: 2, submitTime: 0, eligibleTime: 0, nodeList: ['n1'], allocCpus: 2, memPerNode: 100, memPerCpu: null,
    timeLimit: null, partition: 'debug', cancelledBy: null, steps: [step], evidence: job.evidence,
  };
  const withRun: Job = { ...job, runs: [run] };
  const back = decodeJob(JSON.parse(JSON.stringify(encodeJob(withRun))) as unknown[]);
  assert.deepEqual(back, { ...withRun, req: { ...withRun.req, env: {}, script: '' }, evidence: null, runs: [{ ...run, evidence: null }] });
  assert.equal(encodedJobText(withRun), encodedJobText(withRun), 'cached');
  assert.equal(JSON.parse(compactJobsBody(5, [encodedJobText(job)])).now, 5);
});
