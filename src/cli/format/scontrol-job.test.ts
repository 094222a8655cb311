import { test } from 'node:test';
import assert from 'node:assert/strict';
import { at, dependencyOf, makeJob } from './job-fixture.ts';
import { formatJob, formatJobs, scontrolJobLines, scontrolPath } from './scontrol-job.ts';

// The peer VM that recorded the goldens ran in UTC.
process.env.TZ = 'UTC';

const A_OOM = '/var/tmp/slurmpeer/work/a_oom';

function oomJob(): ReturnType<typeof makeJob> {
  return makeJob({
    id: 1,
    req: {
      name: 'oom',
      scriptPath: `${A_OOM}/oom.sh`,
      workDir: A_OOM,
      timeLimit: 300,
      memPerNode: 50,
      memPerCpu: null,
    },
    state: 'RUNNING',
    priority: 4294901759,
    startTime: at('05:15:24'),
    endTime: at('05:20:24'),
    lastSchedEval: at('05:15:24'),
    nodeList: ['n1'],
    allocCpus: 1,
    allocMem: 50,
    attempt: 1,
  });
}

const RUNNING_BLOCK = `JobId=1 JobName=oom
   UserId=root(0) GroupId=root(0) MCS_label=N/A
   Priority=4294901759 Nice=0 Account=root QOS=normal
   JobState=RUNNING Reason=None Dependency=(null)
   Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=0:0
   RunTime=00:00:01 TimeLimit=00:05:00 TimeMin=N/A
   SubmitTime=2026-11-21T05:15:21 EligibleTime=2026-11-21T05:15:21
   AccrueTime=2026-11-21T05:15:21
   StartTime=2026-11-21T05:15:24 EndTime=2026-11-21T05:20:24 Deadline=N/A
   SuspendTime=None SecsPreSuspend=0 LastSchedEval=2026-11-21T05:15:24 Scheduler=Main
   Partition=debug AllocNode:Sid=localhost:19051
   ReqNodeList=(null) ExcNodeList=(null)
   NodeList=n1
   BatchHost=n1
   NumNodes=1 NumCPUs=1 NumTasks=1 CPUs/Task=1 ReqB:S:C:T=0:0:*:*
   TRES=cpu=1,mem=50M,node=1,billing=1
   Socks/Node=* NtasksPerN:B:S:C=0:0:*:* CoreSpec=*
   MinCPUsNode=1 MinMemoryNode=50M MinTmpDiskNode=0
   Features=(null) DelayBoot=00:00:00
   OverSubscribe=OK Contiguous=0 Licenses=(null) Network=(null)
   Command=/var/tmp/slurmpeer/work/a_oom/oom.sh
   WorkDir=/var/tmp/slurmpeer/work/a_oom
   StdErr=/var/tmp/slurmpeer/work/a_oom/slurm-1.out
   StdIn=/dev/null
   StdOut=/var/tmp/slurmpeer/work/a_oom/slurm-1.out
   Power=
   

`;

test('golden a_oom: running job block, byte for byte', () => {
  assert.equal(formatJob(oomJob(), at('05:15:25')), RUNNING_BLOCK);
});

test('golden a_oom: the same job after the OOM kill', () => {
  const job = {
    ...oomJob(),
    state: 'OUT_OF_MEMORY' as const,
    reason: 'OutOfMemory' as const,
    exitCode: { code: 0, signal: 125 },
    endTime: at('05:15:32'),
  };
  const expected = RUNNING_BLOCK
    .replace('JobState=RUNNING Reason=None', 'JobState=OUT_OF_MEMORY Reason=OutOfMemory')
    .replace('ExitCode=0:0', 'ExitCode=0:125')
    .replace('RunTime=00:00:01', 'RunTime=00:00:08')
    .replace('EndTime=2026-11-21T05:20:24', 'EndTime=2026-11-21T05:15:32');
  // Asked much later: a finished job's run time is frozen at end - start.
  assert.equal(formatJob(job, at('05:19:00')), expected);
});

test('golden b_timeout: per-CPU memory, TRES from DefMemPerCPU', () => {
  const job = makeJob({
    id: 7,
    req: { name: 'tplain', workDir: '/var/tmp/slurmpeer/work/b_timeout', timeLimit: 60 },
    state: 'RUNNING',
    startTime: at('05:16:34'),
    nodeList: ['n1'],
    allocCpus: 1,
    allocMem: 256,
  });
  const lines = scontrolJobLines(job, at('05:16:36'));
  assert.ok(lines.includes('TRES=cpu=1,mem=256M,node=1,billing=1'));
  assert.ok(lines.includes('MinCPUsNode=1 MinMemoryCPU=256M MinTmpDiskNode=0'));
  assert.ok(lines.includes('RunTime=00:00:02 TimeLimit=00:01:00 TimeMin=N/A'));
  assert.ok(lines.includes('StartTime=2026-11-21T05:16:34 EndTime=2026-11-21T05:17:34 Deadline=N/A'));
  assert.ok(lines.includes('Command=(null)'));
});

test('golden b_timeout: TIMEOUT run time is end - start', () => {
  const job = makeJob({
    id: 7,
    req: { timeLimit: 60 },
    state: 'TIMEOUT',
    reason: 'TimeLimit',
    exitCode: { code: 0, signal: 15 },
    startTime: at('05:16:34'),
    endTime: at('05:17:51'),
    nodeList: ['n1'],
    allocCpus: 1,
  });
  const lines = scontrolJobLines(job, at('05:17:57'));
  assert.ok(lines.includes('JobState=TIMEOUT Reason=TimeLimit Dependency=(null)'));
  assert.ok(lines.includes('Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=0:15'));
  assert.ok(lines.includes('RunTime=00:01:17 TimeLimit=00:01:00 TimeMin=N/A'));
  assert.ok(lines.includes('StartTime=2026-11-21T05:16:34 EndTime=2026-11-21T05:17:51 Deadline=N/A'));
});

test('golden c_exitcodes: a cancelled running job (flag COMPLETING shows first)', () => {
  const job = makeJob({
    id: 18,
    req: { name: 'torun', workDir: '/var/tmp/slurmpeer/work/c_exitcodes' },
    state: 'CANCELLED',
    flags: ['COMPLETING'],
    exitCode: { code: 0, signal: 15 },
    startTime: at('05:20:37'),
    endTime: at('05:20:39'),
    nodeList: ['n1'],
    allocCpus: 1,
  });
  const lines = scontrolJobLines(job, at('05:20:40'));
  assert.equal(lines[3], 'JobState=COMPLETING Reason=None Dependency=(null)');
  const done = { ...job, flags: [] };
  const text = formatJob(done, at('05:20:40'));
  assert.match(text, /\n {3}JobState=CANCELLED Reason=None Dependency=\(null\)\n/);
  assert.match(text, /\n {3}RunTime=00:00:02 TimeLimit=UNLIMITED TimeMin=N\/A\n/);
  assert.match(text, /\n {3}StdErr=\/var\/tmp\/slurmpeer\/work\/c_exitcodes\/slurm-18\.out\n/);
});

test('golden c_exitcodes: a pending job cancelled: no nodes, no BatchHost, start = end', () => {
  const job = makeJob({
    id: 21,
    state: 'CANCELLED',
    reason: 'JobHeldUser',
    held: 'user',
    priority: 0,
    startTime: at('05:20:58'),
    endTime: at('05:20:58'),
    cancelledBy: 0,
  });
  const lines = scontrolJobLines(job, at('05:20:59'));
  assert.ok(lines.includes('JobState=CANCELLED Reason=JobHeldUser Dependency=(null)'));
  assert.ok(lines.includes('RunTime=00:00:00 TimeLimit=UNLIMITED TimeMin=N/A'));
  assert.ok(lines.includes('StartTime=2026-11-21T05:20:58 EndTime=2026-11-21T05:20:58 Deadline=N/A'));
  assert.ok(lines.includes('NodeList=(null)'));
  assert.ok(!lines.some((l) => l.startsWith('BatchHost=')));
});

test('golden g_sbatch: held pending job shows Priority=0 and Unknown times', () => {
  const job = makeJob({
    id: 77,
    state: 'PENDING',
    reason: 'JobHeldUser',
    held: 'user',
    priority: 4294901700,
    eligibleTime: null,
    req: { timeLimit: 90 * 60 },
  });
  const lines = scontrolJobLines(job, at('05:24:21'));
  assert.equal(lines[2], 'Priority=0 Nice=0 Account=root QOS=normal');
  assert.ok(lines.includes('JobState=PENDING Reason=JobHeldUser Dependency=(null)'));
  assert.ok(lines.includes('StartTime=Unknown EndTime=Unknown Deadline=N/A'));
  assert.ok(lines.includes('SubmitTime=2026-11-21T05:15:21 EligibleTime=Unknown'));
  assert.ok(lines.includes('RunTime=00:00:00 TimeLimit=01:30:00 TimeMin=N/A'));
  assert.ok(lines.includes('NumNodes=1 NumCPUs=1 NumTasks=1 CPUs/Task=1 ReqB:S:C:T=0:0:*:*'));
  assert.ok(lines.includes('SuspendTime=None SecsPreSuspend=0 LastSchedEval=Unknown Scheduler=Main'));
  assert.ok(lines.includes('NodeList=(null)'));
  assert.ok(!lines.some((l) => l.startsWith('BatchHost=')));
});

test('golden d_suspend: suspended then resumed times', () => {
  const base = makeJob({
    id: 26,
    req: { name: 'ticker', timeLimit: 600 },
    startTime: at('05:21:14'),
    lastSchedEval: at('05:21:14'),
    nodeList: ['n1'],
    allocCpus: 1,
  });
  const susp = { ...base, state: 'SUSPENDED' as const, suspendTime: at('05:21:19'), secsPreSuspend: 5 };
  let lines = scontrolJobLines(susp, at('05:21:36'));
  assert.ok(lines.includes('RunTime=00:00:05 TimeLimit=00:10:00 TimeMin=N/A'));
  assert.ok(lines.includes('StartTime=2026-11-21T05:21:14 EndTime=2026-11-21T05:31:14 Deadline=N/A'));
  assert.ok(lines.includes(
    'SuspendTime=2026-11-21T05:21:19 SecsPreSuspend=5 LastSchedEval=2026-11-21T05:21:14 Scheduler=Main',
  ));
  const resumed = { ...base, state: 'RUNNING' as const, suspendTime: at('05:21:35'), secsPreSuspend: 5 };
  lines = scontrolJobLines(resumed, at('05:21:36'));
  assert.ok(lines.includes('RunTime=00:00:06 TimeLimit=00:10:00 TimeMin=N/A'));
  assert.ok(lines.includes('StartTime=2026-11-21T05:21:14 EndTime=2026-11-21T05:31:30 Deadline=N/A'));
  const done = { ...resumed, state: 'COMPLETED' as const, endTime: at('05:22:09') };
  lines = scontrolJobLines(done, at('05:22:40'));
  assert.ok(lines.includes('RunTime=00:00:39 TimeLimit=00:10:00 TimeMin=N/A'));
  assert.ok(lines.includes('StartTime=2026-11-21T05:21:14 EndTime=2026-11-21T05:22:09 Deadline=N/A'));
});

test('running without a time limit: EndTime=Unknown', () => {
  const job = makeJob({ state: 'RUNNING', startTime: at('05:20:37'), nodeList: ['n1'], allocCpus: 1 });
  assert.ok(scontrolJobLines(job, at('05:20:39')).includes(
    'StartTime=2026-11-21T05:20:37 EndTime=Unknown Deadline=N/A',
  ));
});

test('-o prints one line ending in "Power= ", -d adds DerivedExitCode', () => {
  const one = formatJob(oomJob(), at('05:15:25'), { oneLiner: true });
  assert.equal(one, `${RUNNING_BLOCK.replace(/\n {3}\n\n$/, '').split('\n   ').join(' ')} \n`);
  assert.ok(!one.slice(0, -1).includes('\n'));
  const detailed = scontrolJobLines({ ...oomJob(), derivedExitCode: { code: 2, signal: 0 } }, at('05:15:25'), { details: true });
  assert.equal(detailed[5], 'DerivedExitCode=2:0');
  assert.equal(detailed[6], 'RunTime=00:00:01 TimeLimit=00:05:00 TimeMin=N/A');
});

test('reason description wins, whitespace becomes _; dependency when known; comment line', () => {
  const job = makeJob({
    state: 'PENDING',
    reason: 'JobHeldUser',
    stateDesc: 'job requeued in held state',
    dependency: dependencyOf('afterok:34', 'failed'),
    req: { comment: 'my note' },
  });
  const lines = scontrolJobLines(job, at('05:30:00'));
  assert.ok(lines.includes('JobState=PENDING Reason=job_requeued_in_held_state Dependency=afterok:34(failed)'));
  const i = lines.indexOf('WorkDir=/var/tmp/slurmpeer/work/h_defaults');
  assert.equal(lines[i + 1], 'Comment=my note ');
  assert.ok(lines[i + 2]?.startsWith('StdErr='));
});

test('stdio paths: 22.05 expands %A %a %j %u %x only, relative to WorkDir; stderr falls back', () => {
  const job = makeJob({ id: 70, req: { name: 'named', stdout: 'out_%j_%x.txt', workDir: '/w' } });
  assert.equal(scontrolPath(job.req.stdout, job), '/w/out_70_named.txt');
  assert.equal(scontrolPath('/abs/%u-%A-%a-%N-%%.log', job), '/abs/root-70-4294967294-%N-%%.log');
  const lines = scontrolJobLines(job, at('05:30:00'));
  assert.ok(lines.includes('StdErr=/w/out_70_named.txt'));
  assert.ok(lines.includes('StdOut=/w/out_70_named.txt'));
  const withErr = makeJob({ req: { stderr: 'err-%j', workDir: '/w' } });
  assert.ok(scontrolJobLines(withErr, 0).includes('StdErr=/w/err-1'));
});

test('--mem=0 pending shows MinMemoryNode=0; several jobs concatenate', () => {
  const job = makeJob({ id: 82, req: { memPerNode: 0, memPerCpu: null } });
  assert.ok(scontrolJobLines(job, 0).includes('MinCPUsNode=1 MinMemoryNode=0 MinTmpDiskNode=0'));
  const two = formatJobs([job, oomJob()], at('05:15:25'));
  assert.ok(two.endsWith(RUNNING_BLOCK));
  assert.ok(two.startsWith('JobId=82 JobName=wrap\n'));
});

test('-c 2 -N 2 pending: NumCPUs and TRES from the request', () => {
  const job = makeJob({ id: 102, req: { nodes: 2, ntasks: 2, cpusPerTask: 2 } });
  const lines = scontrolJobLines(job, 0);
  assert.ok(lines.includes('NumNodes=2 NumCPUs=4 NumTasks=2 CPUs/Task=2 ReqB:S:C:T=0:0:*:*'));
  assert.ok(lines.includes('TRES=cpu=4,mem=1G,node=2,billing=4'));
  assert.ok(lines.includes('MinCPUsNode=2 MinMemoryCPU=256M MinTmpDiskNode=0'));
});

test('KillOInInvalidDependent (Slurm 22.05 spelling) once the job has a dependency and the flag was given', () => {
  const kill = makeJob({ dependency: dependencyOf('afterok:277'), req: { killOnInvalidDep: true } });
  assert.equal(scontrolJobLines(kill, at('05:30:00')).at(-1), 'KillOInInvalidDependent=Yes');
  const no = makeJob({ dependency: { ...dependencyOf('afterok:277'), items: [] }, req: { killOnInvalidDep: false } });
  assert.ok(scontrolJobLines(no, at('05:30:00')).includes('JobState=PENDING Reason=None Dependency=(null)'));
  assert.equal(scontrolJobLines(no, at('05:30:00')).at(-1), 'KillOInInvalidDependent=No');
  assert.equal(scontrolJobLines(makeJob({ req: { killOnInvalidDep: true } }), at('05:30:00')).at(-1), 'Power=');
});
