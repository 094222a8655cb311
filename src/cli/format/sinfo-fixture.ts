// Test support: the peer cluster's nodes and partition (2 nodes x 2 CPUs, 3000 MB, one
// socket of two cores, partition debug) as the sinfo/scontrol tests rebuild them.

import { at } from './job-fixture.ts';
import type { NodeView, PartitionView } from './sinfo-view.ts';

export { at };

export function peerNode(name: string, o: Partial<NodeView> = {}): NodeView {
  return {
    name,
    cpus: 2,
    realMemory: 3000,
    allocCpus: 0,
    allocMem: 0,
    state: 'IDLE',
    reason: null,
    partitions: ['debug'],
    addr: '127.0.0.1',
    hostname: 'vm',
    bootTime: at('04:38:04'),
    agentStartTime: at('05:15:21'),
    lastBusy: at('05:24:24'),
    cpuLoad: 0.06,
    freeMem: 23422,
    os: 'Linux 6.18.44-fc-v669 #1 SMP PREEMPT_DYNAMIC @0',
    arch: 'x86_64',
    version: '22.05.8',
    sockets: 1,
    coresPerSocket: 2,
    threadsPerCore: 1,
    weight: 1,
    ...o,
  };
}

export function peerPartition(o: Partial<PartitionView> = {}): PartitionView {
  return {
    name: 'debug',
    nodes: ['n1', 'n2'],
    isDefault: true,
    maxTime: null,
    defaultTime: null,
    state: 'UP',
    totalCpus: 4,
    totalMem: 6000,
    ...o,
  };
}
