import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Job } from '../../core/job.ts';
import { at, dependencyOf, makeJob } from './job-fixture.ts';
import {
  SQUEUE_DEFAULT_FORMAT, SQUEUE_LONG_FORMAT, ctimeLine, parseSqueueFormat, renderSqueue,
} from './squeue-format.ts';
import { selectJobs } from './squeue-select.ts';
import type { SqueueSelectOptions } from './squeue-select.ts';

process.env.TZ = 'UTC';

const H = '/var/tmp/slurmpeer/work/h_defaults';
const base = { submitTime: at('05:24:30'), eligibleTime: at('05:24:30') };

/** The jobs of golden h_defaults at t+7.0s (the array job 105 comes with job arrays). */
function hDefaults(): Job[] {
  const running = { state: 'RUNNING' as const, startTime: at('05:24:33'), lastSchedEval: at('05:24:33') };
  return [
    makeJob({ ...base, ...running, id: 100, req: { name: 'running1' }, priority: 4294901690, nodeList: ['n1'], allocCpus: 1 }),
    makeJob({
      ...base, ...running, id: 101, req: { name: 'running2', cpusPerTask: 2 }, priority: 4294901689, nodeList: ['n2'], allocCpus: 2,
    }),
    makeJob({ ...base, id: 102, req: { name: 'waiting', nodes: 2, ntasks: 2, cpusPerTask: 2 }, priority: 4294901688, reason: 'Resources' }),
    makeJob({ ...base, id: 103, req: { name: 'held' }, priority: 4294901686, held: 'user', reason: 'JobHeldUser', eligibleTime: null }),
    makeJob({ ...base, id: 104, req: { name: 'dep' }, priority: 4294901687, reason: 'Dependency' }),
    makeJob({ ...base, id: 106, req: { name: 'done' }, priority: 4294901685, reason: 'Priority' }),
    makeJob({ ...base, id: 107, req: { name: 'failed' }, priority: 4294901684, reason: 'Priority' }),
  ].map((j) => ({ ...j, req: { ...j.req, workDir: H } }));
}

function squeue(jobs: readonly Job[], now: number, opts: SqueueSelectOptions = {}, format = SQUEUE_DEFAULT_FORMAT, dateLine = false): string {
  const sel = selectJobs(jobs, opts, now);
  assert.ok(sel.ok);
  const out = renderSqueue(sel.jobs, format, { now, header: true, dateLine });
  assert.deepEqual(out.errors, []);
  return out.text;
}

const H_DEFAULT = `             JOBID PARTITION     NAME     USER ST       TIME  NODES NODELIST(REASON)
               102     debug  waiting     root PD       0:00      2 (Resources)
               104     debug      dep     root PD       0:00      1 (Dependency)
               106     debug     done     root PD       0:00      1 (Priority)
               107     debug   failed     root PD       0:00      1 (Priority)
               103     debug     held     root PD       0:00      1 (JobHeldUser)
               100     debug running1     root  R       0:04      1 n1
               101     debug running2     root  R       0:04      1 n2
`;

test('golden h_defaults: default squeue, sorted P,t,-p whatever the input order', () => {
  const jobs = hDefaults();
  assert.equal(squeue(jobs, at('05:24:37')), H_DEFAULT);
  assert.equal(squeue([...jobs].reverse(), at('05:24:37')), H_DEFAULT);
});

test('golden h_defaults: squeue -l with the date line', () => {
  const expected = `Sat Nov 21 05:24:37 2026
             JOBID PARTITION     NAME     USER    STATE       TIME TIME_LIMI  NODES NODELIST(REASON)
               102     debug  waiting     root  PENDING       0:00 UNLIMITED      2 (Resources)
               104     debug      dep     root  PENDING       0:00 UNLIMITED      1 (Dependency)
               106     debug     done     root  PENDING       0:00 UNLIMITED      1 (Priority)
               107     debug   failed     root  PENDING       0:00 UNLIMITED      1 (Priority)
               103     debug     held     root  PENDING       0:00 UNLIMITED      1 (JobHeldUser)
               100     debug running1     root  RUNNING       0:04 UNLIMITED      1 n1
               101     debug running2     root  RUNNING       0:04 UNLIMITED      1 n2
`;
  assert.equal(squeue(hDefaults(), at('05:24:37'), {}, SQUEUE_LONG_FORMAT, true), expected);
});

test('golden h_defaults: the wide custom format, no header', () => {
  const fmt = '%i|%j|%T|%r|%M|%l|%D|%C|%m|%N|%P|%u|%a|%Q|%V|%S|%e|%Z|%o';
  const sel = selectJobs(hDefaults(), {}, at('05:24:37'));
  assert.ok(sel.ok);
  const text = renderSqueue(sel.jobs, fmt, { now: at('05:24:37'), header: false, dateLine: true }).text;
  const W = `${H}|(null)`;
  assert.equal(text, [
    `102|waiting|PENDING|Resources|0:00|UNLIMITED|2|4|256M||debug|root|root|4294901688|2026-11-21T05:24:30|N/A|N/A|${W}`,
    `104|dep|PENDING|Dependency|0:00|UNLIMITED|1|1|256M||debug|root|root|4294901687|2026-11-21T05:24:30|N/A|N/A|${W}`,
    `106|done|PENDING|Priority|0:00|UNLIMITED|1|1|256M||debug|root|root|4294901685|2026-11-21T05:24:30|N/A|N/A|${W}`,
    `107|failed|PENDING|Priority|0:00|UNLIMITED|1|1|256M||debug|root|root|4294901684|2026-11-21T05:24:30|N/A|N/A|${W}`,
    `103|held|PENDING|JobHeldUser|0:00|UNLIMITED|1|1|256M||debug|root|root|0|2026-11-21T05:24:30|N/A|N/A|${W}`,
    `100|running1|RUNNING|None|0:04|UNLIMITED|1|1|256M|n1|debug|root|root|4294901690|2026-11-21T05:24:30|2026-11-21T05:24:33|NONE|${W}`,
    `101|running2|RUNNING|None|0:04|UNLIMITED|1|2|256M|n2|debug|root|root|4294901689|2026-11-21T05:24:30|2026-11-21T05:24:33|NONE|${W}`,
    '',
  ].join('\n'));
});

test('golden h_defaults: --start (sort S, pending only, %20Y)', () => {
  const fmt = '%.18i %.9P %.8j %.8u %.2t %.19S %.6D %20Y %R';
  const sel = selectJobs(hDefaults(), { states: ['PD'], sort: 'S' }, at('05:24:37'));
  assert.ok(sel.ok);
  assert.equal(renderSqueue(sel.jobs, fmt, { now: at('05:24:37'), header: true, dateLine: false }).text, `\
             JOBID PARTITION     NAME     USER ST          START_TIME  NODES SCHEDNODES           NODELIST(REASON)
               102     debug  waiting     root PD                 N/A      2 (null)               (Resources)
               103     debug     held     root PD                 N/A      1 (null)               (JobHeldUser)
               104     debug      dep     root PD                 N/A      1 (null)               (Dependency)
               106     debug     done     root PD                 N/A      1 (null)               (Priority)
               107     debug   failed     root PD                 N/A      1 (null)               (Priority)
`);
});

function timeouts(): Job[] {
  const ended = (id: number, name: string, state: 'TIMEOUT' | 'COMPLETED', end: string, node: string): Job => makeJob({
    id,
    req: { name, timeLimit: 60 },
    state,
    reason: state === 'TIMEOUT' ? 'TimeLimit' : 'None',
    priority: 4294901760 - id,
    startTime: at('05:16:34'),
    endTime: at(end),
    nodeList: [node],
    allocCpus: 1,
  });
  return [
    ended(7, 'tplain', 'TIMEOUT', '05:17:51', 'n1'),
    ended(8, 'tterm', 'TIMEOUT', '05:17:51', 'n1'),
    ended(9, 'tusr1', 'TIMEOUT', '05:17:51', 'n2'),
    ended(10, 'tusr1x', 'COMPLETED', '05:16:52', 'n2'),
  ];
}

test('golden b_timeout: squeue -t all orders by the state string (CD before TO)', () => {
  const now = at('05:17:56');
  assert.equal(squeue(timeouts(), now, { states: ['all'], jobIds: [7, 8, 9, 10] }), `\
             JOBID PARTITION     NAME     USER ST       TIME  NODES NODELIST(REASON)
                10     debug   tusr1x     root CD       0:18      1 n2
                 7     debug   tplain     root TO       1:17      1 (TimeLimit)
                 8     debug    tterm     root TO       1:17      1 (TimeLimit)
                 9     debug    tusr1     root TO       1:17      1 (TimeLimit)
`);
  // Without -t, finished jobs are not listed, and -j does not widen the filter.
  assert.equal(squeue(timeouts(), now, { jobIds: [7] }), `${' '.repeat(13)}JOBID PARTITION     NAME     USER ST       TIME  NODES NODELIST(REASON)\n`);
});

test('golden e_deps: F sorts before PD; %r, %E and cut names', () => {
  const dep = (id: number, name: string, o: Parameters<typeof makeJob>[0]): Job =>
    makeJob({ id, req: { name }, priority: 4294901760 - id, ...o });
  const ran = { startTime: at('05:22:39'), endTime: at('05:22:44'), nodeList: ['n1'], allocCpus: 1 };
  const jobs = [
    dep(34, 'F', { ...ran, state: 'FAILED', reason: 'NonZeroExitCode', exitCode: { code: 1, signal: 0 } }),
    dep(35, 'G_afterok', { state: 'PENDING', reason: 'DependencyNeverSatisfied', dependency: dependencyOf('afterok:34', 'failed') }),
    dep(36, 'H_killdep', {
      state: 'CANCELLED', reason: 'DependencyNeverSatisfied', dependency: dependencyOf('afterok:34', 'failed'), startTime: at('05:22:44'), endTime: at('05:22:44'),
    }),
    dep(37, 'I_notok', { ...ran, state: 'COMPLETED' }),
  ];
  const fmt = '%.6i %.10j %.2t %.10T %.25r %E';
  assert.equal(squeue(jobs, at('05:22:48'), { states: ['all'] }, fmt), `\
 JOBID       NAME ST      STATE                    REASON DEPENDENCY
    36  H_killdep CA  CANCELLED  DependencyNeverSatisfied afterok:34(failed)
    37    I_notok CD  COMPLETED                      None (null)
    34          F  F     FAILED           NonZeroExitCode (null)
    35  G_afterok PD    PENDING  DependencyNeverSatisfied afterok:34(failed)
`);
  assert.equal(squeue([jobs[1] as Job], at('05:22:48')), `\
             JOBID PARTITION     NAME     USER ST       TIME  NODES NODELIST(REASON)
                35     debug G_aftero     root PD       0:00      1 (DependencyNeverSatisfied)
`);
});

test('golden d_suspend: TIME frozen while suspended', () => {
  const job = makeJob({
    id: 26,
    req: { name: 'ticker', timeLimit: 600 },
    state: 'SUSPENDED',
    startTime: at('05:21:14'),
    suspendTime: at('05:21:19'),
    secsPreSuspend: 5,
    nodeList: ['n1'],
    allocCpus: 1,
  });
  assert.equal(squeue([job], at('05:21:35'), {}, '%.18i %.2t %.10T %.10M %.10l %R'), `\
             JOBID ST      STATE       TIME TIME_LIMIT NODELIST(REASON)
                26  S  SUSPENDED       0:05      10:00 n1
`);
  const resumed = { ...job, state: 'RUNNING' as const, suspendTime: at('05:21:35') };
  assert.match(squeue([resumed], at('05:21:36')), /\n {16}26 {5}debug {3}ticker {5}root {2}R {7}0:06 {6}1 n1\n$/);
});

test('golden c_exitcodes / a_oom / f_arrays: CG and CA list nodes, OOM its reason, never-ran nothing', () => {
  const ran = { startTime: at('05:20:37'), endTime: at('05:20:39'), nodeList: ['n1'], allocCpus: 1 };
  const cg = makeJob({ ...ran, id: 18, req: { name: 'torun' }, state: 'CANCELLED', flags: ['COMPLETING'] });
  assert.match(squeue([cg], at('05:20:40'), { jobIds: [18] }), /\n {16}18 {5}debug {4}torun {5}root CG {7}0:02 {6}1 n1\n$/);
  const ca = { ...cg, flags: [] };
  assert.match(squeue([ca], at('05:20:41'), { states: ['all'] }), /root CA {7}0:02 {6}1 n1\n$/);
  const oom = makeJob({
    id: 1, req: { name: 'oom' }, state: 'OUT_OF_MEMORY', reason: 'OutOfMemory', startTime: at('05:15:24'), endTime: at('05:15:32'), nodeList: ['n1'],
  });
  assert.match(squeue([oom], at('05:15:33'), { states: ['all'] }), /\n {17}1 {5}debug {6}oom {5}root OO {7}0:08 {6}1 \(OutOfMemory\)\n$/);
  const never = makeJob({ id: 65, state: 'CANCELLED', reason: 'JobHeldUser', startTime: at('05:23:40'), endTime: at('05:23:40') });
  assert.match(squeue([never], at('05:23:41'), { states: ['all'] }), /root CA {7}0:00 {6}1 \n$/);
});

test('golden g_sbatch: %l and %L of a job that just started, then UNLIMITED', () => {
  const job = makeJob({ id: 75, req: { timeLimit: 120 }, state: 'RUNNING', startTime: at('05:24:21'), nodeList: ['n1'], allocCpus: 1 });
  const fmt = '%.8i %.10l %.10L %.2t';
  assert.equal(squeue([job], at('05:24:21')), squeue([job], at('05:24:21')));
  assert.equal(squeue([job], at('05:24:21'), {}, fmt), '   JOBID TIME_LIMIT  TIME_LEFT ST\n      75       2:00       2:00  R\n');
  const unl = { ...job, req: { ...job.req, timeLimit: null } };
  assert.equal(squeue([unl], at('05:24:21'), {}, fmt), '   JOBID TIME_LIMIT  TIME_LEFT ST\n      75  UNLIMITED  UNLIMITED  R\n');
});

test('format engine: prefix, left justify cuts and pads, unknown letters kept literally', () => {
  const job = makeJob({ id: 5, req: { name: 'a_very_long_name' } });
  const out = renderSqueue([job], 'X:%5j|%.3i|%j%q end', { now: 0, header: true, dateLine: false });
  assert.equal(out.text, 'X:NAME |JOB|NAMEQOS end\nX:a_ver|  5|a_very_long_namenormal end\n');
  const bad = renderSqueue([job], '%i %1 %ç', { now: 0, header: false, dateLine: false });
  assert.equal(bad.text, '5 %1 %ç\n');
  assert.deepEqual(bad.errors, ['Invalid job format specification:  ', 'Invalid job format specification: ç']);
  assert.deepEqual(parseSqueueFormat('no fields').tokens, [{ kind: 'text', text: 'no fields' }]);
  // A NULL string is "(null)", or nothing under a printf precision below 6.
  assert.equal(renderSqueue([job], '%.8k|%4k|%k', { now: 0, header: false, dateLine: false }).text, '  (null)|    |(null)\n');
  const all = renderSqueue([job], '%all', { now: 0, header: true, dateLine: false }).text.split('\n');
  assert.ok(all[0]?.startsWith('ACCOUNT|TRES_PER_NODE|MIN_CPUS|MIN_TMP_DISK|END_TIME|FEATURES|GROUP|OVER_SUBSCRIBE|JOBID|NAME|'));
  assert.ok(all[1]?.endsWith('|/var/tmp/slurmpeer/work/h_defaults'));
});

test('ctime date line', () => {
  assert.equal(ctimeLine(at('05:24:37')), 'Sat Nov 21 05:24:37 2026');
  // zero-padded, as Slurm 22.05 prints it (peer, 7 Dec: `Mon Dec 07 18:17:57 2026`)
  assert.equal(ctimeLine(Date.parse('2026-11-01T00:00:00Z')), 'Sun Nov 01 00:00:00 2026');
});

test('selection: states exact for base names, flags by bit; users, partitions, names', () => {
  const now = at('05:30:00');
  const jobs = [
    makeJob({ id: 1, state: 'RUNNING', startTime: now, nodeList: ['n1'] }),
    makeJob({ id: 2, state: 'RUNNING', flags: ['CONFIGURING'], startTime: now, nodeList: ['n1'] }),
    makeJob({ id: 3, state: 'CANCELLED', flags: ['COMPLETING'], user: { name: 'alice', uid: 1000, gid: 1000, group: 'alice' } }),
    makeJob({ id: 4, state: 'COMPLETED', req: { name: 'Done', partition: 'big' } }),
  ];
  const ids = (o: SqueueSelectOptions): number[] => {
    const r = selectJobs(jobs, o, now);
    assert.ok(r.ok);
    return r.jobs.map((j) => j.id).sort((a, b) => a - b);
  };
  assert.deepEqual(ids({}), [1, 2, 3]);
  assert.deepEqual(ids({ states: ['r'] }), [1]);
  assert.deepEqual(ids({ states: ['CF', 'completing'] }), [2, 3]);
  assert.deepEqual(ids({ states: ['ALL'] }), [1, 2, 3, 4]);
  assert.deepEqual(ids({ states: ['all'], users: ['1000'] }), [3]);
  assert.deepEqual(ids({ states: ['all'], users: ['root'] }), [1, 2, 4]);
  assert.deepEqual(ids({ states: ['all'], partitions: ['big', 'x'] }), [4]);
  assert.deepEqual(ids({ states: ['all'], names: ['done'] }), [4]);
  assert.deepEqual(ids({ states: ['all'], jobIds: [2, 4, 99] }), [2, 4]);
  const bad = selectJobs(jobs, { states: ['R', 'bogus'] }, now);
  assert.ok(!bad.ok);
  assert.equal(bad.errors[0], 'Invalid job state specified: bogus');
  assert.match(bad.errors[1] ?? '', /^Valid job states include: PENDING,RUNNING,.*,STOPPED\n$/);
  const badSort = selectJobs(jobs, { sort: 'P,!' }, now);
  assert.ok(!badSort.ok);
  assert.deepEqual(badSort.errors, ['Invalid sort specification: !']);
});

test('sorting: -S keys, reversal; ties by latest start, then newest never-started job first (as the peer)', () => {
  const now = at('05:30:00');
  const jobs = [
    makeJob({ id: 3, req: { name: 'b' }, priority: 5 }),
    makeJob({ id: 1, req: { name: 'c' }, priority: 5 }),
    makeJob({ id: 2, req: { name: 'a' }, priority: 9 }),
  ];
  const order = (sort: string): number[] => {
    const r = selectJobs(jobs, { sort }, now);
    assert.ok(r.ok);
    return r.jobs.map((j) => j.id);
  };
  assert.deepEqual(order('j'), [2, 3, 1]);
  assert.deepEqual(order('-j'), [1, 3, 2]);
  assert.deepEqual(order('-p'), [2, 3, 1]);
  assert.deepEqual(order('p,-i'), [3, 1, 2]);
  assert.deepEqual(order('p,+i'), [1, 3, 2]);
  assert.deepEqual(order('cluster,i'), [1, 2, 3]);
  assert.deepEqual(order('-CLUSTER,-i'), [3, 2, 1]);
  assert.deepEqual(order('i-'), [1, 2, 3], 'a trailing - reverses nothing');
  // Keys Slurm accepts without effect; b is refused with a notice only.
  assert.deepEqual(order('H,I,J,d,v,c,f,h,n,O,z'), [3, 2, 1]);
  const b = selectJobs(jobs, { sort: 'b,i' }, now);
  assert.ok(b.ok);
  assert.deepEqual([b.jobs.map((j) => j.id), b.notices], [[1, 2, 3], ['Invalid sort specification: b']]);
  // Parsed right to left: the last bad key is the one reported, after the header.
  const bad = selectJobs(jobs, { sort: 'Z,i,!' }, now);
  assert.deepEqual(bad, { ok: false, phase: 'sort', errors: ['Invalid sort specification: !'] });
  const ago = [5, 1, 9];
  const started = jobs.map((j, k) => ({ ...j, state: 'RUNNING' as const, startTime: now - (ago[k] ?? 0) * 1000 }));
  const t = selectJobs(started, { sort: 'b', states: ['all'] }, now);
  assert.ok(t.ok);
  assert.deepEqual(t.jobs.map((j) => j.id), [1, 3, 2], 'latest start first when no key decides');
  const s = selectJobs(started, { sort: 'S', states: ['all'] }, now);
  assert.ok(s.ok);
  assert.deepEqual(s.jobs.map((j) => j.id), [2, 3, 1], 'S: earliest start first');
  const mixed = [
    makeJob({ id: 3, state: 'RUNNING', startTime: now - 5000 }), makeJob({ id: 5 }), makeJob({ id: 1, state: 'RUNNING', startTime: now - 1000 }),
    makeJob({ id: 2 }), makeJob({ id: 4 }),
  ];
  const m = selectJobs(mixed, { sort: 'S' }, now);
  assert.ok(m.ok);
  assert.deepEqual(m.jobs.map((j) => j.id), [3, 1, 2, 4, 5], 'S: never-started last, by id (golden --start)');
  const rs = selectJobs(mixed, { sort: '-S' }, now);
  assert.ok(rs.ok);
  assert.deepEqual(rs.jobs.map((j) => j.id), [1, 3, 2, 4, 5]);
  const no = selectJobs(mixed, { sort: 'b' }, now);
  assert.ok(no.ok);
  assert.deepEqual(no.jobs.map((j) => j.id), [1, 3, 5, 4, 2], 'no key: latest start first, then newest job (peer -S b)');
});
