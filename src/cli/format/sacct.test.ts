import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job, StepRecord } from '../../core/job.ts';
import { at, batchStep, makeJob } from './job-fixture.ts';
import { resolveSacctFields, sacctHelpFields } from './sacct-fields.ts';
import type { SacctFieldSpec } from './sacct-fields.ts';
import { renderSacct } from './sacct-format.ts';
import type { SacctRenderOptions } from './sacct-format.ts';
import { buildSacctRows } from './sacct-rows.ts';
import type { SacctRowOptions } from './sacct-rows.ts';
import { cpuTimeText } from './sacct-values.ts';

process.env.TZ = 'UTC';

const FMT = 'JobID,JobName,State,ExitCode,DerivedExitCode,MaxRSS,ReqMem,Elapsed';

function sacct(
  jobs: readonly Job[],
  now: number,
  o: Partial<SacctFieldSpec> & Partial<Omit<SacctRenderOptions, 'fields'>> & SacctRowOptions = {},
): string {
  const spec = resolveSacctFields({ format: o.format ?? [], brief: o.brief ?? false, long: o.long ?? false, env: o.env });
  assert.ok(spec.ok);
  const rows = buildSacctRows(jobs, o, now);
  return renderSacct(rows, {
    fields: spec.fields,
    parsable: o.parsable ?? 'none',
    delimiter: o.delimiter ?? null,
    header: o.header ?? true,
    cluster: 'peer',
    units: o.units ?? null,
  });
}

const P2 = { parsable: 'no-ending' as const, format: [FMT] };

function ended(o: Parameters<typeof makeJob>[0] & { step?: Partial<StepRecord> | null }): Job {
  const { step, ...rest } = o;
  const job = makeJob({ nodeList: ['n1'], allocCpus: 1, allocMem: 256, ...rest });
  if (step === null || job.startTime === null) return job;
  const s = batchStep({ start: job.startTime, end: job.endTime, state: job.state === 'RUNNING' ? 'RUNNING' : 'COMPLETED', ...step });
  return { ...job, steps: [s] };
}

function oom(): Job {
  return ended({
    id: 1,
    req: { name: 'oom', memPerNode: 50, memPerCpu: null, timeLimit: 300 },
    state: 'OUT_OF_MEMORY',
    reason: 'OutOfMemory',
    exitCode: { code: 0, signal: 125 },
    startTime: at('05:15:24'),
    endTime: at('05:15:32'),
    allocMem: 50,
    step: { state: 'OUT_OF_MEMORY', exitCode: { code: 0, signal: 125 } },
  });
}

test('golden a_oom: -P with the scenario format, and the default fixed-width view', () => {
  assert.equal(sacct([oom()], at('05:15:33'), P2), `\
JobID|JobName|State|ExitCode|DerivedExitCode|MaxRSS|ReqMem|Elapsed
1|oom|OUT_OF_MEMORY|0:125|0:0||50M|00:00:08
1.batch|batch|OUT_OF_MEMORY|0:125||0||00:00:08
`);
  assert.equal(sacct([oom()], at('05:15:33')), `\
JobID           JobName  Partition    Account  AllocCPUS      State ExitCode 
------------ ---------- ---------- ---------- ---------- ---------- -------- 
1                   oom      debug       root          1 OUT_OF_ME+    0:125 
1.batch           batch                  root          1 OUT_OF_ME+    0:125 
`);
});

test('golden a_oom: OOM in an srun step only shows in DerivedExitCode; step rows by id', () => {
  const start = at('05:15:39');
  const job = ended({
    id: 3,
    req: { name: 'oomsrun', memPerNode: 50, memPerCpu: null },
    state: 'COMPLETED',
    derivedExitCode: { code: 0, signal: 125 },
    startTime: start,
    endTime: start,
  });
  const srun: StepRecord = {
    ...batchStep({ start, end: start }), id: 0, name: 'python3', state: 'OUT_OF_MEMORY', exitCode: { code: 0, signal: 125 },
  };
  assert.equal(sacct([{ ...job, steps: [srun, ...job.steps] }], start + 5000, P2), `\
JobID|JobName|State|ExitCode|DerivedExitCode|MaxRSS|ReqMem|Elapsed
3|oomsrun|COMPLETED|0:0|0:125||50M|00:00:00
3.batch|batch|COMPLETED|0:0||0||00:00:00
3.0|python3|OUT_OF_MEMORY|0:125||0||00:00:00
`);
});

function timeoutJobs(): Job[] {
  const t = (id: number, name: string, exit: number, batch: Partial<StepRecord>): Job => ended({
    id,
    req: { name, timeLimit: 60 },
    state: 'TIMEOUT',
    reason: 'TimeLimit',
    exitCode: { code: 0, signal: exit },
    startTime: at('05:16:34'),
    endTime: at('05:17:51'),
    step: batch,
  });
  return [
    t(7, 'tplain', 15, { state: 'CANCELLED', exitCode: { code: 0, signal: 15 }, end: at('05:17:52'), maxRssBytes: 404 * 1024 }),
    t(8, 'tterm', 0, { state: 'COMPLETED', end: at('05:17:52'), maxRssBytes: 400 * 1024 }),
    t(9, 'tusr1', 9, { state: 'CANCELLED', exitCode: { code: 0, signal: 9 }, end: at('05:17:56'), maxRssBytes: 436 * 1024 }),
    ended({
      id: 10,
      req: { name: 'tusr1x', timeLimit: 60 },
      state: 'COMPLETED',
      startTime: at('05:16:34'),
      endTime: at('05:16:52'),
      step: { maxRssBytes: 108 * 1024 },
    }),
  ];
}

test('golden b_timeout: TIMEOUT job rows are 0:0, the batch step carries the signal', () => {
  const format = [`${FMT},Timelimit,Start,End`];
  assert.equal(sacct(timeoutJobs(), at('05:18:00'), { parsable: 'no-ending', format }), `\
JobID|JobName|State|ExitCode|DerivedExitCode|MaxRSS|ReqMem|Elapsed|Timelimit|Start|End
7|tplain|TIMEOUT|0:0|0:0||256M|00:01:17|00:01:00|2026-11-21T05:16:34|2026-11-21T05:17:51
7.batch|batch|CANCELLED|0:15||404K||00:01:18||2026-11-21T05:16:34|2026-11-21T05:17:52
8|tterm|TIMEOUT|0:0|0:0||256M|00:01:17|00:01:00|2026-11-21T05:16:34|2026-11-21T05:17:51
8.batch|batch|COMPLETED|0:0||400K||00:01:18||2026-11-21T05:16:34|2026-11-21T05:17:52
9|tusr1|TIMEOUT|0:0|0:0||256M|00:01:17|00:01:00|2026-11-21T05:16:34|2026-11-21T05:17:51
9.batch|batch|CANCELLED|0:9||436K||00:01:22||2026-11-21T05:16:34|2026-11-21T05:17:56
10|tusr1x|COMPLETED|0:0|0:0||256M|00:00:18|00:01:00|2026-11-21T05:16:34|2026-11-21T05:16:52
10.batch|batch|COMPLETED|0:0||108K||00:00:18||2026-11-21T05:16:34|2026-11-21T05:16:52
`);
  assert.equal(sacct(timeoutJobs(), at('05:18:00')), `\
JobID           JobName  Partition    Account  AllocCPUS      State ExitCode 
------------ ---------- ---------- ---------- ---------- ---------- -------- 
7                tplain      debug       root          1    TIMEOUT      0:0 
7.batch           batch                  root          1  CANCELLED     0:15 
8                 tterm      debug       root          1    TIMEOUT      0:0 
8.batch           batch                  root          1  COMPLETED      0:0 
9                 tusr1      debug       root          1    TIMEOUT      0:0 
9.batch           batch                  root          1  CANCELLED      0:9 
10               tusr1x      debug       root          1  COMPLETED      0:0 
10.batch          batch                  root          1  COMPLETED      0:0 
`);
});

test('golden c_exitcodes: exit codes, signals, the >=128 fold, cancelled by uid', () => {
  const s = at('05:20:30');
  const failed = (id: number, name: string, code: number, signal: number, stepState: StepRecord['state'], end = s): Job => ended({
    id, req: { name }, state: 'FAILED', exitCode: { code, signal }, startTime: s, endTime: end,
    step: { state: stepState, exitCode: { code, signal } },
  });
  const cancelled = ended({
    id: 18, req: { name: 'torun' }, state: 'CANCELLED', cancelledBy: 0, exitCode: { code: 0, signal: 15 },
    startTime: at('05:20:37'), endTime: at('05:20:39'),
    step: { state: 'CANCELLED', exitCode: { code: 0, signal: 15 }, end: at('05:20:40'), maxRssBytes: 224 * 1024 },
  });
  const pend = makeJob({
    id: 21, req: { name: 'topend' }, state: 'CANCELLED', reason: 'JobHeldUser', cancelledBy: 0,
    startTime: at('05:20:58'), endTime: at('05:20:58'),
  });
  const jobs = [
    failed(13, 'exit1', 1, 0, 'FAILED'),
    failed(14, 'exit3', 3, 0, 'FAILED'),
    failed(15, 'kill9', 0, 9, 'CANCELLED'),
    failed(16, 'kill15', 0, 15, 'CANCELLED'),
    failed(17, 'childkill9', 137, 0, 'FAILED', s + 1000),
    cancelled,
    pend,
  ];
  assert.equal(sacct(jobs, at('05:21:00'), P2), `\
JobID|JobName|State|ExitCode|DerivedExitCode|MaxRSS|ReqMem|Elapsed
13|exit1|FAILED|1:0|0:0||256M|00:00:00
13.batch|batch|FAILED|1:0||0||00:00:00
14|exit3|FAILED|3:0|0:0||256M|00:00:00
14.batch|batch|FAILED|3:0||0||00:00:00
15|kill9|FAILED|0:9|0:0||256M|00:00:00
15.batch|batch|CANCELLED|0:9||0||00:00:00
16|kill15|FAILED|0:15|0:0||256M|00:00:00
16.batch|batch|CANCELLED|0:15||0||00:00:00
17|childkill9|FAILED|9:0|0:0||256M|00:00:01
17.batch|batch|FAILED|9:0||0||00:00:01
18|torun|CANCELLED by 0|0:0|0:0||256M|00:00:02
18.batch|batch|CANCELLED|0:15||224K||00:00:03
21|topend|CANCELLED by 0|0:0|0:0||256M|00:00:00
`);
  assert.equal(sacct([cancelled], at('05:21:00')).split('\n')[2], '18                torun      debug       root          1 CANCELLED+      0:0 ');
});

test('golden d_suspend: Suspended and Elapsed while suspended, after resume, when done', () => {
  const start = at('05:21:14');
  const job = ended({
    id: 26, req: { name: 'ticker', timeLimit: 600 }, state: 'SUSPENDED', startTime: start, endTime: null,
    suspendTime: at('05:21:19'), secsPreSuspend: 5, step: { state: 'RUNNING', end: null, maxRssBytes: null },
  });
  const fmt = { parsable: 'no-ending' as const, format: ['JobID,State,Elapsed,Suspended,ExitCode'] };
  assert.equal(sacct([job], at('05:21:20'), fmt), `\
JobID|State|Elapsed|Suspended|ExitCode
26|SUSPENDED|00:00:05|00:00:01|0:0
26.batch|SUSPENDED|00:00:05|00:00:01|0:0
`);
  const resumed = { ...job, state: 'RUNNING' as const, suspendTime: at('05:21:35') };
  assert.equal(sacct([resumed], at('05:21:36'), fmt), `\
JobID|State|Elapsed|Suspended|ExitCode
26|RUNNING|00:00:06|00:00:16|0:0
26.batch|RUNNING|00:00:06|00:00:16|0:0
`);
  const done = {
    ...resumed, state: 'COMPLETED' as const, endTime: at('05:22:09'),
    steps: resumed.steps.map((s) => ({ ...s, state: 'COMPLETED' as const, end: at('05:22:09') })),
  };
  assert.equal(sacct([done], at('05:22:10'), { parsable: 'no-ending', format: ['JobID,JobName,State,ExitCode,Elapsed,Suspended,Start,End'] }), `\
JobID|JobName|State|ExitCode|Elapsed|Suspended|Start|End
26|ticker|COMPLETED|0:0|00:00:39|00:00:16|2026-11-21T05:21:14|2026-11-21T05:22:09
26.batch|batch|COMPLETED|0:0|00:00:39|00:00:16|2026-11-21T05:21:14|2026-11-21T05:22:09
`);
});

test('a live run shows its batch step before the node reported it; a COMPLETING run does not', () => {
  const job = ended({
    id: 27, req: { name: 'suscancel' }, state: 'SUSPENDED', startTime: at('05:22:13'), endTime: null,
    suspendTime: at('05:22:16'), secsPreSuspend: 3, step: null,
  });
  const fmt = { parsable: 'no-ending' as const, format: ['JobID,State,Elapsed,Suspended,ExitCode'] };
  assert.equal(sacct([job], at('05:22:18'), fmt), `\
JobID|State|Elapsed|Suspended|ExitCode
27|SUSPENDED|00:00:03|00:00:02|0:0
27.batch|SUSPENDED|00:00:03|00:00:02|0:0
`);
  const ending = { ...job, state: 'CANCELLED' as const, flags: ['COMPLETING' as const], endTime: at('05:22:16'), cancelledBy: 0 };
  assert.equal(sacct([ending], at('05:22:18'), fmt), `\
JobID|State|Elapsed|Suspended|ExitCode
27|CANCELLED by 0|00:00:03|00:00:00|0:0
`);
});

test('golden e_deps: pending Start=Unknown, never started Start=None, plain CANCELLED without requester', () => {
  const pending = makeJob({ id: 35, req: { name: 'G_afterok' }, state: 'PENDING', reason: 'DependencyNeverSatisfied' });
  const killed = makeJob({
    id: 36, req: { name: 'H_killdep' }, state: 'CANCELLED', reason: 'DependencyNeverSatisfied',
    startTime: at('05:22:44'), endTime: at('05:22:44'),
  });
  const cancelledPending = { ...pending, id: 31 as Job['id'], state: 'CANCELLED' as const, cancelledBy: 0, startTime: at('05:23:12'), endTime: at('05:23:12') };
  const fmt = { parsable: 'no-ending' as const, format: ['JobID,JobName,State,ExitCode,Start,Elapsed'] };
  assert.equal(sacct([pending, killed, cancelledPending], at('05:23:20'), fmt), `\
JobID|JobName|State|ExitCode|Start|Elapsed
35|G_afterok|PENDING|0:0|Unknown|00:00:00
36|H_killdep|CANCELLED|0:0|None|00:00:00
31|G_afterok|CANCELLED by 0|0:0|None|00:00:00
`);
  assert.equal(sacct([killed], at('05:23:20')).split('\n')[2], '36            H_killdep      debug       root          1  CANCELLED      0:0 ');
});

test('golden h_defaults: JobName%30, AllocCPUS and ReqMem of never-run jobs, None assigned, -X', () => {
  const never = (id: number, o: Parameters<typeof makeJob>[0]): Job =>
    makeJob({ id, state: 'CANCELLED', cancelledBy: 0, startTime: at('05:24:40'), endTime: at('05:24:40'), ...o });
  const ran = (id: number, name: string, cpus: number, node: string, state: Job['state']): Job => ended({
    id, req: { name, cpusPerTask: cpus }, state, cancelledBy: state === 'CANCELLED' ? 0 : null, allocCpus: cpus, nodeList: [node],
    exitCode: state === 'FAILED' ? { code: 1, signal: 0 } : { code: 0, signal: 0 },
    startTime: at('05:24:33'), endTime: at('05:24:40'),
  });
  const jobs = [
    never(96, { req: { ntasks: 5 } }),
    never(97, { req: { ntasks: 3 }, state: 'FAILED', cancelledBy: null, exitCode: { code: 1, signal: 0 } }),
    ran(100, 'running1', 1, 'n1', 'CANCELLED'),
    ran(101, 'running2', 2, 'n2', 'CANCELLED'),
    never(102, { req: { name: 'waiting', nodes: 2, ntasks: 2, cpusPerTask: 2 } }),
    ran(106, 'done', 1, 'n1', 'COMPLETED'),
    ran(107, 'failed', 1, 'n1', 'FAILED'),
    never(108, {}),
  ];
  assert.equal(sacct(jobs, at('05:24:50'), { allocations: true, format: ['JobID,JobName%30,State,ExitCode,AllocCPUS,ReqMem,NodeList'] }), `\
JobID                               JobName      State ExitCode  AllocCPUS     ReqMem        NodeList 
------------ ------------------------------ ---------- -------- ---------- ---------- --------------- 
96                                     wrap CANCELLED+      0:0          5      1280M   None assigned 
97                                     wrap     FAILED      1:0          3       768M   None assigned 
100                                running1 CANCELLED+      0:0          1       256M              n1 
101                                running2 CANCELLED+      0:0          2       512M              n2 
102                                 waiting CANCELLED+      0:0          4         1G   None assigned 
106                                    done  COMPLETED      0:0          1       256M              n1 
107                                  failed     FAILED      1:0          1       256M              n1 
108                                    wrap CANCELLED+      0:0          1       256M   None assigned 
`);
});

test('golden h_defaults: sacct -l -P header and job row', () => {
  const job = ended({
    id: 106, req: { name: 'done' }, state: 'COMPLETED', startTime: at('05:24:41'), endTime: at('05:24:41'),
  });
  const lines = sacct([job], at('05:24:52'), { long: true, parsable: 'no-ending' }).split('\n');
  assert.equal(lines[0], 'JobID|JobIDRaw|JobName|Partition|MaxVMSize|MaxVMSizeNode|MaxVMSizeTask|AveVMSize|MaxRSS|MaxRSSNode|'
    + 'MaxRSSTask|AveRSS|MaxPages|MaxPagesNode|MaxPagesTask|AvePages|MinCPU|MinCPUNode|MinCPUTask|AveCPU|NTasks|AllocCPUS|'
    + 'Elapsed|State|ExitCode|AveCPUFreq|ReqCPUFreqMin|ReqCPUFreqMax|ReqCPUFreqGov|ReqMem|ConsumedEnergy|MaxDiskRead|'
    + 'MaxDiskReadNode|MaxDiskReadTask|AveDiskRead|MaxDiskWrite|MaxDiskWriteNode|MaxDiskWriteTask|AveDiskWrite|ReqTRES|'
    + 'AllocTRES|TRESUsageInAve|TRESUsageInMax|TRESUsageInMaxNode|TRESUsageInMaxTask|TRESUsageInMin|TRESUsageInMinNode|'
    + 'TRESUsageInMinTask|TRESUsageInTot|TRESUsageOutMax|TRESUsageOutMaxNode|TRESUsageOutMaxTask|TRESUsageOutAve|'
    + 'TRESUsageOutTot');
  assert.equal(lines[1], '106|106|done|debug||||||||||||||||||1|00:00:00|COMPLETED|0:0||Unknown|Unknown|Unknown|256M||||||||||'
    + 'billing=1,cpu=1,mem=256M,node=1|billing=1,cpu=1,mem=256M,node=1|||||||||||||');
  const step = (lines[2] ?? '').split('|');
  assert.equal(step.length, 54);
  assert.deepEqual([step[0], step[1], step[2], step[3], step[8], step[9], step[20], step[21]], ['106.batch', '106.batch', 'batch', '', '0', 'n1', '1', '1']);
  assert.equal(step[40], 'cpu=1,mem=256M,node=1');
  assert.equal(step[42], 'cpu=00:00:00,mem=0');
});

test('golden h_defaults: sacct -e', () => {
  const expected = `\
Account             AdminComment        AllocCPUS           AllocNodes         
AllocTRES           AssocID             AveCPU              AveCPUFreq         
AveDiskRead         AveDiskWrite        AvePages            AveRSS             
AveVMSize           BlockID             Cluster             Comment            
Constraints         ConsumedEnergy      ConsumedEnergyRaw   Container          
CPUTime             CPUTimeRAW          DBIndex             DerivedExitCode    
Elapsed             ElapsedRaw          Eligible            End                
ExitCode            Flags               GID                 Group              
JobID               JobIDRaw            JobName             Layout             
MaxDiskRead         MaxDiskReadNode     MaxDiskReadTask     MaxDiskWrite       
MaxDiskWriteNode    MaxDiskWriteTask    MaxPages            MaxPagesNode       
MaxPagesTask        MaxRSS              MaxRSSNode          MaxRSSTask         
MaxVMSize           MaxVMSizeNode       MaxVMSizeTask       McsLabel           
MinCPU              MinCPUNode          MinCPUTask          NCPUS              
NNodes              NodeList            NTasks              Partition          
Priority            QOS                 QOSRAW              Reason             
ReqCPUFreq          ReqCPUFreqGov       ReqCPUFreqMax       ReqCPUFreqMin      
ReqCPUS             ReqMem              ReqNodes            ReqTRES            
Reservation         ReservationId       Reserved            ResvCPU            
ResvCPURAW          Start               State               Submit             
SubmitLine          Suspended           SystemComment       SystemCPU          
Timelimit           TimelimitRaw        TotalCPU            TRESUsageInAve     
TRESUsageInMax      TRESUsageInMaxNode  TRESUsageInMaxTask  TRESUsageInMin     
TRESUsageInMinNode  TRESUsageInMinTask  TRESUsageInTot      TRESUsageOutAve    
TRESUsageOutMax     TRESUsageOutMaxNode TRESUsageOutMaxTask TRESUsageOutMin    
TRESUsageOutMinNode TRESUsageOutMinTask TRESUsageOutTot     UID                
User                UserCPU             WCKey               WCKeyID            
WorkDir            
`;
  assert.equal(sacctHelpFields(), expected);
});

test('golden g_sbatch: no matching jobs prints only the header', () => {
  assert.equal(sacct([], 0), `\
JobID           JobName  Partition    Account  AllocCPUS      State ExitCode 
------------ ---------- ---------- ---------- ---------- ---------- -------- 
`);
});

test('field list: case-insensitive prefixes, widths, -b, SACCT_FORMAT, errors', () => {
  const names = (spec: Partial<SacctFieldSpec>): string[] => {
    const r = resolveSacctFields({ format: [], brief: false, long: false, env: undefined, ...spec });
    assert.ok(r.ok);
    return r.fields.map((f) => `${f.name}:${f.width}`);
  };
  assert.deepEqual(names({ format: ['jobid, STATE%-20,cputimeraw'] }), ['JobID:-12', 'State:-20', 'CPUTimeRAW:10']);
  assert.deepEqual(names({ format: ['tresusageinmaxn', 'elap'] }), ['TRESUsageInMaxNode:18', 'Elapsed:10']);
  assert.deepEqual(names({ brief: true }), ['JobID:-12', 'State:10', 'ExitCode:8']);
  assert.deepEqual(names({ env: 'jobid,restarts' }), ['JobID:-12', 'Restarts:8']);
  assert.deepEqual(names({ brief: true, env: 'user' }), ['JobID:-12', 'State:10', 'ExitCode:8']);
  assert.equal(names({ format: ['all%5'] }).length, 109);
  assert.deepEqual(resolveSacctFields({ format: ['JobID,bogus'], brief: false, long: false, env: undefined }),
    { ok: false, fatal: false, error: 'Invalid field requested: "bogus"' });
  assert.deepEqual(resolveSacctFields({ format: ['jobid'], brief: false, long: true, env: undefined }), {
    ok: false, fatal: true, error: 'Options -o(--format) and -l(--long) are mutually exclusive. Please remove one and retry.',
  });
  assert.deepEqual(resolveSacctFields({ format: ['jobid,allocgres'], brief: false, long: false, env: undefined }),
    { ok: false, fatal: true, error: 'AllocGRES has been removed, please use AllocTRES' });
});

test('output modes: -p trailing delimiter, --delimiter, -n, left/right widths, + cuts, dates cut', () => {
  const jobs = [oom()];
  const now = at('05:16:00');
  assert.equal(sacct(jobs, now, { parsable: 'ending', format: ['jobid,state'], allocations: true }), 'JobID|State|\n1|OUT_OF_MEMORY|\n');
  assert.equal(sacct(jobs, now, { parsable: 'no-ending', delimiter: ';', header: false, format: ['jobid,state'] }), '1;OUT_OF_MEMORY\n1.batch;OUT_OF_MEMORY\n');
  assert.equal(sacct(jobs, now, { format: ['jobid%3,state%-14,start%10'], allocations: true }), `\
Job State               Start 
--- -------------- ---------- 
  1 OUT_OF_MEMORY  2026-11-21 
`);
  assert.equal(sacct(jobs, now, { parsable: 'no-ending', format: ['start%4'], allocations: true }), 'Start\n2026\n');
});

test('-D shows earlier runs first; running rows show Unknown end and live elapsed', () => {
  const first = oom();
  const live = makeJob({
    ...first,
    id: 1,
    req: { ...first.req, memPerNode: 100 },
    state: 'RUNNING',
    exitCode: { code: 0, signal: 0 },
    startTime: at('05:16:00'),
    endTime: at('05:21:00'),
    restarts: 0,
    steps: [batchStep({ start: at('05:16:00'), state: 'RUNNING', maxRssBytes: null })],
    runs: [{
      attempt: 1, state: 'OUT_OF_MEMORY', reason: 'OutOfMemory', exitCode: { code: 0, signal: 125 }, derivedExitCode: { code: 0, signal: 0 },
      startTime: at('05:15:24'), endTime: at('05:15:32'), submitTime: at('05:15:21'), eligibleTime: at('05:15:21'), nodeList: ['n1'],
      allocCpus: 1, memPerNode: 50, memPerCpu: null, timeLimit: 300, partition: 'debug', cancelledBy: null, steps: first.steps, evidence: null,
    }],
  });
  const fmt = ['JobID,State,ExitCode,ReqMem,Elapsed,End'];
  assert.equal(sacct([live], at('05:16:10'), { parsable: 'no-ending', format: fmt, duplicates: true }), `\
JobID|State|ExitCode|ReqMem|Elapsed|End
1|OUT_OF_MEMORY|0:125|50M|00:00:08|2026-11-21T05:15:32
1.batch|OUT_OF_MEMORY|0:125||00:00:08|2026-11-21T05:15:32
1|RUNNING|0:0|100M|00:00:10|Unknown
1.batch|RUNNING|0:0||00:00:10|Unknown
`);
  assert.equal(sacct([live], at('05:16:10'), { parsable: 'no-ending', format: fmt }).split('\n').length, 4);
});

test('CPU time columns: totals of the steps on the job row', () => {
  assert.equal(cpuTimeText(0), '00:00:00');
  assert.equal(cpuTimeText(65.25), '01:05.250');
  assert.equal(cpuTimeText(3725), '01:02:05');
  assert.equal(cpuTimeText(90061), '1-01:01:01');
  const s = at('05:00:00');
  const job = ended({ state: 'COMPLETED', startTime: s, endTime: s + 90_000, step: { userCpu: 30, systemCpu: 1.5, end: s + 90_000 } });
  const out = sacct([job], s + 100_000, { parsable: 'no-ending', format: ['jobid,totalcpu,usercpu,systemcpu,cputimeraw,elapsedraw'] });
  assert.equal(out, 'JobID|TotalCPU|UserCPU|SystemCPU|CPUTimeRAW|ElapsedRaw\n1|00:31.500|00:00:30|00:01.500|90|90\n1.batch|00:31.500|00:00:30|00:01.500|90|90\n');
});

test('peer: --units forces memory and node counts into one unit', () => {
  const job = ended({ id: 100, startTime: at('05:24:33'), endTime: at('05:24:40'), step: { maxRssBytes: 0 } });
  const f = { parsable: 'no-ending' as const, header: false, format: ['jobid,reqmem,reqtres,alloctres,reqnodes,allocnodes,nnodes,maxrss'] };
  assert.equal(sacct([job], at('05:25:00'), { ...f, units: 1 }), `\
100|262144K|billing=1,cpu=1,mem=262144K,node=1|billing=1,cpu=1,mem=262144K,node=1|0.00K|1|1|
100.batch|||cpu=1,mem=262144K,node=1|0.00K|1|1|0
`);
  assert.equal(sacct([job], at('05:25:00'), { ...f, units: 3 }), `\
100|0.25G|billing=1,cpu=1,mem=0.25G,node=1|billing=1,cpu=1,mem=0.25G,node=1|0.00G|1|1|
100.batch|||cpu=1,mem=0.25G,node=1|0.00G|1|1|0
`);
  const rss = ended({ id: 101, startTime: at('05:24:33'), endTime: at('05:24:40'), step: { maxRssBytes: 2345672 * 1024 } });
  assert.equal(sacct([rss], at('05:25:00'), { parsable: 'no-ending', header: false, format: ['maxrss,averss'], units: 2 }), '|\n2290.70M|2290.70M\n');
  assert.equal(sacct([rss], at('05:25:00'), { parsable: 'no-ending', header: false, format: ['maxrss'] }), '\n2345672K\n');
});
