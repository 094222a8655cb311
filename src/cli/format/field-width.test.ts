import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sacctCell, sacctHeaderCell, squeueCell } from './field-width.ts';
import { at, makeJob } from './job-fixture.ts';
import { endTimeMs, jobTres, suspendedSecs, timeUsedSecs, tresSacct, tresScontrol } from './job-view.ts';

test('squeue cells: right pads and cuts unless told not to, left always cuts, 0 is free', () => {
  assert.equal(squeueCell('OUT_OF_MEMORY', 2, true, true), 'OU');
  assert.equal(squeueCell('n[1-20]', 3, true, false), 'n[1-20]');
  assert.equal(squeueCell('R', 2, true, true), ' R');
  assert.equal(squeueCell('abcdef', 3, false, false), 'abc');
  assert.equal(squeueCell('ab', 4, false, true), 'ab  ');
  assert.equal(squeueCell('whatever', 0, true, true), 'whatever');
  assert.equal(squeueCell(null, 0, false, true), '(null)');
  assert.equal(squeueCell(null, 8, true, true), '  (null)');
  assert.equal(squeueCell(null, 3, true, true), '(nu');
  assert.equal(squeueCell(null, 5, false, true), '     ');
  assert.equal(squeueCell(null, 7, false, true), '(null) ');
});

test('sacct cells: + marks a cut string, numbers and times never cut, dates cut silently', () => {
  assert.equal(sacctCell('CANCELLED by 0', 10, 'str'), 'CANCELLED+ ');
  assert.equal(sacctCell('1234567.batch', -12, 'str'), '1234567.bat+ ');
  assert.equal(sacctCell('0:0', 8, 'str'), '     0:0 ');
  assert.equal(sacctCell(null, 8, 'str'), '         ');
  assert.equal(sacctCell('12345678901', 10, 'num'), '12345678901 ');
  assert.equal(sacctCell(null, -6, 'num'), '       ');
  assert.equal(sacctCell('2026-11-21T05:15:24', 10, 'date'), '2026-11-21 ');
  assert.equal(sacctHeaderCell('DerivedExitCode', 8), 'DerivedE ');
  assert.equal(sacctHeaderCell('JobID', -12), 'JobID        ');
});

test('run time, suspended time and end time follow Slurm across suspend/resume', () => {
  const start = at('05:21:14');
  const job = makeJob({ state: 'RUNNING', startTime: start, req: { timeLimit: 600 }, nodeList: ['n1'] });
  assert.equal(timeUsedSecs(job, at('05:21:19') + 999), 5);
  assert.equal(endTimeMs(job), at('05:31:14'));
  const susp = { ...job, state: 'SUSPENDED' as const, suspendTime: at('05:21:19'), secsPreSuspend: 5 };
  assert.equal(timeUsedSecs(susp, at('05:21:30')), 5);
  assert.equal(suspendedSecs(susp, at('05:21:30')), 11);
  assert.equal(endTimeMs(susp), at('05:31:14'));
  const resumed = { ...susp, state: 'RUNNING' as const, suspendTime: at('05:21:35') };
  assert.equal(timeUsedSecs(resumed, at('05:21:40')), 10);
  assert.equal(suspendedSecs(resumed, at('05:21:40')), 16);
  assert.equal(endTimeMs(resumed), at('05:31:30'));
  const pending = makeJob({ state: 'PENDING' });
  assert.equal(timeUsedSecs(pending, at('06:00:00')), 0);
  assert.equal(endTimeMs(pending), null);
  assert.equal(endTimeMs({ ...job, req: { ...job.req, timeLimit: null } }), Number.POSITIVE_INFINITY);
});

test('TRES strings in scontrol and sacct order; --mem=0 takes the allocated node memory', () => {
  const job = makeJob({ state: 'RUNNING', nodeList: ['n1', 'n2'], allocCpus: 4, allocMem: 3000, req: { memPerNode: 0, memPerCpu: null } });
  assert.equal(tresScontrol(jobTres(job)), 'cpu=4,mem=6000M,node=2,billing=4');
  assert.equal(tresSacct(jobTres(job), true), 'billing=4,cpu=4,mem=6000M,node=2');
  assert.equal(tresSacct({ cpu: 1, memMiB: 256, node: 1 }, false), 'cpu=1,mem=256M,node=1');
});
