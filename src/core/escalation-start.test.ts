import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicy } from './escalation-policy.ts';
import type { EscalationPolicy } from './escalation-policy.ts';
import { autoStartPosition, quantile, quantileLabel, sizeText } from './escalation-start.ts';
import type { PastRun } from './escalation-start.ts';
import { SEED_YAML } from './escalation-fixture.ts';

function policy(text: string): EscalationPolicy {
  const r = parsePolicy(text, 't');
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.policy;
}

const runs = (peaks: readonly number[], elapsed = 10): PastRun[] => peaks.map((peakMib) => ({ peakMib, elapsed }));

test('nearest-rank quantile', () => {
  assert.equal(quantile([], 0.95), null);
  assert.equal(quantile([7], 0.95), 7);
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted input
  assert.equal(quantile(hundred, 0.95), 95);
  assert.equal(quantile(hundred, 1), 100);
  assert.equal(quantile(hundred, 0.5), 50);
  assert.equal(quantile([1, 2, 3, 4, 5], 0.95), 5);
  assert.equal(quantile([1, 2, 3, 4, 5], 0.6), 3);
  assert.equal(quantileLabel(0.95), 'p95');
  assert.equal(quantileLabel(0.995), 'p99.5');
  assert.deepEqual([sizeText(3174), sizeText(212), sizeText(211.2)], ['3.10G', '212M', '212M']);
});

test('policy fields: defaults p95 over at least 5 runs; start_quantile and start_min_runs checked', () => {
  assert.deepEqual(policy(SEED_YAML).autoStart, { quantile: 0.95, minRuns: 5 });
  const p = policy('levels:\n  - {mem: 1G, time: 60}\nstart_quantile: 0.9\nstart_min_runs: 20\n');
  assert.deepEqual(p.autoStart, { quantile: 0.9, minRuns: 20 });
  for (const [yaml, msg] of [
    ['start_quantile: 1.5', "start_quantile: expected a fraction in (0, 1] such as 0.95, got '1.5'"],
    ['start_quantile: 0', "start_quantile: expected a fraction in (0, 1] such as 0.95, got '0'"],
    ['start_min_runs: 0', "start_min_runs: expected a whole number of runs (1-100000), got '0'"],
    ['start_min_runs: two', "start_min_runs: expected a whole number of runs (1-100000), got 'two'"],
  ] as const) {
    const r = parsePolicy(`levels:\n  - {mem: 1G, time: 60}\n${yaml}\n`, 't');
    assert.deepEqual(r, { ok: false, error: `escalation policy t: ${msg}` });
  }
});

test('auto start: too little history starts at level 0 and says how much is missing', () => {
  const p = policy(SEED_YAML);
  assert.deepEqual(autoStartPosition(p, runs([3000, 3000, 3000])),
    { pos: { mem: 0, time: 0 }, note: 'started at level 0: 3 earlier runs, need 5' });
  assert.equal(autoStartPosition(p, runs([3000])).note, 'started at level 0: 1 earlier run, need 5');
});

test('auto start: the lowest rung covering the p95 peak (levels form, memory)', () => {
  const p = policy(SEED_YAML); // 1G/1m, 2G/2m, 4G/4m, 8G/8m
  // 212 runs: 200 small, 12 at 3.1G. p95 = rank 202 -> 3.1G -> the 4G rung.
  const hist = runs([...Array<number>(200).fill(500), ...Array<number>(12).fill(3174)]);
  assert.deepEqual(autoStartPosition(p, hist),
    { pos: { mem: 2, time: 2 }, note: 'started at level 2 (4G/00:04:00): p95 of 212 runs = 3.10G peak, 00:00:10 elapsed' });
  // The same runs at p90 (rank 191) are all small: level 0.
  const p90 = policy(`${SEED_YAML}\nstart_quantile: 0.9\n`);
  assert.deepEqual(autoStartPosition(p90, hist).pos, { mem: 0, time: 0 });
  // A peak exactly at a rung fits it (the cgroup limit is that size).
  assert.deepEqual(autoStartPosition(p, runs([2048, 2048, 2048, 2048, 2048])).pos, { mem: 1, time: 1 });
  // Above the top rung: start at the top and say so.
  assert.match(autoStartPosition(p, runs([9000, 9000, 9000, 9000, 9000])).note,
    /^started at level 3 \(8G\/00:08:00\): p95 of 5 runs = 8\.79G peak, 00:00:10 elapsed, above the top rung$/);
});

test('auto start: elapsed raises the coupled level; on independent axes it picks the time rung alone', () => {
  const levels = policy(SEED_YAML);
  // Small peaks but runs of 100 s: the 2-minute rung (level 1).
  assert.deepEqual(autoStartPosition(levels, runs([100, 100, 100, 100, 100], 100)).pos, { mem: 1, time: 1 });
  const axes = policy('memory: [1G, 2G, 4G]\ntime: ["00:01:00", "00:10:00", "01:00:00"]\n');
  const r = autoStartPosition(axes, [...runs([1500, 1500, 1500, 1500], 300), { peakMib: 1800, elapsed: 30 }]);
  assert.deepEqual(r.pos, { mem: 1, time: 1 });
  assert.equal(r.note, 'started at level 2 (2G/00:10:00): p95 of 5 runs = 1.76G peak, 00:05:00 elapsed');
});
