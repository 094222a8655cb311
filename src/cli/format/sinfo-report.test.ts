import { test } from 'node:test';
import assert from 'node:assert/strict';
import { at, peerNode, peerPartition } from './sinfo-fixture.ts';
import type { SinfoOptions } from './sinfo-report.ts';
import { SINFO_FORMATS, renderSinfo, sinfoLayoutFor } from './sinfo-report.ts';
import type { NodeView, PartitionView } from './sinfo-view.ts';

process.env.TZ = 'UTC';

/** sinfo's command line as the tests spell it (`-N -l`, `-o FORMAT`, ...). */
function options(argv: readonly string[], env: Record<string, string> = {}): SinfoOptions {
  let o: SinfoOptions = {
    userFormat: null, long: false, nodeOriented: false, summarize: false, listReasons: false, env,
    now: at('05:24:37'), noHeader: false, exact: false, partitions: null, nodes: null, states: null,
    dead: false, responding: false, sort: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const v = argv[i + 1] ?? '';
    const flags: Record<string, Partial<SinfoOptions>> = {
      '-N': { nodeOriented: true }, '-l': { long: true }, '-s': { summarize: true }, '-R': { listReasons: true },
      '-h': { noHeader: true }, '-e': { exact: true }, '-d': { dead: true }, '-r': { responding: true },
    };
    const withValue: Record<string, Partial<SinfoOptions>> = {
      '-o': { userFormat: { text: v, long: false } }, '-O': { userFormat: { text: v, long: true } },
      '-p': { partitions: v }, '-n': { nodes: v }, '-t': { states: v }, '-S': { sort: v },
    };
    if (flags[a] !== undefined) o = { ...o, ...flags[a] };
    else if (withValue[a] !== undefined) {
      o = { ...o, ...withValue[a] };
      i++;
    } else throw new Error(`test options: ${a}`);
  }
  return o;
}

function sinfo(nodes: readonly NodeView[], parts: readonly PartitionView[], ...argv: string[]): string {
  const r = renderSinfo(nodes, parts, options(argv));
  assert.deepEqual(r.stderr, []);
  assert.equal(r.exitCode, 0);
  return r.stdout;
}

const debug = [peerPartition()];

/** Golden h_defaults at t+7.2s: running1 (1 CPU) on n1, running2 (2 CPUs) on n2; n1 planned. */
function hBusy(planned: boolean): NodeView[] {
  return [
    peerNode('n1', { state: 'MIXED', allocCpus: 1, allocMem: 256, planned }),
    peerNode('n2', { state: 'ALLOCATED', allocCpus: 2, allocMem: 512 }),
  ];
}

test('golden h_defaults: sinfo at start (n1 planned by the backfill) and the default layout', () => {
  const nodes = [peerNode('n1', { planned: true }), peerNode('n2')];
  assert.equal(sinfo(nodes, debug), `\
PARTITION AVAIL  TIMELIMIT  NODES  STATE NODELIST
debug*       up   infinite      1   plnd n1
debug*       up   infinite      1   idle n2
`);
  // Without Slurm's PLANNED flag (Ratchet never sets it) the two idle nodes are one line.
  assert.equal(sinfo([peerNode('n1'), peerNode('n2')], debug), `\
PARTITION AVAIL  TIMELIMIT  NODES  STATE NODELIST
debug*       up   infinite      2   idle n[1-2]
`);
});

test('golden h_defaults: sinfo, -N, -l, -N -l and a custom -o with two jobs running', () => {
  const nodes = hBusy(true);
  assert.equal(sinfo(nodes, debug), `\
PARTITION AVAIL  TIMELIMIT  NODES  STATE NODELIST
debug*       up   infinite      1   mix- n1
debug*       up   infinite      1  alloc n2
`);
  assert.equal(sinfo(nodes, debug, '-N'), `\
NODELIST   NODES PARTITION STATE 
n1             1    debug* mix-  
n2             1    debug* alloc 
`);
  assert.equal(sinfo(nodes, debug, '-l'), `\
Sat Nov 21 05:24:37 2026
PARTITION AVAIL  TIMELIMIT   JOB_SIZE ROOT OVERSUBS     GROUPS  NODES       STATE NODELIST
debug*       up   infinite 1-infinite   no       NO        all      1      mixed- n1
debug*       up   infinite 1-infinite   no       NO        all      1   allocated n2
`);
  assert.equal(sinfo(nodes, debug, '-N', '-l'), `\
Sat Nov 21 05:24:37 2026
NODELIST   NODES PARTITION       STATE CPUS    S:C:T MEMORY TMP_DISK WEIGHT AVAIL_FE REASON              
n1             1    debug*      mixed- 2       1:2:1   3000        0      1   (null) none                
n2             1    debug*   allocated 2       1:2:1   3000        0      1   (null) none                
`);
  assert.equal(sinfo(nodes, debug, '-o', '%P %a %l %D %t %N %C %m %e %O'), `\
PARTITION AVAIL TIMELIMIT NODES STATE NODELIST CPUS(A/I/O/T) MEMORY FREE_MEM CPU_LOAD
debug* up infinite 1 mix- n1 1/1/0/2 3000 23422 0.06
debug* up infinite 1 alloc n2 2/0/0/2 3000 23422 0.06
`);
});

test('golden h_defaults: after running2 is cancelled, and what Ratchet prints (no planned flag)', () => {
  const nodes = [hBusy(true)[0] as NodeView, peerNode('n2')];
  assert.equal(sinfo(nodes, debug), `\
PARTITION AVAIL  TIMELIMIT  NODES  STATE NODELIST
debug*       up   infinite      1   mix- n1
debug*       up   infinite      1   idle n2
`);
  assert.equal(sinfo(hBusy(false), debug, '-N'), `\
NODELIST   NODES PARTITION STATE 
n1             1    debug* mix   
n2             1    debug* alloc 
`);
});

// The outputs below came from the peer (Slurm 22.05.8, `source /var/tmp/slurmpeer/env.sh`).
const idle = [peerNode('n1', { cpuLoad: 1.11, freeMem: 23133 }), peerNode('n2', { cpuLoad: 1.11, freeMem: 23133 })];

test('peer, idle cluster: -s, -R, -R -l, -h, -e, -s -N, -R -N, -l -s', () => {
  const summary = 'PARTITION AVAIL  TIMELIMIT   NODES(A/I/O/T) NODELIST\n';
  assert.equal(sinfo(idle, debug, '-s'), `${summary}debug*       up   infinite          0/2/0/2 n[1-2]\n`);
  assert.equal(sinfo(idle, debug, '-R'), 'REASON               USER      TIMESTAMP           NODELIST\n');
  assert.equal(sinfo(idle, debug, '-R', '-l'), `\
Sat Nov 21 05:24:37 2026
REASON               USER         TIMESTAMP           STATE  NODELIST
`);
  assert.equal(sinfo(idle, debug, '-h'), 'debug*       up   infinite      2   idle n[1-2]\n');
  assert.equal(sinfo(idle, debug, '-e'), sinfo(idle, debug));
  assert.equal(sinfo(idle, debug, '-s', '-N'), `${summary}\
debug*       up   infinite          0/1/0/1 n1
debug*       up   infinite          0/1/0/1 n2
`);
  assert.equal(sinfo(idle, debug, '-R', '-N'), 'NODELIST   NODES PARTITION STATE \n');
  assert.equal(sinfo(idle, debug, '-l', '-s'), `Sat Nov 21 05:24:37 2026\n${summary}debug*       up   infinite          0/2/0/2 n[1-2]\n`);
});

test('peer, idle cluster: filters that leave a partition empty print `0 n/a`; -p of nothing prints the header', () => {
  const empty = 'PARTITION AVAIL  TIMELIMIT  NODES  STATE NODELIST\ndebug*       up   infinite      0    n/a \n';
  assert.equal(sinfo(idle, debug, '-d'), empty);
  assert.equal(sinfo(idle, debug, '-t', 'alloc'), empty);
  assert.equal(sinfo(idle, debug, '-n', 'nosuch'), empty);
  assert.equal(sinfo(idle, debug, '-n', 'n[1-2'), empty);
  assert.equal(sinfo(idle, debug, '-p', 'nosuch'), 'PARTITION AVAIL  TIMELIMIT  NODES  STATE NODELIST\n');
  assert.equal(sinfo(idle, debug, '-n', 'n1'), 'PARTITION AVAIL  TIMELIMIT  NODES  STATE NODELIST\ndebug*       up   infinite      1   idle n1\n');
  assert.equal(sinfo(idle, debug, '-N', '-n', 'n1'), 'NODELIST   NODES PARTITION STATE \nn1             1    debug* idle  \n');
  assert.equal(sinfo(idle, debug, '-r'), sinfo(idle, debug));
  for (const t of ['i', 'idle', 'all']) assert.match(sinfo(idle, debug, '-t', t), /2 {3}idle n\[1-2\]\n$/);
  for (const t of ['', 'idle&mix', 'al', 'DRAIN,comp', 'res']) assert.equal(sinfo(idle, debug, '-t', t), empty);
});

test('peer: a bad -t stops sinfo with its two error lines', () => {
  const r = renderSinfo(idle, debug, options(['-t', 'bogus']));
  assert.equal(r.exitCode, 1);
  assert.equal(r.stdout, '');
  assert.deepEqual(r.stderr, [
    'sinfo: error: Bad state string: "bogus"',
    'sinfo: error: valid states: unknown,down,idle,allocated,?,mixed,future,drain,drained,draining,no_respond,'
      + 'reserved,perfctrs,cloud,completing,powering_down,powered_down,power_down,powering_up,fail,maint,reboot,reboot^,unknown',
  ]);
});

test('peer, idle cluster: %all and -O all', () => {
  const expected = `\
AVAIL|ACTIVE_FEATURES|CPUS|TMP_DISK|FREE_MEM|AVAIL_FEATURES|GROUPS|OVERSUBSCRIBE|TIMELIMIT|MEMORY|HOSTNAMES|NODE_ADDR|PRIO_TIER|ROOT|JOB_SIZE|STATE|USER|VERSION|WEIGHT|S:C:T|NODES(A/I) |MAX_CPUS_PER_NODE |CPUS(A/I/O/T) |NODES |REASON |NODES(A/I/O/T) |GRES |TIMESTAMP |PRIO_JOB_FACTOR |DEFAULTTIME |PREEMPT_MODE |NODELIST |CPU_LOAD |PARTITION |PARTITION |ALLOCNODES |STATE |USER |CLUSTER |SOCKETS |CORES |THREADS 
up|(null)|2|0|23133|(null)|all|NO|infinite|3000|vm|127.0.0.1|1|no|1-infinite|idle|Unknown|22.05.8|1|1:2:1|0/2 |UNLIMITED |0/4/0/4 |2 |none |0/2/0/2 |(null) |Unknown |1 |n/a |OFF |n[1-2] |1.11 |debug* |debug |all |idle |Unknown |N/A |1 |2 |1 
`;
  assert.equal(sinfo(idle, debug, '-o', '%all'), expected);
  assert.equal(sinfo(idle, debug, '-O', 'all'), expected);
  assert.equal(sinfo(idle, debug, '-O', 'partition,nodes,statelong,cpusstate'), `\
PARTITION           NODES               STATE               CPUS(A/I/O/T)       
debug*              2                   idle                0/4/0/4             
`);
});

const busy = [
  peerNode('n1', { state: 'MIXED', allocCpus: 1, allocMem: 256, cpuLoad: 1.11, freeMem: 23133, port: 16821 }),
  peerNode('n2', { state: 'ALLOCATED', allocCpus: 2, allocMem: 512, cpuLoad: 1.11, freeMem: 23133, port: 16822 }),
];

test('peer, a1 on n1 and b2 (-c 2) on n2: every letter, -N -o, -O only names, merged lines', () => {
  assert.equal(sinfo(busy, debug, '-s'), 'PARTITION AVAIL  TIMELIMIT   NODES(A/I/O/T) NODELIST\ndebug*       up   infinite          2/0/0/2 n[1-2]\n');
  assert.equal(sinfo(busy, debug, '-t', 'alloc'), sinfo(busy, debug));
  assert.match(sinfo(busy, debug, '-t', 'mix'), /\ndebug\* {7}up {3}infinite {6}1 {4}mix n1\n$/);
  const fmt = '%P|%C|%A|%F|%c|%m|%e|%O|%a|%l|%L|%D|%t|%T|%N|%E|%H|%u|%U|%h|%n|%o|%f|%b|%w|%z|%s|%X|%Y|%Z|%v|%V|%G|%g|%I|%p|%M|%r|%R|%S|%B';
  assert.equal(sinfo(busy, debug, '-o', fmt), `\
PARTITION|CPUS(A/I/O/T)|NODES(A/I)|NODES(A/I/O/T)|CPUS|MEMORY|FREE_MEM|CPU_LOAD|AVAIL|TIMELIMIT|DEFAULTTIME|NODES|STATE|STATE|NODELIST|REASON|TIMESTAMP|USER|USER|OVERSUBSCRIBE|HOSTNAMES|NODE_ADDR|AVAIL_FEATURES|ACTIVE_FEATURES|WEIGHT|S:C:T|JOB_SIZE|SOCKETS|CORES|THREADS|VERSION|CLUSTER|GRES|GROUPS|PRIO_JOB_FACTOR|PRIO_TIER|PREEMPT_MODE|ROOT|PARTITION|ALLOCNODES|MAX_CPUS_PER_NODE
debug*|1/1/0/2|1/0|1/0/0/1|2|3000|23133|1.11|up|infinite|n/a|1|mix|mixed|n1|none|Unknown|Unknown|Unknown|NO|vm|127.0.0.1|(null)|(null)|1|1:2:1|1-infinite|1|2|1|22.05.8|N/A|(null)|all|1|1|OFF|no|debug|all|UNLIMITED
debug*|2/0/0/2|1/0|1/0/0/1|2|3000|23133|1.11|up|infinite|n/a|1|alloc|allocated|n2|none|Unknown|Unknown|Unknown|NO|vm|127.0.0.1|(null)|(null)|1|1:2:1|1-infinite|1|2|1|22.05.8|N/A|(null)|all|1|1|OFF|no|debug|all|UNLIMITED
`);
  assert.equal(sinfo(busy, debug, '-N', '-o', '%N|%C|%e|%O|%m|%t|%T'), `\
NODELIST|CPUS(A/I/O/T)|FREE_MEM|CPU_LOAD|MEMORY|STATE|STATE
n1|1/1/0/2|23133|1.11|3000|mix|mixed
n2|2/0/0/2|23133|1.11|3000|alloc|allocated
`);
  const onlyLong = `\
ALLOCMEM            PORT                COMMENT             EXTRA               GRES_USED           STATECOMPLETE       NODELIST            
256                 16821               (null)              (null)              (null)              mixed               n1                  
512                 16822               (null)              (null)              (null)              allocated           n2                  
`;
  assert.equal(sinfo(busy, debug, '-O', 'allocmem,port,comment,extra,gresused,statecomplete,nodelist'), onlyLong);
  assert.equal(sinfo(busy, debug, '-N', '-O', 'allocmem,port,comment,extra,gresused,statecomplete,nodelist'), onlyLong);
  assert.equal(sinfo(busy, debug, '-o', '%C %D'), 'CPUS(A/I/O/T) NODES\n3/1/0/4 2\n');
  assert.equal(sinfo(busy, debug, '-S', '-P', '-N'), sinfo(busy, debug, '-N'));
});

test('peer: widths, cuts, the default partition star, and an invalid letter printed as text', () => {
  const r = renderSinfo(busy, debug, options(['-o', '%5P|%.5P|%2t|%.2T|%3N|%.1N|%20P|%-5a|%0a|%.0a']));
  assert.deepEqual(r.stderr, ['Invalid node format specification: -']);
  assert.equal(r.stdout, `\
PARTI|PARTI|ST|ST|NOD|NODELIST|PARTITION           |%-5a|AVAIL|AVAIL
debu*|debu*|mi|mi|n1 |n|debug*              |%-5a|up|up
debu*|debu*|al|al|n2 |n|debug*              |%-5a|up|up
`);
});

test('which format applies: -s, then -N, then -R, then SINFO_FORMAT, then the default; -o with -l is fatal', () => {
  const layout = (argv: string[], env: Record<string, string> = {}): string => {
    const l = sinfoLayoutFor(options(argv, env));
    return l.ok ? l.format : l.error;
  };
  const env = { SINFO_FORMAT: '%N' };
  assert.equal(layout(['-s', '-N', '-R'], env), SINFO_FORMATS.summarize);
  assert.equal(layout(['-N', '-R', '-l'], env), SINFO_FORMATS.nodeLong);
  assert.equal(layout(['-R'], env), SINFO_FORMATS.reasons);
  assert.equal(layout(['-R', '-l']), SINFO_FORMATS.reasonsLong);
  assert.equal(layout(['-l'], env), '%N');
  assert.equal(layout(['-l']), SINFO_FORMATS.long);
  assert.equal(layout(['-o', '%P', '-N'], env), '%P');
  assert.match(layout(['-O', 'nodes', '-l']), /^sinfo: fatal: Options -o\(--format\) and -l\(--long\) are mutually exclusive/);
  const r = renderSinfo(idle, debug, options(['-O', 'nodes', '-l', '-t', 'bogus']));
  assert.equal(r.stderr[0], 'sinfo: error: Bad state string: "bogus"');
});
