import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLadder, fitPartition, parsePolicy, rungAt, startPosition } from './escalation-policy.ts';
import type { EscalationPolicy } from './escalation-policy.ts';
import { SEED_PARTS, SEED_YAML } from './escalation-fixture.ts';

function ok(text: string): EscalationPolicy {
  const r = parsePolicy(text, 't');
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.policy;
}

function err(text: string): string {
  const r = parsePolicy(text, 't');
  assert.ok(!r.ok, 'expected an error');
  return r.error;
}

test('the seed YAML parses unchanged: coupled levels, state handling, exit codes, seed-only keys warned', () => {
  const r = parsePolicy(SEED_YAML, 'seed');
  assert.ok(r.ok);
  const p = r.policy;
  assert.equal(p.form, 'levels');
  assert.deepEqual(p.levels.map((l) => [l.mem, l.time, l.partitions.join(',')]), [
    [1024, 60, 'devel,day,week,pi_jetz'], [2048, 120, 'day,week,pi_jetz'], [4096, 240, 'week,pi_jetz'], [8192, 480, 'pi_jetz'],
  ]);
  assert.equal(p.states.OUT_OF_MEMORY, 'escalate');
  assert.equal(p.states.FAILED, 'no_retry');
  // Disruptions are retried in place, never escalated, whatever the seed file says.
  assert.equal(p.states.NODE_FAIL, 'retry');
  assert.deepEqual(p.exitCodes, { 137: 'escalate', 1: 'no_retry' });
  assert.deepEqual(r.warnings, ['max_array_spec_len: not needed by Ratchet; ignored']);
  assert.deepEqual(p.budgets, { oom: null, timeout: null, infra: 3 });
});

test('max_level caps the ladder; numbers are Slurm units (MiB, minutes)', () => {
  const p = ok('levels:\n - {mem: 512, time: 1}\n - {mem: 1024, time: 2}\n - {mem: 2048, time: 3}\nmax_level: 2\n');
  assert.deepEqual(p.levels.map((l) => [l.mem, l.time]), [[512, 60], [1024, 120]]);
});

test('the axes form: memory and time ladders, partition order, budgets per cause', () => {
  const p = ok(`
memory: [1G, 2G, 4G]
time: ["1:00", "2:00", "4:00"]
partitions: [devel, day, week]
max_attempts: {oom: 2, timeout: 1, infra: 5}
`);
  assert.equal(p.form, 'axes');
  assert.deepEqual(p.levels.map((l) => l.mem), [1024, 2048, 4096]);
  assert.deepEqual(p.times, [60, 120, 240]);
  assert.deepEqual(p.budgets, { oom: 2, timeout: 1, infra: 5 });
  assert.deepEqual(rungAt(p, { mem: 2, time: 1 }), { mem: 4096, time: 120, partitions: ['devel', 'day', 'week'] });
});

test('bad policies give clear errors naming the place', () => {
  assert.match(err('levels: [\n'), /^escalation policy t: not valid YAML/);
  assert.equal(err('- 1\n- 2\n'), 'escalation policy t: policy: expected a YAML mapping with levels: or memory:/time:');
  assert.equal(err('levels: []\n'), 'escalation policy t: levels: expected a non-empty list of {partition, mem, time}');
  assert.equal(err('levels:\n - {mem: lots, time: 1}\n'), "escalation policy t: levels[0].mem: invalid memory size 'lots' (use e.g. 512M, 4G)");
  assert.equal(err('levels:\n - {mem: 1G}\n'), 'escalation policy t: levels[0]: time is missing');
  assert.equal(err('levels:\n - {mem: 1G, time: soon}\n'),
    "escalation policy t: levels[0].time: invalid time limit 'soon' (use e.g. 30, 1:00:00, 2-00:00:00)");
  assert.equal(err('levels:\n - {mem: 2G, time: 1}\n - {mem: 1G, time: 2}\n'),
    'escalation policy t: levels[1]: each level must raise mem or time and lower neither');
  assert.equal(err('levels:\n - {mem: 1G, time: 1}\nstate_handling: {OUT_OF_MEMORY: maybe}\n'),
    "escalation policy t: state_handling.OUT_OF_MEMORY: unknown action 'maybe' (escalate, retry or no_retry)");
  assert.equal(err('levels:\n - {mem: 1G, time: 1}\nstate_handling: {RUNNING: escalate}\n'),
    "escalation policy t: state_handling: unknown job state 'RUNNING'");
  assert.equal(err('memory: [2G, 1G]\ntime: [1]\n'), 'escalation policy t: memory[1]: a ladder must rise');
  assert.equal(err('memory: [1G]\ntime: [1]\nmax_attempts: {disk: 1}\n'),
    "escalation policy t: max_attempts: unknown cause 'disk' (oom, timeout or infra)");
  assert.equal(err('memory: [1G]\ntime: [1]\nlevels: []\n'), 'escalation policy t: policy: give either levels: or memory:/time: ladders, not both');
});

test('ladder check at submit: every rung must fit a partition, unknown partitions named', () => {
  const seed = ok(SEED_YAML);
  assert.equal(checkLadder(seed, SEED_PARTS, { mem: 0, time: 0 }), null);
  assert.equal(fitPartition(rungAt(seed, { mem: 0, time: 0 }), SEED_PARTS), 'devel');
  assert.equal(fitPartition(rungAt(seed, { mem: 1, time: 1 }), SEED_PARTS), 'week');
  const small = SEED_PARTS.slice(0, 3);
  assert.equal(checkLadder(seed, small, { mem: 0, time: 0 }), "escalation policy t: no partition named 'pi_jetz'");
  const shortPi = [...small, { name: 'pi_jetz', maxTime: 240, maxMem: 16384 }];
  assert.equal(checkLadder(seed, shortPi, { mem: 0, time: 0 }),
    'escalation policy t: level 3 (mem=8G time=00:08:00) fits no node and MaxTime of pi_jetz');
  const axes = ok('memory: [1G, 16G]\ntime: [1, 8]\n');
  assert.equal(checkLadder(axes, SEED_PARTS, { mem: 0, time: 0 }), null);
  const tooBig = ok('memory: [1G, 32G]\ntime: [1, 8]\n');
  assert.equal(checkLadder(tooBig, SEED_PARTS, { mem: 0, time: 0 }),
    'escalation policy t: memory rung 1 with time rung 0 (mem=32G time=00:01:00) fits no node and MaxTime of any partition');
});

test('--escalate-start: a level, or the nearest rung covering a size', () => {
  const seed = ok(SEED_YAML);
  assert.deepEqual(startPosition(seed, '2'), { mem: 2, time: 2 });
  assert.deepEqual(startPosition(seed, '3G'), { mem: 2, time: 2 });
  assert.deepEqual(startPosition(seed, '2G'), { mem: 1, time: 1 });
  assert.equal(startPosition(seed, '9'), '--escalate-start=9: the policy has levels 0-3');
  assert.equal(startPosition(seed, '20G'), "--escalate-start=20G: above the policy's largest rung (8G)");
  assert.equal(startPosition(seed, 'big'), '--escalate-start=big: expected a level number, a memory size or auto');
});
