import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LimitClock } from './limit-clock.ts';

function clock(limitMs: number | null, warnBeforeMs: number | null) {
  const fired: [string, number][] = [];
  const t0 = Date.now();
  const c = new LimitClock({
    limitMs, warnBeforeMs,
    onLimit: () => fired.push(['limit', Date.now() - t0]),
    onWarn: () => fired.push(['warn', Date.now() - t0]),
    guard: (_w, fn) => fn(),
  });
  return { c, fired, t0 };
}
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Fired in this order, each no earlier than its time and (timers being late under load) within 150 ms of it. */
function firedAt(fired: [string, number][], want: [string, number][]): void {
  assert.deepEqual(fired.map(([k]) => k), want.map(([k]) => k));
  want.forEach(([, ms], i) => {
    const got = fired[i]?.[1] ?? -1;
    assert.ok(got >= ms - 5 && got < ms + 150, `${want[i]?.[0]} at ${got} ms, expected ${ms}`);
  });
}

test('the warning comes before the limit, each once', async () => {
  const { c, fired, t0 } = clock(300, 200);
  c.start(t0);
  await wait(500);
  firedAt(fired, [['warn', 100], ['limit', 300]]);
});

test('time already run and time paused are accounted for', async () => {
  const { c, fired, t0 } = clock(300, null);
  c.start(t0, 100);
  c.pause(t0);
  await wait(200);
  c.resume(Date.now());
  await wait(400);
  firedAt(fired, [['limit', 400]]);
});

test('a new limit counts from the same start; stop is final; no limit never fires', async () => {
  const a = clock(1000, null);
  a.c.start(a.t0);
  a.c.setLimit(200);
  const b = clock(100, null);
  b.c.start(b.t0);
  b.c.stop();
  b.c.setLimit(50);
  const n = clock(null, 50);
  n.c.start(n.t0);
  await wait(400);
  firedAt(a.fired, [['limit', 200]]);
  assert.deepEqual(b.fired, []);
  assert.deepEqual(n.fired, []);
});
