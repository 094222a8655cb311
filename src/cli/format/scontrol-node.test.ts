import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scontrolNodeText, scontrolShowNodes } from './scontrol-node.ts';
import { scontrolShowPartitions } from './scontrol-partition.ts';
import { at, peerNode, peerPartition } from './sinfo-fixture.ts';

process.env.TZ = 'UTC';

test('golden h_defaults: scontrol show node n1 (MIXED, planned by the backfill)', () => {
  const n1 = peerNode('n1', { state: 'MIXED', allocCpus: 1, allocMem: 256, planned: true });
  assert.equal(scontrolShowNodes([n1, peerNode('n2')], 'n1').stdout, `\
NodeName=n1 Arch=x86_64 CoresPerSocket=2 
   CPUAlloc=1 CPUEfctv=2 CPUTot=2 CPULoad=0.06
   AvailableFeatures=(null)
   ActiveFeatures=(null)
   Gres=(null)
   NodeAddr=127.0.0.1 NodeHostName=vm Version=22.05.8
   OS=Linux 6.18.44-fc-v669 #1 SMP PREEMPT_DYNAMIC @0 
   RealMemory=3000 AllocMem=256 FreeMem=23422 Sockets=1 Boards=1
   State=MIXED+PLANNED ThreadsPerCore=1 TmpDisk=0 Weight=1 Owner=N/A MCS_label=N/A
   Partitions=debug 
   BootTime=2026-11-21T04:38:04 SlurmdStartTime=2026-11-21T05:15:21
   LastBusyTime=2026-11-21T05:24:24
   CfgTRES=cpu=2,mem=3000M,billing=2
   AllocTRES=cpu=1,mem=256M
   CapWatts=n/a
   CurrentWatts=0 AveWatts=0
   ExtSensorsJoules=n/s ExtSensorsWatts=0 ExtSensorsTemp=n/s

`);
});

// From the peer: n2 (agent on port 16822, SlurmdPort 16821) draining with b2 running, then
// drained, then DOWN; `-o` prints the same fields on one line.
const peerN2 = {
  cpuLoad: 1.11, freeMem: 23133, port: 16822, bootTime: at('06:07:40'), agentStartTime: at('06:38:23'),
  os: 'Linux 6.18.44-fc-v657 #1 SMP PREEMPT_DYNAMIC @0', reason: 'disk check', reasonTime: at('06:46:30'),
  reasonUser: { name: 'root', uid: 0 },
};

test('peer: a draining node with its reason stamp, and -o', () => {
  const n2 = peerNode('n2', { ...peerN2, state: 'DRAINING', allocCpus: 2, allocMem: 512, lastBusy: at('06:45:58') });
  const opts = { agentPort: 16821 };
  assert.equal(scontrolNodeText(n2, opts), `\
NodeName=n2 Arch=x86_64 CoresPerSocket=2 
   CPUAlloc=2 CPUEfctv=2 CPUTot=2 CPULoad=1.11
   AvailableFeatures=(null)
   ActiveFeatures=(null)
   Gres=(null)
   NodeAddr=127.0.0.1 NodeHostName=vm Port=16822 Version=22.05.8
   OS=Linux 6.18.44-fc-v657 #1 SMP PREEMPT_DYNAMIC @0 
   RealMemory=3000 AllocMem=512 FreeMem=23133 Sockets=1 Boards=1
   State=ALLOCATED+DRAIN ThreadsPerCore=1 TmpDisk=0 Weight=1 Owner=N/A MCS_label=N/A
   Partitions=debug 
   BootTime=2026-11-21T06:07:40 SlurmdStartTime=2026-11-21T06:38:23
   LastBusyTime=2026-11-21T06:45:58
   CfgTRES=cpu=2,mem=3000M,billing=2
   AllocTRES=cpu=2,mem=512M
   CapWatts=n/a
   CurrentWatts=0 AveWatts=0
   ExtSensorsJoules=n/s ExtSensorsWatts=0 ExtSensorsTemp=n/s
   Reason=disk check [root@2026-11-21T06:46:30]

`);
  assert.equal(scontrolNodeText(n2, { ...opts, oneLiner: true }), 'NodeName=n2 Arch=x86_64 CoresPerSocket=2  CPUAlloc=2 CPUEfctv=2 '
    + 'CPUTot=2 CPULoad=1.11 AvailableFeatures=(null) ActiveFeatures=(null) Gres=(null) NodeAddr=127.0.0.1 NodeHostName=vm '
    + 'Port=16822 Version=22.05.8 OS=Linux 6.18.44-fc-v657 #1 SMP PREEMPT_DYNAMIC @0  RealMemory=3000 AllocMem=512 '
    + 'FreeMem=23133 Sockets=1 Boards=1 State=ALLOCATED+DRAIN ThreadsPerCore=1 TmpDisk=0 Weight=1 Owner=N/A MCS_label=N/A '
    + 'Partitions=debug  BootTime=2026-11-21T06:07:40 SlurmdStartTime=2026-11-21T06:38:23 LastBusyTime=2026-11-21T06:45:58 '
    + 'CfgTRES=cpu=2,mem=3000M,billing=2 AllocTRES=cpu=2,mem=512M CapWatts=n/a CurrentWatts=0 AveWatts=0 '
    + 'ExtSensorsJoules=n/s ExtSensorsWatts=0 ExtSensorsTemp=n/s Reason=disk check [root@2026-11-21T06:46:30]\n');
});

test('peer: drained and down nodes show their state as base+flags and an empty AllocTRES', () => {
  const drained = scontrolNodeText(peerNode('n2', { ...peerN2, state: 'DRAIN', lastBusy: at('06:46:35') }), { agentPort: 16821 });
  assert.match(drained, /\n {3}RealMemory=3000 AllocMem=0 FreeMem=23133 Sockets=1 Boards=1\n {3}State=IDLE\+DRAIN ThreadsPerCore=1 /);
  assert.match(drained, /\n {3}AllocTRES=\n {3}CapWatts=n\/a\n/);
  const down = { ...peerN2, state: 'DOWN' as const, notResponding: false, reason: 'hw fault', reasonTime: at('06:46:44') };
  const text = scontrolNodeText(peerNode('n2', down), { agentPort: 16821 });
  assert.match(text, /\n {3}State=DOWN ThreadsPerCore=1 TmpDisk=0 Weight=1 Owner=N\/A MCS_label=N\/A\n/);
  assert.match(text, /\n {3}Reason=hw fault \[root@2026-11-21T06:46:44\]\n\n$/);
  // The peer: a drained node with one of its two CPUs busy.
  assert.match(scontrolNodeText(peerNode('n1', { state: 'DRAINING', allocCpus: 1 })), /\n {3}State=MIXED\+DRAIN /);
  // Ratchet's DOWN is an agent gone silent: Slurm shows that as DOWN+NOT_RESPONDING.
  assert.match(scontrolNodeText(peerNode('n2', { state: 'DOWN' })), /\n {3}State=DOWN\+NOT_RESPONDING /);
  assert.match(scontrolNodeText(peerNode('n2', { reason: 'two\nlines', reasonTime: at('06:00:00'), reasonUser: { name: 'ops', uid: 7 } })),
    /\n {3}Reason=two \[ops@2026-11-21T06:00:00\]\n {10}lines\n\n$/);
});

test('peer: show node with a hostlist, a missing node, and unknown values', () => {
  const nodes = [peerNode('n1'), peerNode('n2')];
  const both = scontrolShowNodes(nodes, 'n[1-2]');
  assert.equal(both.stdout, scontrolShowNodes(nodes, null).stdout);
  assert.equal(both.stdout.split('\n\n').length, 3);
  assert.deepEqual(scontrolShowNodes(nodes, 'nosuch'), { stdout: 'Node nosuch not found\n', stderr: '', exitCode: 1 });
  assert.deepEqual(scontrolShowNodes(nodes, 'n[1-'), { stdout: '', stderr: 'unable to parse node list n[1-\n', exitCode: 1 });
  assert.deepEqual(scontrolShowNodes([], null), { stdout: 'No nodes in the system\n', stderr: '', exitCode: 0 });
  const bare = peerNode('n9', {
    arch: null, os: null, addr: null, hostname: null, cpuLoad: null, freeMem: null, bootTime: null, agentStartTime: null,
    lastBusy: null, partitions: [], state: 'UNKNOWN',
  });
  const lines = scontrolNodeText(bare).split('\n');
  assert.equal(lines[0], 'NodeName=n9 CoresPerSocket=2 ');
  assert.equal(lines[1], '   CPUAlloc=0 CPUEfctv=2 CPUTot=2 CPULoad=N/A');
  assert.equal(lines[5], '   NodeAddr=n9 NodeHostName=n9 Version=22.05.8');
  assert.equal(lines[6], '   RealMemory=3000 AllocMem=0 FreeMem=N/A Sockets=1 Boards=1');
  assert.equal(lines[7], '   State=UNKNOWN+NOT_RESPONDING ThreadsPerCore=1 TmpDisk=0 Weight=1 Owner=N/A MCS_label=N/A');
  assert.equal(lines[8], '   BootTime=None SlurmdStartTime=None');
  assert.equal(lines[9], '   LastBusyTime=Unknown');
});

test('golden h_defaults and peer: scontrol show partition, -o, and a missing one', () => {
  const debug = peerPartition();
  const block = `\
PartitionName=debug
   AllowGroups=ALL AllowAccounts=ALL AllowQos=ALL
   AllocNodes=ALL Default=YES QoS=N/A
   DefaultTime=NONE DisableRootJobs=NO ExclusiveUser=NO GraceTime=0 Hidden=NO
   MaxNodes=UNLIMITED MaxTime=UNLIMITED MinNodes=0 LLN=NO MaxCPUsPerNode=UNLIMITED
   Nodes=n[1-2]
   PriorityJobFactor=1 PriorityTier=1 RootOnly=NO ReqResv=NO OverSubscribe=NO
   OverTimeLimit=NONE PreemptMode=OFF
   State=UP TotalCPUs=4 TotalNodes=2 SelectTypeParameters=NONE
   JobDefaults=(null)
   DefMemPerNode=UNLIMITED MaxMemPerNode=UNLIMITED
   TRES=cpu=4,mem=6000M,node=2,billing=4

`;
  assert.deepEqual(scontrolShowPartitions([debug], null), { stdout: block, stderr: '', exitCode: 0 });
  assert.equal(scontrolShowPartitions([debug], 'debug').stdout, block);
  assert.equal(scontrolShowPartitions([debug], null, { oneLiner: true }).stdout, 'PartitionName=debug AllowGroups=ALL '
    + 'AllowAccounts=ALL AllowQos=ALL AllocNodes=ALL Default=YES QoS=N/A DefaultTime=NONE DisableRootJobs=NO ExclusiveUser=NO '
    + 'GraceTime=0 Hidden=NO MaxNodes=UNLIMITED MaxTime=UNLIMITED MinNodes=0 LLN=NO MaxCPUsPerNode=UNLIMITED Nodes=n[1-2] '
    + 'PriorityJobFactor=1 PriorityTier=1 RootOnly=NO ReqResv=NO OverSubscribe=NO OverTimeLimit=NONE PreemptMode=OFF State=UP '
    + 'TotalCPUs=4 TotalNodes=2 SelectTypeParameters=NONE JobDefaults=(null) DefMemPerNode=UNLIMITED MaxMemPerNode=UNLIMITED '
    + 'TRES=cpu=4,mem=6000M,node=2,billing=4\n');
  assert.deepEqual(scontrolShowPartitions([debug], 'nosuch'), { stdout: 'Partition nosuch not found\n', stderr: '', exitCode: 1 });
  assert.deepEqual(scontrolShowPartitions([], null), { stdout: 'No partitions in the system\n', stderr: '', exitCode: 0 });
});

test('peer: partitions with limits (scontrol create partitionname=long ... / aaa ... state=down)', () => {
  const long = peerPartition({ name: 'long', isDefault: false, maxTime: 131400, defaultTime: 2700, priorityTier: 3, minNodes: 1, maxNodes: 4 });
  const aaa = peerPartition({ name: 'aaa', isDefault: false, nodes: ['n2'], maxTime: 5400, state: 'DOWN', minNodes: 1, totalCpus: 2, totalMem: 3000 });
  const out = scontrolShowPartitions([peerPartition(), long, aaa], null).stdout.split('\n\n');
  assert.equal(out[1], `\
PartitionName=long
   AllowGroups=ALL AllowAccounts=ALL AllowQos=ALL
   AllocNodes=ALL Default=NO QoS=N/A
   DefaultTime=00:45:00 DisableRootJobs=NO ExclusiveUser=NO GraceTime=0 Hidden=NO
   MaxNodes=4 MaxTime=1-12:30:00 MinNodes=1 LLN=NO MaxCPUsPerNode=UNLIMITED
   Nodes=n[1-2]
   PriorityJobFactor=1 PriorityTier=3 RootOnly=NO ReqResv=NO OverSubscribe=NO
   OverTimeLimit=NONE PreemptMode=OFF
   State=UP TotalCPUs=4 TotalNodes=2 SelectTypeParameters=NONE
   JobDefaults=(null)
   DefMemPerNode=UNLIMITED MaxMemPerNode=UNLIMITED
   TRES=cpu=4,mem=6000M,node=2,billing=4`);
  assert.equal(out[2], `\
PartitionName=aaa
   AllowGroups=ALL AllowAccounts=ALL AllowQos=ALL
   AllocNodes=ALL Default=NO QoS=N/A
   DefaultTime=NONE DisableRootJobs=NO ExclusiveUser=NO GraceTime=0 Hidden=NO
   MaxNodes=UNLIMITED MaxTime=01:30:00 MinNodes=1 LLN=NO MaxCPUsPerNode=UNLIMITED
   Nodes=n2
   PriorityJobFactor=1 PriorityTier=1 RootOnly=NO ReqResv=NO OverSubscribe=NO
   OverTimeLimit=NONE PreemptMode=OFF
   State=DOWN TotalCPUs=2 TotalNodes=1 SelectTypeParameters=NONE
   JobDefaults=(null)
   DefMemPerNode=UNLIMITED MaxMemPerNode=UNLIMITED
   TRES=cpu=2,mem=3000M,node=1,billing=2`);
});
