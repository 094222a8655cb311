import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDateSpec } from './date-spec.ts';

process.env.TZ = 'UTC';

const NOW = Date.UTC(2026, 10, 21, 7, 40, 13) / 1000;
const at = (iso: string): number => Date.parse(`${iso}Z`) / 1000;
const ok = (s: string, past = true): number => {
  const r = parseDateSpec(s, NOW, past);
  assert.ok(r.ok, `${s}: ${JSON.stringify(r)}`);
  return r.epoch;
};
const pos = (s: string): number => {
  const r = parseDateSpec(s, NOW, true);
  assert.ok(!r.ok, `${s} should be refused`);
  return r.pos;
};

test('the formats sacct -S/-E accept', () => {
  assert.equal(ok('2026-11-21T05:24:30'), at('2026-11-21T05:24:30'));
  assert.equal(ok('2026-11-21'), at('2026-11-21T00:00:00'));
  assert.equal(ok('2026-11-21T05:24'), at('2026-11-21T05:24:00'));
  assert.equal(ok('05:24'), at('2026-11-21T05:24:00'));
  assert.equal(ok('5:24:07'), at('2026-11-21T05:24:07'));
  assert.equal(ok('23:00'), at('2026-11-21T23:00:00'), 'a past time is today, even later today');
  assert.equal(ok('1121'), at('2026-11-21T00:00:00'));
  assert.equal(ok('112125'), at('2025-11-21T00:00:00'));
  assert.equal(ok('11/20'), at('2026-11-20T00:00:00'));
  assert.equal(ok('12/01'), at('2025-12-01T00:00:00'), 'past: a month still to come is last year');
  assert.equal(ok('11.20.24'), at('2024-11-20T00:00:00'));
  assert.equal(ok('11/20/24 3:05pm'), at('2024-11-20T15:05:00'));
  assert.equal(ok('12:30am'), at('2026-11-21T00:30:00'));
  assert.equal(ok('today'), at('2026-11-21T00:00:00'));
  assert.equal(ok('midnight'), at('2026-11-21T00:00:00'));
  assert.equal(ok('tomorrow noon'), at('2026-11-22T12:00:00'));
  assert.equal(ok('teatime'), at('2026-11-21T16:00:00'));
  assert.equal(ok('now'), NOW);
  assert.equal(ok('now-1days'), NOW - 86400);
  assert.equal(ok('now+2hour'), NOW + 7200);
  assert.equal(ok('now - 2 hours'), NOW - 7200);
  assert.equal(ok('now-90'), NOW - 90);
  assert.equal(ok('now-1weeks'), NOW - 604800);
  assert.equal(ok('uts1700000000'), 1700000000);
  assert.equal(ok(''), 0, 'nothing given: 0, "not set"');
  assert.equal(ok('T'), 0);
  assert.equal(ok('02/31'), at('2026-03-03T00:00:00'), 'normalised as mktime does');
});

test('future mode (sbatch --begin): a time already past today is tomorrow, a date already past is next year', () => {
  assert.equal(ok('05:00', false), at('2026-11-22T05:00:00'));
  assert.equal(ok('08:00', false), at('2026-11-21T08:00:00'));
  assert.equal(ok('11/20', false), at('2027-11-20T00:00:00'));
  assert.equal(ok('12/01', false), at('2026-12-01T00:00:00'));
});

test('errors give the position the peer reports', () => {
  assert.equal(pos('25:00'), 0);
  assert.equal(pos('2026-13-01'), 5);
  assert.equal(pos('now-1d'), 4);
  assert.equal(pos('now+'), 3);
  assert.equal(pos('abc'), 0);
  assert.equal(pos('2026-11-21T23:00:00x'), 19);
  assert.equal(pos('12:5'), 4);
  assert.equal(pos('13:00pm'), 5);
  assert.equal(pos('uts12'), 0);
  assert.equal(pos('nowx'), 3);
  assert.equal(pos('11/32'), 3);
});
