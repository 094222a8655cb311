import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextStepId, signalText, srunExitCode, stepBanner, stepEnv, stepOomNotice, stepOutcome, taskErrorLines, taskRanges } from './step.ts';
import type { StepRecord } from './job.ts';

test('task error lines use Slurm 22.05 wording (goldens c6, c7, a4 and the peer)', () => {
  assert.deepEqual(taskErrorLines('n1', [{ task: 0, code: 2, signal: null }], false, '23.0'),
    ['srun: error: n1: task 0: Exited with exit code 2']);
  assert.deepEqual(taskErrorLines('n1', [{ task: 0, code: null, signal: 9 }], false, '25.0'),
    ['srun: error: n1: task 0: Killed', 'srun: Force Terminated StepId=25.0']);
  assert.deepEqual(taskErrorLines('n2', [{ task: 0, code: null, signal: 15 }], false, '375.0'),
    ['srun: error: n2: task 0: Terminated', 'srun: Force Terminated StepId=375.0']);
  // An OOM kill is reported as such, without "Force Terminated".
  assert.deepEqual(taskErrorLines('n1', [{ task: 0, code: null, signal: 9 }], true, '4.0'), ['srun: error: n1: task 0: Out Of Memory']);
  assert.deepEqual(taskErrorLines('n2', [{ task: 1, code: 3, signal: null }, { task: 0, code: 3, signal: null }], false, '1.0'),
    ['srun: error: n2: tasks 0-1: Exited with exit code 3']);
  assert.deepEqual(taskErrorLines('n1', [{ task: 0, code: 0, signal: null }], false, '1.0'), []);
});

test('srun exit status: highest exit code, 128+signal, 1 after an OOM', () => {
  assert.equal(srunExitCode([{ task: 0, code: 5, signal: null }], false), 5);
  assert.equal(srunExitCode([{ task: 0, code: null, signal: 9 }], false), 137);
  assert.equal(srunExitCode([{ task: 0, code: null, signal: 15 }], false), 143);
  assert.equal(srunExitCode([{ task: 0, code: null, signal: 9 }], true), 1);
  assert.equal(srunExitCode([{ task: 0, code: 0, signal: null }, { task: 1, code: 3, signal: null }], false), 3);
  assert.equal(srunExitCode([{ task: 0, code: 0, signal: null }], false), 0);
});

test('step accounting state and ExitCode N:S', () => {
  assert.deepEqual(stepOutcome([{ task: 0, code: 2, signal: null }], 0), { state: 'FAILED', exitCode: { code: 2, signal: 0 } });
  assert.deepEqual(stepOutcome([{ task: 0, code: null, signal: 9 }], 1), { state: 'OUT_OF_MEMORY', exitCode: { code: 0, signal: 125 } });
  assert.deepEqual(stepOutcome([{ task: 0, code: null, signal: 15 }], 0), { state: 'CANCELLED', exitCode: { code: 0, signal: 15 } });
  assert.deepEqual(stepOutcome([{ task: 0, code: 0, signal: null }], 0), { state: 'COMPLETED', exitCode: { code: 0, signal: 0 } });
});

test('task ranges, signal texts, step ids', () => {
  assert.equal(taskRanges([0]), '0');
  assert.equal(taskRanges([3, 0, 1, 2, 5, 7, 8]), '0-3,5,7-8');
  assert.equal(signalText(11), 'Segmentation fault');
  assert.equal(signalText(40), 'Real-time signal 6');
  const step = (id: StepRecord['id']): StepRecord => ({
    id, name: 'x', state: 'COMPLETED', exitCode: { code: 0, signal: 0 }, start: 0, end: 0, maxRssBytes: null, cpus: 1,
    nodeList: [], userCpu: 0, systemCpu: 0,
  });
  assert.equal(nextStepId({ steps: [] }), 0);
  assert.equal(nextStepId({ steps: [step('batch')] }), 0);
  assert.equal(nextStepId({ steps: [step('batch'), step(0), step(1)] }), 2);
});

test('step env as slurmstepd sets it (peer: srun -n2 on one node)', () => {
  const env = stepEnv({ jobId: 377, stepId: 0, ntasks: 2, nodes: ['n2'], cpusPerTask: null });
  assert.equal(env.SLURM_STEP_ID, '0');
  assert.equal(env.SLURM_STEPID, '0');
  assert.equal(env.SLURM_NTASKS, '2');
  assert.equal(env.SLURM_NPROCS, '2');
  assert.equal(env.SLURM_STEP_NUM_TASKS, '2');
  assert.equal(env.SLURM_STEP_NODELIST, 'n2');
  assert.equal(env.SLURM_STEP_TASKS_PER_NODE, '2');
  assert.equal(env.SLURM_CPUS_PER_TASK, undefined);
  assert.equal(stepEnv({ jobId: 1, stepId: 3, ntasks: 4, nodes: ['n1', 'n2'], cpusPerTask: 2 }).SLURM_STEP_TASKS_PER_NODE, '2(x2)');
});

test('step banner and oom notice from the job wording', () => {
  assert.equal(stepBanner('slurmstepd-n1: error: *** JOB 12 ON n1 CANCELLED AT 2026-11-21T05:20:21 DUE TO TIME LIMIT ***\n', 12, 0),
    'slurmstepd-n1: error: *** STEP 12.0 ON n1 CANCELLED AT 2026-11-21T05:20:21 DUE TO TIME LIMIT ***\n');
  assert.match(stepOomNotice('slurmstepd-n1: error: Detected 1 oom-kill event(s) in StepId=3.batch. Some...', 3, 0), /StepId=3\.0\. /);
});
