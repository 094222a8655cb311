import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RatchetConfig } from './config-model.ts';
import type { ConfigResult } from './config.ts';
import { CONFIG_DEFAULTS, logicalLines, nodeAddress, parseConfig } from './config.ts';

const ok = (text: string): { config: RatchetConfig; warnings: Array<{ line: number; message: string }> } => {
  const r = parseConfig(text, 'ratchet.conf');
  if (!r.ok) assert.fail(r.error);
  return r;
};
const err = (text: string): string => {
  const r: ConfigResult = parseConfig(text, 'ratchet.conf');
  if (r.ok) assert.fail('expected an error');
  return r.error;
};

// The peer's slurm.conf, as slurm-up.sh writes it (../shared/peer/README.md).
const PEER = `ClusterName=peer
SlurmctldHost=vm
SlurmctldPort=16817
SlurmdPort=16821
AuthType=auth/munge
AuthInfo=socket=/var/tmp/slurmpeer/munge/munge.socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=/var/tmp/slurmpeer/state
SlurmdSpoolDir=/var/tmp/slurmpeer/spool/slurmd-%n
SlurmctldPidFile=/var/tmp/slurmpeer/run/slurmctld.pid
SlurmdPidFile=/var/tmp/slurmpeer/run/slurmd-%n.pid
SlurmctldLogFile=/var/tmp/slurmpeer/log/slurmctld.log
SlurmdLogFile=/var/tmp/slurmpeer/log/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info
MailProg=/bin/true
MpiDefault=none
ProctrackType=proctrack/cgroup
TaskPlugin=task/cgroup
JobAcctGatherType=jobacct_gather/cgroup
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStoragePort=16819
AccountingStoragePass=/var/tmp/slurmpeer/munge/munge.socket
JobCompType=jobcomp/filetxt
JobCompLoc=/var/tmp/slurmpeer/log/jobcomp.txt
KillWait=5
MinJobAge=300
InactiveLimit=0
ReturnToService=2
SlurmctldTimeout=120
SlurmdTimeout=300
DefMemPerCPU=256
NodeName=n[1-2] NodeHostname=vm NodeAddr=127.0.0.1 Port=[16821-16822] CPUs=2 Sockets=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=3000 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
`;

test('the peer slurm.conf parses to the cluster it describes', () => {
  const { config: c, warnings } = ok(PEER);
  assert.equal(c.clusterName, 'peer');
  assert.equal(c.controlHost, 'vm');
  assert.equal(c.controlPort, 16817);
  assert.equal(c.agentPort, 16821);
  assert.equal(c.authType, 'auth/munge');
  assert.equal(c.mungeSocket, '/var/tmp/slurmpeer/munge/munge.socket');
  assert.equal(c.stateSaveLocation, '/var/tmp/slurmpeer/state');
  assert.equal(c.spoolDir, '/var/tmp/slurmpeer/spool/slurmd-%n');
  assert.equal(c.killWait, 5);
  assert.equal(c.minJobAge, 300);
  assert.equal(c.slurmdTimeout, 300);
  assert.equal(c.defMemPerCpu, 256);
  assert.equal(c.defMemPerNode, null);
  assert.equal(c.slurmUser, 'root');
  assert.deepEqual(c.nodes, [
    { name: 'n1', cpus: 2, realMemory: 3000, addr: '127.0.0.1', hostname: 'vm', port: 16821, sockets: 1, coresPerSocket: 2, threadsPerCore: 1, weight: 1 },
    { name: 'n2', cpus: 2, realMemory: 3000, addr: '127.0.0.1', hostname: 'vm', port: 16822, sockets: 1, coresPerSocket: 2, threadsPerCore: 1, weight: 1 },
  ]);
  assert.deepEqual(c.partitions, [
    { name: 'debug', nodes: ['n1', 'n2'], isDefault: true, maxTime: null, defaultTime: null, state: 'UP', priorityTier: 1 },
  ]);
  // Every Slurm-only key is a warning on its own line; nothing else is.
  const lines = PEER.split('\n');
  for (const w of warnings) assert.match(w.message, /is not used by Ratchet; ignored$/, JSON.stringify(w));
  const warned = new Set(warnings.map((w) => lines[w.line - 1]?.split('=')[0]));
  for (const key of ['CredType', 'SlurmdUser', 'SchedulerType', 'ProctrackType', 'SelectType', 'MpiDefault', 'AccountingStoragePass']) {
    assert.ok(warned.has(key), key);
  }
  for (const key of ['ClusterName', 'KillWait', 'NodeName', 'PartitionName', 'DefMemPerCPU', 'AuthInfo']) {
    assert.ok(!warned.has(key), key);
  }
});

test('an empty file gives Ratchet\'s defaults', () => {
  const { config: c, warnings } = ok('');
  assert.deepEqual({ ...c, nodes: undefined, partitions: undefined }, { ...CONFIG_DEFAULTS, nodes: undefined, partitions: undefined });
  assert.equal(c.clusterName, 'ratchet');
  assert.equal(c.controlPort, 6827);
  assert.equal(c.agentPort, 6828);
  assert.equal(c.stateSaveLocation, '/var/spool/ratchet/state');
  assert.equal(c.spoolDir, '/var/spool/ratchet/spool');
  assert.equal(c.killWait, 30);
  assert.equal(c.minJobAge, 300);
  assert.equal(c.slurmdTimeout, 300);
  assert.equal(c.maxArraySize, 1001);
  assert.equal(c.timeResolution, 'minutes');
  assert.equal(c.authType, 'auth/munge');
  assert.deepEqual(c.adminUsers, []);
  assert.deepEqual(c.privateData, []);
  assert.deepEqual(c.nodes, []);
  assert.deepEqual(c.partitions, []);
  assert.deepEqual(warnings, []);
});

test('lexing: comments, escapes, continuation, quoting, several pairs per line, case', () => {
  const { config: c } = ok([
    '# a comment',
    '   ',
    'clustername=Alpha   # trailing comment',
    'KILLWAIT=7 MinJobAge=10 \\',
    '  SlurmUser=slurm',
    'StateSaveLocation="/var/lib/my state"',
    'SlurmdSpoolDir=/spool/with\\#hash',
    'AdminUsers="alice, bob"',
  ].join('\n'));
  assert.equal(c.clusterName, 'alpha'); // Slurm lower-cases ClusterName
  assert.equal(c.killWait, 7);
  assert.equal(c.minJobAge, 10);
  assert.equal(c.slurmUser, 'slurm');
  assert.equal(c.stateSaveLocation, '/var/lib/my state');
  assert.equal(c.spoolDir, '/spool/with#hash');
  assert.deepEqual(c.adminUsers, ['alice', 'bob']);
});

test('a bare word after a pair is a parse error with its line number', () => {
  assert.equal(err('ClusterName=x\nAdminUsers=alice, bob'), 'ratchet.conf:2: Parse error: "bob"');
  assert.equal(err('\n\nInclude /etc/other.conf'), 'ratchet.conf:3: Include is not supported');
  assert.equal(err('KillWait+=5'), 'ratchet.conf:1: operator "+=" is not supported (KillWait)');
});

test('logicalLines: numbering, joined continuation, CRLF', () => {
  assert.deepEqual(logicalLines('a=1\r\nb=2 \\\r\nc=3\nd=4'), [
    { line: 1, text: 'a=1' }, { line: 2, text: 'b=2 c=3' }, { line: 4, text: 'd=4' },
  ]);
  assert.deepEqual(logicalLines('a=1\\\\\nb=2'), [{ line: 1, text: 'a=1\\' }, { line: 2, text: 'b=2' }]);
  assert.deepEqual(logicalLines('x=1 \\'), [{ line: 1, text: 'x=1 ' }]);
});

test('AdminUsers, TimeResolution, AuthType=auth/none, SlurmctldHost with an address', () => {
  const { config: c, warnings } = ok([
    'AdminUsers=alice,bob,,alice',
    'TimeResolution=Seconds',
    'AuthType=auth/none',
    'SlurmctldHost=head(10.1.2.3)',
    'SlurmctldHost=backup',
    'AuthInfo=socket=/run/m.sock,ttl=60',
    'MaxArraySize=5000',
    'DefMemPerNode=2048',
  ].join('\n'));
  assert.deepEqual(c.adminUsers, ['alice', 'bob']);
  assert.equal(c.timeResolution, 'seconds');
  assert.equal(c.authType, 'auth/none');
  assert.equal(c.controlHost, '10.1.2.3');
  assert.equal(c.mungeSocket, '/run/m.sock');
  assert.equal(c.maxArraySize, 5000);
  assert.equal(c.defMemPerNode, 2048);
  assert.deepEqual(warnings, [
    { line: 5, message: 'backup controller backup is not supported; ignored' },
    { line: 6, message: 'AuthInfo ttl=60 is not used by Ratchet; ignored' },
  ]);
  // Memory values in slurm.conf are plain MiB numbers: no G suffix.
  assert.equal(err('DefMemPerNode=2G'), 'ratchet.conf:1: DefMemPerNode value "2G" is not a valid number');
  assert.equal(ok('ControlAddr=10.9.9.9\nControlMachine=head').config.controlHost, '10.9.9.9');
});

test('numbers follow strtoul base 0 and Slurm\'s limits', () => {
  assert.equal(ok('KillWait=0x10').config.killWait, 16);
  assert.equal(ok('KillWait=010').config.killWait, 8);
  assert.equal(ok('MinJobAge=2k').config.minJobAge, 2048);
  assert.equal(ok('DefMemPerCPU=0').config.defMemPerCpu, null);
  assert.equal(ok('DefMemPerCPU=UNLIMITED').config.defMemPerCpu, null);
  assert.equal(ok('MinJobAge=1').config.minJobAge, 2);
  const both = ok('DefMemPerCPU=100\nDefMemPerNode=1000');
  assert.equal(both.config.defMemPerCpu, null);
  assert.equal(both.config.defMemPerNode, 1000);
  assert.deepEqual(both.warnings, [{ line: 1, message: 'DefMemPerCPU ignored, since it is mutually exclusive with DefMemPerNode' }]);
  assert.equal(err('KillWait=abc'), 'ratchet.conf:1: KillWait value "abc" is not a valid number');
  assert.equal(err('KillWait=08'), 'ratchet.conf:1: KillWait value "08" is not a valid number');
  assert.equal(err('KillWait=-1'), 'ratchet.conf:1: KillWait value (-1) is less than zero');
  assert.equal(err('KillWait=70000'), 'ratchet.conf:1: KillWait value (70000) is out of range');
  assert.equal(err('KillWait=2k'), 'ratchet.conf:1: KillWait value "2k" is not a valid number');
  assert.equal(err('MaxArraySize=4000002'), 'ratchet.conf:1: MaxArraySize value (4000002) is greater than 4000001');
  assert.equal(err('SlurmctldPort=0'), 'ratchet.conf:1: Invalid SlurmctldPort 0');
  assert.equal(err('SlurmdPort=abc'), 'ratchet.conf:1: Invalid SlurmdPort abc');
  assert.equal(err('AuthType=auth/jwt'), 'ratchet.conf:1: AuthType auth/jwt is not supported (auth/munge or auth/none)');
  assert.equal(err('TimeResolution=hours'), 'ratchet.conf:1: TimeResolution must be minutes or seconds, not hours');
  assert.equal(err('ClusterName=""'), 'ratchet.conf:1: ClusterName may not be empty');
});

test('unknown and ignored keys warn with their line; repeated keys warn', () => {
  const { warnings, config } = ok('Frobnicate=1\nSchedulerType=sched/backfill\nKillWait=3\nKillWait=4\nDownNodes=n1 State=DOWN');
  assert.deepEqual(warnings, [
    { line: 1, message: 'unknown key Frobnicate; ignored' },
    { line: 2, message: 'SchedulerType is not used by Ratchet; ignored' },
    { line: 4, message: 'KillWait given again; the last value is used' },
    { line: 5, message: 'DownNodes lines are not used by Ratchet; ignored' },
  ]);
  assert.equal(config.killWait, 4);
});

test('NodeName: hostlists, defaults, inferred sockets/CPUs, per-node ports and addresses', () => {
  const { config: c, warnings } = ok([
    'NodeName=DEFAULT CPUs=4 RealMemory=8000',
    'NodeName=c[01-02] NodeAddr=10.0.0.[1-2] Port=7001-7002',
    'NodeName=DEFAULT RealMemory=16000 Gres=gpu:1',
    'NodeName=g1 CoresPerSocket=2 ThreadsPerCore=2 Weight=5',
    'NodeName=big Sockets=2 CoresPerSocket=8 ThreadsPerCore=2 RealMemory=0x100',
  ].join('\n'));
  assert.deepEqual(c.nodes.map((n) => [n.name, n.cpus, n.realMemory, n.sockets, n.coresPerSocket, n.threadsPerCore, n.weight, n.addr, n.port]), [
    ['c01', 4, 8000, 4, 1, 1, 1, '10.0.0.1', 7001],
    ['c02', 4, 8000, 4, 1, 1, 1, '10.0.0.2', 7002],
    ['g1', 4, 16000, 1, 2, 2, 5, null, null],
    ['big', 32, 256, 2, 8, 2, 1, null, null],
  ]);
  // The DEFAULT CPUs=4 does not fit big's 2x8x2 layout: Slurm resets CPUs and says so.
  assert.deepEqual(warnings, [
    { line: 3, message: 'NodeName Gres is not used by Ratchet; ignored' },
    { line: 5, message: 'NodeNames=big CPUs=4 match no Sockets, Sockets*CoresPerSocket or Sockets*CoresPerSocket*ThreadsPerCore. Resetting CPUs.' },
  ]);
  const one = ok('NodeName=solo').config.nodes[0];
  assert.deepEqual(one, { name: 'solo', cpus: 1, realMemory: 1, addr: null, hostname: null, port: null, sockets: 1, coresPerSocket: 1, threadsPerCore: 1, weight: 1 });
  assert.equal(one && nodeAddress(one), 'solo');
  const h = ok('NodeName=n[1-2] NodeHostname=h[1-2]').config.nodes;
  assert.deepEqual(h.map((n) => [n.hostname, n.addr, nodeAddress(n)]), [['h1', 'h1', 'h1'], ['h2', 'h2', 'h2']]);
});

test('NodeName: CPUs that match no socket layout are reset, as Slurm does', () => {
  const { config, warnings } = ok('NodeName=n1 CPUs=3 Sockets=2 CoresPerSocket=2');
  assert.equal(config.nodes[0]?.cpus, 4);
  assert.match(warnings[0]?.message ?? '', /CPUs=3 match no Sockets/);
  const z = ok('NodeName=n1 CPUs=0');
  assert.equal(z.config.nodes[0]?.cpus, 1);
  assert.match(z.warnings[0]?.message ?? '', /CPUs=0 is invalid, reset to 1/);
});

test('NodeName errors', () => {
  assert.equal(err('NodeName=n1 CPUs=two'), 'ratchet.conf:1: CPUs value "two" is not a valid number');
  assert.equal(err('NodeName=n[1-2]\nNodeName=n2'), 'ratchet.conf:2: Duplicated NodeName n2');
  assert.equal(err('NodeName=n[1-'), 'ratchet.conf:1: Unable to create NodeName list from n[1-');
  assert.equal(err('NodeName=ALL'), "ratchet.conf:1: 'ALL' is a reserved word disallowed for use with NodeName");
  assert.equal(err('NodeName=DEFAULT NodeAddr=x'), 'ratchet.conf:1: NodeAddr not allowed with NodeName=DEFAULT');
  assert.equal(err('NodeName=n[1-3] Port=[1-2]'),
    'ratchet.conf:1: Port count must equal that of NodeName records or there must be no more than one (2 != 3)');
  assert.equal(err('NodeName=n[1-3] NodeAddr=a,b'),
    'ratchet.conf:1: NodeAddr count must equal that of NodeName records or there must be no more than one (2 != 3)');
  assert.equal(err('NodeName=n1 Port=99999'), 'ratchet.conf:1: Invalid Port 99999');
  assert.equal(err('NodeName=n1 Port=abc'), 'ratchet.conf:1: Invalid Port abc');
});

test('PartitionName: nodes, times in minutes, state, tier, defaults', () => {
  const { config: c, warnings } = ok([
    'PartitionName=DEFAULT MaxTime=60 State=UP',
    'PartitionName=short Nodes=n[1-2] Default=YES DefaultTime=5',
    'PartitionName=long Nodes=n2,n1,n2 MaxTime=1-00:00:00 PriorityTier=10 State=DRAIN',
    'PartitionName=empty State=inactive MaxTime=UNLIMITED',
    'PartitionName=odd Nodes=ALL Priority=3 MaxTime=0 AllowGroups=wheel',
    'NodeName=n[1-2] CPUs=2',
  ].join('\n'));
  assert.deepEqual(c.partitions, [
    { name: 'short', nodes: ['n1', 'n2'], isDefault: true, maxTime: 3600, defaultTime: 300, state: 'UP', priorityTier: 1 },
    { name: 'long', nodes: ['n1', 'n2'], isDefault: false, maxTime: 86400, defaultTime: null, state: 'DRAIN', priorityTier: 10 },
    { name: 'empty', nodes: [], isDefault: false, maxTime: null, defaultTime: null, state: 'INACTIVE', priorityTier: 1 },
    { name: 'odd', nodes: ['n1', 'n2'], isDefault: false, maxTime: 0, defaultTime: null, state: 'UP', priorityTier: 3 },
  ]);
  assert.deepEqual(warnings, [{ line: 5, message: 'PartitionName AllowGroups is not used by Ratchet; ignored' }]);
});

test('PartitionName: the last Default=YES wins', () => {
  const { config, warnings } = ok('NodeName=n1\nPartitionName=a Nodes=n1 Default=YES\nPartitionName=b Nodes=n1 Default=yes');
  assert.deepEqual(config.partitions.map((p) => [p.name, p.isDefault]), [['a', false], ['b', true]]);
  assert.deepEqual(warnings, [{ line: 2, message: 'PartitionName=a Default=YES overridden by PartitionName=b' }]);
});

test('PartitionName errors', () => {
  assert.equal(err('NodeName=n1\nPartitionName=p Nodes=n[1-2]'), 'ratchet.conf:2: PartitionName=p: node n2 is not defined');
  assert.equal(err('PartitionName=p Nodes=n[1'), 'ratchet.conf:1: PartitionName=p: invalid Nodes=n[1');
  assert.equal(err('PartitionName=p MaxTime=forever'), 'ratchet.conf:1: Bad value "forever" for MaxTime');
  assert.equal(err('PartitionName=p MaxTime=-5'), 'ratchet.conf:1: Bad value "-5" for MaxTime');
  assert.equal(err('PartitionName=p DefaultTime=x'), 'ratchet.conf:1: Bad value "x" for DefaultTime');
  assert.equal(err('PartitionName=p State=SIDEWAYS'), 'ratchet.conf:1: Bad value "SIDEWAYS" for State');
  assert.equal(err('PartitionName=p Default=maybe'), 'ratchet.conf:1: "maybe" is not a valid option for "Default"');
  assert.equal(err('PartitionName=p\nPartitionName=p'), 'ratchet.conf:2: Duplicate PartitionName p');
  assert.equal(err('PartitionName=p PriorityTier=x'), 'ratchet.conf:1: PriorityTier value "x" is not a valid number');
});

test('any input gives a value, never a throw', () => {
  const samples = ['=', '==', 'a=', '"', 'NodeName=', 'PartitionName=', 'NodeName="" CPUs=1', '\\', '\\\\\\',
    'x=1 "y"=2', 'NodeName=n[0-99999999]', '\u0000=\u0000', 'NodeName=n1 Port=[', 'SlurmctldHost=(x)'];
  for (const s of samples) {
    const r = parseConfig(s, 'f');
    assert.equal(typeof r.ok, 'boolean', s);
  }
});

test('PrivateData: a list of Slurm\'s words, any case; all means every one; unknown words warn', () => {
  assert.deepEqual(ok('PrivateData=Jobs,usage').config.privateData, ['jobs', 'usage']);
  assert.ok(ok('PrivateData=all').config.privateData.includes('jobs'));
  const r = ok('PrivateData=jobs,bogus');
  assert.deepEqual(r.config.privateData, ['jobs']);
  assert.deepEqual(r.warnings, [{ line: 1, message: 'PrivateData bogus unknown; ignored' }]);
});

test('DependencyParameters: kill_invalid_depend, max_depend_depth, text kept for show config', () => {
  const base = ok('');
  assert.deepEqual([base.config.dependencyParameters, base.config.killInvalidDepend, base.config.maxDependDepth], [null, false, 10]);
  const r = ok('DependencyParameters=kill_invalid_depend,max_depend_depth=3,bogus\n');
  assert.deepEqual([r.config.dependencyParameters, r.config.killInvalidDepend, r.config.maxDependDepth],
    ['kill_invalid_depend,max_depend_depth=3,bogus', true, 3]);
  assert.deepEqual(r.warnings, [{ line: 1, message: 'DependencyParameters option bogus is not used by Ratchet; ignored' }]);
  assert.match(err('DependencyParameters=max_depend_depth=x\n'), /line 1|:1:/);
});
