// Drained, draining and down nodes, several partitions, sorting and the format edge cases.
// Every expected text below is what the peer (Slurm 22.05.8) printed for the same cluster.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { at, peerNode, peerPartition } from './sinfo-fixture.ts';
import type { SinfoOptions } from './sinfo-report.ts';
import { renderSinfo } from './sinfo-report.ts';
import type { NodeView, PartitionView } from './sinfo-view.ts';

process.env.TZ = 'UTC';

const BASE: SinfoOptions = {
  userFormat: null, long: false, nodeOriented: false, summarize: false, listReasons: false, env: {},
  now: at('06:46:30'), noHeader: false, exact: false, partitions: null, nodes: null, states: null,
  dead: false, responding: false, sort: null,
};

function sinfo(nodes: readonly NodeView[], parts: readonly PartitionView[], o: Partial<SinfoOptions> = {}): string {
  const r = renderSinfo(nodes, parts, { ...BASE, ...o });
  assert.deepEqual(r.stderr, []);
  return r.stdout;
}

const fmt = (text: string): Partial<SinfoOptions> => ({ userFormat: { text, long: false } });
const debug = [peerPartition()];
const root = { name: 'root', uid: 0 };
const n1mix = peerNode('n1', { state: 'MIXED', allocCpus: 1, allocMem: 256 });
const HEADER = 'PARTITION AVAIL  TIMELIMIT  NODES  STATE NODELIST\n';

test('peer: draining a busy node (scontrol update state=drain reason="disk check")', () => {
  const n2 = peerNode('n2', {
    state: 'DRAINING', allocCpus: 2, allocMem: 512, reason: 'disk check', reasonTime: at('06:46:30'), reasonUser: root,
  });
  const nodes = [n1mix, n2];
  assert.equal(sinfo(nodes, debug), `${HEADER}debug*       up   infinite      1   drng n2\ndebug*       up   infinite      1    mix n1\n`);
  assert.equal(sinfo(nodes, debug, { listReasons: true }), `\
REASON               USER      TIMESTAMP           NODELIST
disk check           root      2026-11-21T06:46:30 n2
`);
  assert.equal(sinfo(nodes, debug, { listReasons: true, long: true }), `\
Sat Nov 21 06:46:30 2026
REASON               USER         TIMESTAMP           STATE  NODELIST
disk check           root(0)      2026-11-21T06:46:30 drng   n2
`);
  assert.equal(sinfo(nodes, debug, { long: true }), `\
Sat Nov 21 06:46:30 2026
PARTITION AVAIL  TIMELIMIT   JOB_SIZE ROOT OVERSUBS     GROUPS  NODES       STATE NODELIST
debug*       up   infinite 1-infinite   no       NO        all      1    draining n2
debug*       up   infinite 1-infinite   no       NO        all      1       mixed n1
`);
  assert.equal(sinfo(nodes, debug, { nodeOriented: true, long: true }), `\
Sat Nov 21 06:46:30 2026
NODELIST   NODES PARTITION       STATE CPUS    S:C:T MEMORY TMP_DISK WEIGHT AVAIL_FE REASON              
n1             1    debug*       mixed 2       1:2:1   3000        0      1   (null) none                
n2             1    debug*    draining 2       1:2:1   3000        0      1   (null) disk check          
`);
  assert.match(sinfo(nodes, debug, { summarize: true }), /infinite {10}2\/0\/0\/2 n\[1-2\]\n$/);
  const drng = `${HEADER}debug*       up   infinite      1   drng n2\n`;
  assert.equal(sinfo(nodes, debug, { states: 'drain' }), drng);
  assert.equal(sinfo(nodes, debug, { states: 'drng' }), drng);
  assert.equal(sinfo(nodes, debug, { states: 'drained' }), `${HEADER}debug*       up   infinite      0    n/a \n`);
  assert.equal(sinfo(nodes, debug, { states: 'alloc' }), sinfo(nodes, debug));
  assert.equal(sinfo(nodes, debug, fmt('%E|%H|%u|%U|%t|%T|%C|%A|%F')), `\
REASON|TIMESTAMP|USER|USER|STATE|STATE|CPUS(A/I/O/T)|NODES(A/I)|NODES(A/I/O/T)
disk check|2026-11-21T06:46:30|root|root(0)|drng|draining|2/0/0/2|1/0|1/0/0/1
none|Unknown|Unknown|Unknown|mix|mixed|1/1/0/2|1/0|1/0/0/1
`);
  assert.equal(sinfo(nodes, debug, { userFormat: { text: 'statecomplete,statelong,nodelist', long: true } }), `\
STATECOMPLETE       STATE               NODELIST            
allocated+drain     draining            n2                  
mixed               mixed               n1                  
`);
});

test('peer: the drained node once its job ended; -t idle matches it too', () => {
  const n2 = peerNode('n2', { state: 'DRAIN', reason: 'disk check', reasonTime: at('06:46:30'), reasonUser: root });
  const nodes = [n1mix, n2];
  const drained = `${HEADER}debug*       up   infinite      1  drain n2\n`;
  assert.equal(sinfo(nodes, debug), `${drained}debug*       up   infinite      1    mix n1\n`);
  for (const states of ['idle', 'drained', 'drain']) assert.equal(sinfo(nodes, debug, { states }), drained);
  assert.match(sinfo(nodes, debug, { summarize: true }), /infinite {10}1\/0\/1\/2 n\[1-2\]\n$/);
  assert.match(sinfo(nodes, debug, { listReasons: true, long: true }), /\ndisk check {11}root\(0\) {6}2026-11-21T06:46:30 drain  n2\n$/);
  assert.equal(sinfo(nodes, debug, fmt('%E|%H|%u|%U|%t|%T|%C|%A|%F')), `\
REASON|TIMESTAMP|USER|USER|STATE|STATE|CPUS(A/I/O/T)|NODES(A/I)|NODES(A/I/O/T)
disk check|2026-11-21T06:46:30|root|root(0)|drain|drained|0/0/2/2|0/0|0/0/1/1
none|Unknown|Unknown|Unknown|mix|mixed|1/1/0/2|1/0|1/0/0/1
`);
});

test('peer: a node set DOWN by the admin while its agent answers; Ratchet\'s silent DOWN node shows `*`', () => {
  const down = { state: 'DOWN' as const, reason: 'hw fault', reasonTime: at('06:46:44'), reasonUser: root };
  const nodes = [n1mix, peerNode('n2', { ...down, notResponding: false })];
  assert.equal(sinfo(nodes, debug), `${HEADER}debug*       up   infinite      1    mix n1\ndebug*       up   infinite      1   down n2\n`);
  assert.equal(sinfo(nodes, debug, fmt('%E|%t|%T|%C|%A|%F')), `\
REASON|STATE|STATE|CPUS(A/I/O/T)|NODES(A/I)|NODES(A/I/O/T)
none|mix|mixed|1/1/0/2|1/0|1/0/0/1
hw fault|down|down|0/0/2/2|0/0|0/0/1/1
`);
  assert.match(sinfo(nodes, debug, { listReasons: true, long: true }), /\nhw fault {13}root\(0\) {6}2026-11-21T06:46:44 down {3}n2\n$/);
  assert.equal(sinfo(nodes, debug, { states: 'down' }), `${HEADER}debug*       up   infinite      1   down n2\n`);
  assert.equal(sinfo(nodes, debug, { dead: true }), `${HEADER}debug*       up   infinite      0    n/a \n`);
  const silent = [n1mix, peerNode('n2', { state: 'DOWN', reason: 'Not responding' })];
  // DOWN+NOT_RESPONDING sorts above MIXED (sinfo sorts by the state's number, flags included).
  assert.equal(sinfo(silent, debug), `${HEADER}debug*       up   infinite      1  down* n2\ndebug*       up   infinite      1    mix n1\n`);
  assert.equal(sinfo(silent, debug, { dead: true }), `${HEADER}debug*       up   infinite      1  down* n2\n`);
  assert.equal(sinfo(silent, debug, { responding: true }), `${HEADER}debug*       up   infinite      1    mix n1\n`);
  assert.equal(sinfo([peerNode('n1', { state: 'UNKNOWN' })], [peerPartition({ nodes: ['n1'] })], fmt('%t %T')), 'STATE STATE\nunk* unknown*\n');
});

// `scontrol create partitionname=long nodes=n[1-2] maxtime=1-12:30:00 defaulttime=45
// priorityTier=3 MaxNodes=4` and `partitionname=aaa nodes=n2 maxtime=90 state=down`.
const three = [
  peerPartition(),
  peerPartition({ name: 'long', isDefault: false, maxTime: 131400, defaultTime: 2700, priorityTier: 3, minNodes: 1, maxNodes: 4 }),
  peerPartition({ name: 'aaa', isDefault: false, nodes: ['n2'], maxTime: 5400, state: 'DOWN', minNodes: 1, totalCpus: 2, totalMem: 3000 }),
];
const mixIdle = [n1mix, peerNode('n2')];

test('peer: three partitions sharing nodes', () => {
  assert.equal(sinfo(mixIdle, three), `${HEADER}\
debug*       up   infinite      1    mix n1
debug*       up   infinite      1   idle n2
long         up 1-12:30:00      1    mix n1
long         up 1-12:30:00      1   idle n2
aaa        down    1:30:00      1   idle n2
`);
  assert.equal(sinfo(mixIdle, three, { nodeOriented: true }), `\
NODELIST   NODES PARTITION STATE 
n1             1    debug* mix   
n1             1      long mix   
n2             1    debug* idle  
n2             1      long idle  
n2             1       aaa idle  
`);
  assert.equal(sinfo(mixIdle, three, { long: true }), `\
Sat Nov 21 06:46:30 2026
PARTITION AVAIL  TIMELIMIT   JOB_SIZE ROOT OVERSUBS     GROUPS  NODES       STATE NODELIST
debug*       up   infinite 1-infinite   no       NO        all      1       mixed n1
debug*       up   infinite 1-infinite   no       NO        all      1        idle n2
long         up 1-12:30:00        1-4   no       NO        all      1       mixed n1
long         up 1-12:30:00        1-4   no       NO        all      1        idle n2
aaa        down    1:30:00 1-infinite   no       NO        all      1        idle n2
`);
  assert.equal(sinfo(mixIdle, three, { summarize: true }), `\
PARTITION AVAIL  TIMELIMIT   NODES(A/I/O/T) NODELIST
debug*       up   infinite          1/1/0/2 n[1-2]
long         up 1-12:30:00          1/1/0/2 n[1-2]
aaa        down    1:30:00          0/1/0/1 n2
`);
  assert.equal(sinfo(mixIdle, three, fmt('%C %D %N')), 'CPUS(A/I/O/T) NODES NODELIST\n1/3/0/4 2 n[1-2]\n');
  assert.equal(sinfo(mixIdle, three, fmt('%l %N')), 'TIMELIMIT NODELIST\ninfinite n[1-2]\n1-12:30:00 n[1-2]\n1:30:00 n2\n');
  assert.equal(sinfo(mixIdle, three, fmt('%R %t %N')), 'PARTITION STATE NODELIST\ndebug mix n1\ndebug idle n2\nlong mix n1\nlong idle n2\naaa idle n2\n');
  assert.equal(sinfo(mixIdle, three, fmt('%P %L %l %p %s %a')), `\
PARTITION DEFAULTTIME TIMELIMIT PRIO_TIER JOB_SIZE AVAIL
debug* n/a infinite 1 1-infinite up
long 45:00 1-12:30:00 3 1-4 up
aaa n/a 1:30:00 1 1-infinite down
`);
  assert.equal(sinfo(mixIdle, three, { partitions: 'long,aaa' }), `${HEADER}\
long         up 1-12:30:00      1    mix n1
long         up 1-12:30:00      1   idle n2
aaa        down    1:30:00      1   idle n2
`);
  assert.equal(sinfo(mixIdle, three, { partitions: 'long', nodeOriented: true }), `\
NODELIST   NODES PARTITION STATE 
n1             1      long mix   
n2             1      long idle  
`);
});

test('peer: -S sorts by name (P) or node count descending (-D), stable over creation order', () => {
  assert.equal(sinfo(mixIdle, three, { sort: 'P' }), `${HEADER}\
aaa        down    1:30:00      1   idle n2
debug*       up   infinite      1    mix n1
debug*       up   infinite      1   idle n2
long         up 1-12:30:00      1    mix n1
long         up 1-12:30:00      1   idle n2
`);
  assert.equal(sinfo(mixIdle, three, { sort: '-D' }), `${HEADER}\
debug*       up   infinite      1    mix n1
long         up 1-12:30:00      1    mix n1
aaa        down    1:30:00      1   idle n2
debug*       up   infinite      1   idle n2
long         up 1-12:30:00      1   idle n2
`);
});

test('-e splits nodes whose sizes differ; without it the sizes show as a minimum with +', () => {
  const big = peerNode('n2', { cpus: 4, realMemory: 8000, sockets: 2 });
  assert.equal(sinfo([peerNode('n1'), big], debug, fmt('%c %m %z %D %N')), 'CPUS MEMORY S:C:T NODES NODELIST\n2+ 3000+ 1+:2:1 2 n[1-2]\n');
  assert.equal(sinfo([peerNode('n1'), big], debug, { ...fmt('%c %m %z %D %N'), exact: true }), `\
CPUS MEMORY S:C:T NODES NODELIST
2 3000 1:2:1 1 n1
4 8000 2:2:1 1 n2
`);
});

test('peer: format edge cases (suffixes, %% runs, no %, a size without letter, negative -O sizes)', () => {
  const idle = [peerNode('n1'), peerNode('n2')];
  const run = (o: Partial<SinfoOptions>): { out: string; err: readonly string[] } => {
    const r = renderSinfo(idle, debug, { ...BASE, ...o });
    return { out: r.stdout, err: r.stderr };
  };
  assert.deepEqual(run({ userFormat: { text: 'bogus:5x,nodes:3|', long: true } }), {
    out: 'xNOD|\nx2  |\n', err: ['sinfo: error: Invalid job format specification: bogus'],
  });
  assert.deepEqual(run(fmt('pre %P%%%5.D post')), {
    out: 'pre PARTITION%5.D post\npre debug*%5.D post\n', err: ['Invalid node format specification: .'],
  });
  assert.deepEqual(run(fmt('noformat')), { out: 'noformat\nnoformat\n', err: [] });
  assert.deepEqual(run(fmt('%5')), { out: '%5\n%5\n', err: ['Invalid node format specification: \0'] });
  assert.deepEqual(run({ userFormat: { text: 'partition:-3,nodes: 4,statelong:.', long: true } }), { out: 'NODESTATE\n2   idle\n', err: [] });
  const fatal = renderSinfo(idle, debug, { ...BASE, ...fmt('%P'), long: true });
  assert.equal(fatal.exitCode, 1);
  assert.deepEqual(fatal.stderr, ['sinfo: fatal: Options -o(--format) and -l(--long) are mutually exclusive. Please remove one and retry.']);
  assert.deepEqual(run({ env: { SINFO_FORMAT: '%P|%t' } }), { out: 'PARTITION|STATE\ndebug*|idle\n', err: [] });
  assert.match(run({ env: { SINFO_FORMAT: '%P|%t' }, summarize: true }).out, /^PARTITION AVAIL {2}TIMELIMIT {3}NODES\(A\/I\/O\/T\) NODELIST\n/);
});

test('peer: a draining node with idle CPUs stays ALLOCATED for sinfo (scontrol says MIXED+DRAIN)', () => {
  const nodes = [peerNode('n1', { state: 'DRAINING', allocCpus: 1, allocMem: 256, reason: 'probe' }), peerNode('n2')];
  assert.equal(sinfo(nodes, debug, { states: 'mix' }), `${HEADER}debug*       up   infinite      0    n/a \n`);
  assert.equal(sinfo(nodes, debug, { userFormat: { text: 'statecomplete,statelong,nodelist', long: true } }), `\
STATECOMPLETE       STATE               NODELIST            
allocated+drain     draining            n1                  
idle                idle                n2                  
`);
  assert.equal(sinfo(nodes, debug, fmt('%t %T %C %F %N')), `\
STATE STATE CPUS(A/I/O/T) NODES(A/I/O/T) NODELIST
drng draining 1/0/1/2 1/0/0/1 n1
idle idle 0/2/0/2 0/1/0/1 n2
`);
});

test('odd input gives text, not a crash; a big cluster stays fast', () => {
  const odd = [
    peerNode('x1', { cpus: -1, allocCpus: 5, cpuLoad: Number.NaN, freeMem: null }),
    peerNode('x1'),
    peerNode('', { state: 'UNKNOWN' }),
  ];
  const parts = [peerPartition({ nodes: ['x1', 'ghost', ''] }), peerPartition({ name: 'empty', nodes: [], isDefault: false })];
  for (const o of [{}, { nodeOriented: true, long: true }, { summarize: true }, fmt('%all'), { exact: true, ...fmt('%all') }]) {
    const r = renderSinfo(odd, parts, { ...BASE, ...o });
    assert.equal(r.exitCode, 0);
    assert.ok(r.stdout.length > 0);
  }
  assert.match(sinfo([], []), /^PARTITION AVAIL {2}TIMELIMIT {2}NODES {2}STATE NODELIST\n$/);
  const many = Array.from({ length: 20000 }, (_, i) => peerNode(`c${i + 1}`, i % 3 === 0 ? { state: 'MIXED', allocCpus: 1 } : {}));
  const t0 = performance.now();
  const out = sinfo(many, [peerPartition({ nodes: many.map((n) => n.name) })], { long: true });
  assert.ok(performance.now() - t0 < 2000);
  assert.match(out, /all {3}6667 {7}mixed c\[1,4,7,10,/);
});
