import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../core/config.ts';
import type { SubmitRequest } from '../api/wire.ts';
import { SlurmError } from '../api/wire.ts';
import { resolveSubmit } from './submit.ts';

const conf = parseConfig([
  'ClusterName=t', 'DefMemPerCPU=256',
  'NodeName=n[1-2] CPUs=2 RealMemory=3000', 'NodeName=x1 CPUs=2 RealMemory=3000',
  'PartitionName=debug Nodes=n[1-2] Default=YES MaxTime=INFINITE State=UP',
].join('\n'), 'ratchet.conf');
if (!conf.ok) throw new Error('bad test config');
const cfg = conf.config;

const req = (over: Partial<SubmitRequest> = {}): SubmitRequest => ({
  script: '#!/bin/sh\ntrue\n', scriptPath: null, argv: [], name: 'wrap', workDir: '/tmp', stdout: null, stderr: null, stdin: null,
  openMode: null, partition: null, time: null, nodes: null, ntasks: null, cpusPerTask: null, mem: null, env: {}, hold: false,
  comment: null, account: null, qos: null, requeue: null, nice: null, submitHost: 'h', submitSid: 1, testOnly: false, signal: null,
  ...over,
});

test('-w: unknown names are refused as Slurm words it; known ones are required and count as nodes', () => {
  const bad = resolveSubmit(cfg, req({ nodelist: 'nosuchnode' }), 0);
  assert.deepEqual(bad, { ok: false, error: { error: SlurmError.InvalidNodeName } });
  const outside = resolveSubmit(cfg, req({ nodelist: 'x1' }), 0);
  assert.deepEqual(outside, { ok: false, error: { error: SlurmError.NodeConfigUnavailable } });
  const r = resolveSubmit(cfg, req({ nodelist: 'n[1-2]', exclusive: true }), 0);
  assert.ok(r.ok);
  assert.deepEqual(r.req.requiredNodes, ['n1', 'n2']);
  assert.equal(r.req.nodes, 2);
  assert.equal(r.req.exclusive, true);
});

test('too many CPUs for the partition is PartitionConfig, too many nodes asked for is PartitionNodeLimit', () => {
  const tasks = resolveSubmit(cfg, req({ ntasks: 5 }), 0);
  assert.ok(tasks.ok);
  assert.equal(tasks.reason, 'PartitionConfig');
  assert.equal(tasks.req.nodes, 3);
  const nodes = resolveSubmit(cfg, req({ nodes: 3 }), 0);
  assert.ok(nodes.ok);
  assert.equal(nodes.reason, 'PartitionNodeLimit');
});

test('accounts and QOS as a fresh slurmdbd gives them: root is charged to root, others keep what they name', () => {
  const pick = (uid: number, account: string | null, qos: string | null = null): [string, string] => {
    const r = resolveSubmit(cfg, req({ account, qos }), uid);
    assert.ok(r.ok);
    return [r.req.account, r.req.qos];
  };
  assert.deepEqual(pick(0, null), ['root', 'normal']);
  assert.deepEqual(pick(0, 'nosuchacct'), ['root', 'normal']);
  assert.deepEqual(pick(1000, null), ['', 'normal']);
  assert.deepEqual(pick(1000, 'phys'), ['phys', 'normal']);
  assert.deepEqual(pick(0, null, 'nosuchqos'), ['root', '']);
});

test('--mem=0 is shown, while pending, as the largest node memory', () => {
  const r = resolveSubmit(cfg, req({ mem: { perNode: 0 } }), 0);
  assert.ok(r.ok);
  assert.equal(r.wholeNodeMem, 3000);
});
