import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StepStat } from '../api/stat-wire.ts';
import { mergeSteps, parseStepSpec, renderSstat, selectRows } from './sstat.ts';
import { SSTAT_DEFAULT_FIELDS, resolveSstatFields, sstatHelpFields } from './format/sstat-fields.ts';

const PEER_HEADER = 'JobID         MaxVMSize  MaxVMSizeNode  MaxVMSizeTask  AveVMSize     MaxRSS MaxRSSNode MaxRSSTask     AveRSS MaxPages MaxPagesNode   MaxPagesTask   AvePages     MinCPU MinCPUNode MinCPUTask     AveCPU   NTasks AveCPUFreq ReqCPUFreqMin ReqCPUFreqMax ReqCPUFreqGov ConsumedEnergy  MaxDiskRead MaxDiskReadNode MaxDiskReadTask  AveDiskRead MaxDiskWrite MaxDiskWriteNode MaxDiskWriteTask AveDiskWrite TRESUsageInAve TRESUsageInMax TRESUsageInMaxNode TRESUsageInMaxTask TRESUsageInMin TRESUsageInMinNode TRESUsageInMinTask TRESUsageInTot TRESUsageOutAve TRESUsageOutMax TRESUsageOutMaxNode TRESUsageOutMaxTask TRESUsageOutMin TRESUsageOutMinNode TRESUsageOutMinTask TRESUsageOutTot ';
const PEER_DASHES = '------------ ---------- -------------- -------------- ---------- ---------- ---------- ---------- ---------- -------- ------------ -------------- ---------- ---------- ---------- ---------- ---------- -------- ---------- ------------- ------------- ------------- -------------- ------------ --------------- --------------- ------------ ------------ ---------------- ---------------- ------------ -------------- -------------- ------------------ ------------------ -------------- ------------------ ------------------ -------------- --------------- --------------- ------------------- ------------------- --------------- ------------------- ------------------- --------------- ';

const stat = (o: Partial<StepStat> = {}): StepStat => ({
  step: 'batch', node: 'n1', ntasks: 1, maxRssBytes: 37880 * 1024, vmBytes: 41308 * 1024, pages: 1, cpuSeconds: 0.2, pids: [10], ...o,
});

test('step specs as sstat reads them', () => {
  assert.deepEqual(parseStepSpec('5'), { jobId: 5, step: null });
  assert.deepEqual(parseStepSpec('5.batch'), { jobId: 5, step: 'batch' });
  assert.deepEqual(parseStepSpec('5.3'), { jobId: 5, step: 3 });
  assert.equal(parseStepSpec('abc'), null);
  assert.equal(parseStepSpec('5.x'), null);
});

test('golden a_oom a5: sstat -j J.batch -P --format=JobID,MaxRSS,AveRSS', () => {
  const f = resolveSstatFields(['JobID,MaxRSS,AveRSS']);
  assert.ok(f.ok);
  const sel = selectRows(5, 'batch', false, { ok: true, steps: [stat(), stat({ step: 0, maxRssBytes: 112 * 1024 })] });
  assert.equal(renderSstat(sel.rows, f.fields, 'no-ending', true), 'JobID|MaxRSS|AveRSS\n5.batch|37880K|37880K\n');
});

test('-j J shows the srun steps, -a the batch step too; errors as Slurm words them', () => {
  const r = { ok: true as const, steps: [stat(), stat({ step: 0 })] };
  assert.deepEqual(selectRows(5, null, false, r).rows.map((x) => x.stat.step), [0]);
  assert.deepEqual(selectRows(5, null, true, r).rows.map((x) => x.stat.step), ['batch', 0]);
  assert.equal(selectRows(5, 7, false, r).error, 'sstat: error: StepId=5.7 not found running.');
  assert.equal(selectRows(5, 'extern', false, r).error, 'sstat: error: StepId=5.extern not found running.');
  assert.equal(selectRows(5, null, false, { ok: false, error: 'not_running' }).error, 'sstat: error: No steps running for job 5');
  assert.equal(selectRows(9, null, false, { ok: false, error: 'no_job' }).error, "sstat: error: couldn't get steps for job 9");
});

test('a step on two nodes is one row: tasks and CPU summed, the node with the most memory', () => {
  const m = mergeSteps([stat({ step: 0, node: 'n1', maxRssBytes: 100 }), stat({ step: 0, node: 'n2', maxRssBytes: 300, cpuSeconds: 1 })]);
  assert.equal(m.length, 1);
  assert.deepEqual([m[0]?.node, m[0]?.ntasks, m[0]?.maxRssBytes, m[0]?.cpuSeconds], ['n2', 2, 300, 1.2]);
});

test('the default columns: sstat 22.05 widths, TRES cells cut with +; fields by prefix; -e list', () => {
  const out = renderSstat([{ jobId: 5, stat: stat() }], SSTAT_DEFAULT_FIELDS, 'none', true).split('\n');
  // The peer's header, whole.
  assert.equal(out[0], PEER_HEADER);
  assert.equal(out[1], PEER_DASHES);
  assert.equal(out[2]?.slice(0, 65), '5.batch          41308K             n1              0     41308K ');
  assert.ok(out[2]?.includes(' cpu=00:00:00,+ '));
  const f = resolveSstatFields(['jobid%20,maxr']);
  assert.ok(f.ok);
  assert.deepEqual(f.fields.map((x) => [x.name, x.width]), [['JobID', 20], ['MaxRSS', 10]]);
  assert.deepEqual(resolveSstatFields(['foo']), { ok: false, bad: 'foo' });
  assert.match(sstatHelpFields(), /^AveCPU {14}AveCPUFreq {10}AveDiskRead {9}AveDiskWrite {7}\n/);
});
