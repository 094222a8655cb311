import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RatchetConfig } from '../../core/config-model.ts';
import { parseConfig } from '../../core/config.ts';
import { at } from './job-fixture.ts';
import type { ScontrolConfigInput } from './scontrol-config.ts';
import { configPairs, scontrolShowConfig } from './scontrol-config.ts';

process.env.TZ = 'UTC';

// The settings of the peer's slurm.conf that Ratchet reads (/var/tmp/slurmpeer/etc/slurm.conf).
const PEER_CONF = `ClusterName=peer
SlurmctldHost=vm
SlurmctldPort=16817
SlurmdPort=16821
AuthType=auth/munge
AuthInfo=socket=/var/tmp/slurmpeer/munge/munge.socket
SlurmUser=root
StateSaveLocation=/var/tmp/slurmpeer/state
SlurmdSpoolDir=/var/tmp/slurmpeer/spool/slurmd-%n
KillWait=5
MinJobAge=300
SlurmdTimeout=300
DefMemPerCPU=256
NodeName=n[1-2] NodeHostname=vm NodeAddr=127.0.0.1 CPUs=2 Sockets=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=3000
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
`;

// What the peer's `scontrol show config` printed for those keys, in its order (the lines in
// between, for settings Ratchet does not have, left out).
const PEER_SHOW_CONFIG = `Configuration data as of 2026-11-21T06:53:10
AuthInfo                = socket=/var/tmp/slurmpeer/munge/munge.socket
AuthType                = auth/munge
BOOT_TIME               = 2026-11-21T06:38:22
ClusterName             = peer
DefMemPerCPU            = 256
DependencyParameters    = (null)
KillWait                = 5 sec
MaxArraySize            = 1001
MaxNodeCount            = 2
MinJobAge               = 300 sec
NEXT_JOB_ID             = 205
SlurmUser               = root(0)
SlurmctldHost[0]        = vm
SlurmctldPort           = 16817
SlurmdPort              = 16821
SlurmdSpoolDir          = /var/tmp/slurmpeer/spool/slurmd-%n
SlurmdTimeout           = 300 sec
SLURM_CONF              = /var/tmp/slurmpeer/etc/slurm.conf
SLURM_VERSION           = 22.05.8
StateSaveLocation       = /var/tmp/slurmpeer/state

Slurmctld(primary) at vm is UP
`;

function peerConfig(): RatchetConfig {
  const r = parseConfig(PEER_CONF, 'slurm.conf');
  if (!r.ok) assert.fail(r.error);
  return r.config;
}

const input = (o: Partial<ScontrolConfigInput> = {}): ScontrolConfigInput => ({
  config: peerConfig(),
  loadedAt: at('06:53:10'),
  bootTime: at('06:38:22'),
  nextJobId: 205,
  confPath: '/var/tmp/slurmpeer/etc/slurm.conf',
  version: '22.05.8',
  slurmUserUid: 0,
  controllerUp: true,
  ...o,
});

test('peer: every Slurm key Ratchet prints matches the peer line for line, in the peer\'s order', () => {
  const ours = scontrolShowConfig(input()).split('\n');
  const ratchetOnly = /^(AdminUsers|TimeResolution) /;
  assert.equal(ours.filter((l) => !ratchetOnly.test(l)).join('\n'), PEER_SHOW_CONFIG);
  assert.ok(ours.includes('AdminUsers              = (null)'));
  assert.ok(ours.includes('TimeResolution          = minutes'));
});

test('DefMemPerCPU, DefMemPerNode or UNLIMITED; unset values print as Slurm does', () => {
  const c = peerConfig();
  const pair = (cfg: RatchetConfig, key: RegExp): string[] =>
    configPairs(input({ config: cfg })).filter(([k]) => key.test(k)).map(([k, v]) => `${k}=${v}`);
  assert.deepEqual(pair({ ...c, defMemPerCpu: null, defMemPerNode: 4000 }, /^DefMem/), ['DefMemPerNode=4000']);
  assert.deepEqual(pair({ ...c, defMemPerCpu: null, defMemPerNode: null }, /^DefMem/), ['DefMemPerNode=UNLIMITED']);
  assert.deepEqual(pair({ ...c, mungeSocket: null, adminUsers: ['alice', 'bob'] }, /^(AuthInfo|AdminUsers)$/), [
    'AdminUsers=alice,bob', 'AuthInfo=(null)',
  ]);
  const text = scontrolShowConfig(input({ nextJobId: null, slurmUserUid: null, controllerUp: null }));
  assert.doesNotMatch(text, /NEXT_JOB_ID|Slurmctld\(primary\)/);
  assert.match(text, /\nSlurmUser {15}= root\n/);
  assert.match(scontrolShowConfig(input({ controllerUp: false })), /\n\nSlurmctld\(primary\) at vm is DOWN\n$/);
});
