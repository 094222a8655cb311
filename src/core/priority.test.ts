import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BasicPriorityState } from './priority.ts';
import { INITIAL_PRIORITY_STATE, TOP_PRIORITY, basicPriority, basicPriorityBoost, nextBasicPriority } from './priority.ts';

test('basicPriority: one number per job from 0xffff0000 (golden a_oom, c_exitcodes)', () => {
  assert.equal(TOP_PRIORITY, 4294901760);
  assert.equal(basicPriority(1), 4294901759);
  assert.equal(basicPriority(2), 4294901758);
  assert.equal(basicPriority(3), 4294901757);
  assert.equal(basicPriority(7), 4294901753);
  assert.equal(basicPriority(18), 4294901742);
  assert.equal(basicPriority(TOP_PRIORITY - 1), 1);
  assert.equal(basicPriority(TOP_PRIORITY + 5), 1);
});

test('nextBasicPriority is a counter: held jobs take no number (golden h_defaults 100-107)', () => {
  // Before job 100 the peer had handed out 69 numbers (job 86 got TOP - 65).
  let state: BasicPriorityState = { lowestPrio: TOP_PRIORITY - 69 };
  const got: Array<[number, number]> = [];
  for (const [job, held] of [[100, false], [101, false], [102, false], [103, true], [104, false],
    [105, false], [106, false], [107, false]] as const) {
    if (held) {
      got.push([job, 0]);
      continue;
    }
    const r = nextBasicPriority(state);
    state = r.state;
    got.push([job, r.priority]);
  }
  assert.deepEqual(got, [[100, 4294901690], [101, 4294901689], [102, 4294901688], [103, 0],
    [104, 4294901687], [105, 4294901686], [106, 4294901685], [107, 4294901684]]);
});

test('nextBasicPriority from the start matches basicPriority', () => {
  let state = INITIAL_PRIORITY_STATE;
  for (let job = 1; job <= 20; job++) {
    const r = nextBasicPriority(state);
    assert.equal(r.priority, basicPriority(job));
    state = r.state;
  }
});

test('nextBasicPriority: nice shifts one job, not the counter', () => {
  const start = { lowestPrio: 1000 };
  const niced = nextBasicPriority(start, 100);
  assert.equal(niced.priority, 899);
  assert.equal(niced.state.lowestPrio, 999);
  const boosted = nextBasicPriority(start, -50);
  assert.equal(boosted.priority, 1049);
  assert.equal(boosted.state.lowestPrio, 999);
  // A nice larger than the priority is not applied (priority_p_set's guard).
  assert.equal(nextBasicPriority({ lowestPrio: 50 }, 100).priority, 49);
});

test('nextBasicPriority bottoms out at 1', () => {
  assert.equal(nextBasicPriority({ lowestPrio: 2 }).priority, 1);
  const r = nextBasicPriority({ lowestPrio: 1 });
  assert.equal(r.priority, 1);
  assert.equal(r.state.lowestPrio, 1);
  assert.equal(nextBasicPriority({ lowestPrio: 0 }).priority, 1);
});

test('basicPriorityBoost: only when a million or more below the top', () => {
  assert.equal(basicPriorityBoost(TOP_PRIORITY - 10), 0);
  assert.equal(basicPriorityBoost(TOP_PRIORITY - 999_999), 0);
  assert.equal(basicPriorityBoost(TOP_PRIORITY - 1_000_000), 1_000_000);
  assert.equal(basicPriorityBoost(5), TOP_PRIORITY - 5);
  assert.equal(basicPriorityBoost(0), 0);
});
