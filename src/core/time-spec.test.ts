import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyTimeLimitUpdate, formatElapsed, formatLimit, formatSqueueTime, formatTimestamp,
  parseConfigMinutes, parseTimeLimitUpdate, parseTimeSpec, roundUpToMinute,
} from './time-spec.ts';

const secs = (s: string): number | 'UNLIMITED' | 'invalid' => {
  const r = parseTimeSpec(s);
  return r.ok ? r.seconds : 'invalid';
};

test('--time grammar: every shape of time_str2secs', () => {
  assert.equal(secs('90'), 90 * 60); // golden: --time=90 is 01:30:00
  assert.equal(secs('1:30'), 90); // golden: 1 min 30 s (shown as 00:02:00 once rounded)
  assert.equal(secs('1:30:00'), 5400);
  assert.equal(secs('1-00:00:00'), 86400); // golden: 1-00:00:00
  assert.equal(secs('2-3'), 2 * 86400 + 3 * 3600);
  assert.equal(secs('2-3:04'), 2 * 86400 + 3 * 3600 + 4 * 60);
  assert.equal(secs('2-3:04:05'), 2 * 86400 + 3 * 3600 + 4 * 60 + 5);
  assert.equal(secs('1-'), 86400);
  assert.equal(secs('0:59'), 59);
  assert.equal(secs('00:05:00'), 300);
  assert.equal(secs('007'), 420);
});

test('--time: unlimited spellings and 0', () => {
  for (const s of ['-1', 'INFINITE', 'infinite', 'UNLIMITED', 'Unlimited', '0', '0:0', '0-0']) {
    assert.equal(secs(s), 'UNLIMITED', s);
  }
});

test('--time rejects what Slurm rejects', () => {
  for (const s of ['abc', '', '1:', ':1', '1::2', '1:2:', '1:2:3:4', '1-2-3', '1:2-3', '-', '1-2:', '1-2:3:', '1.5', ' 5', '5m', '+5', '1-:2']) {
    assert.equal(secs(s), 'invalid', JSON.stringify(s));
  }
});

test('--time=-5 is -5 days pushed through C int rounding and a uint32: TimeLimit=2982611-04:17:00', () => {
  const v = secs('-5');
  assert.equal(v, 4294960097 * 60);
  assert.equal(formatLimit(typeof v === 'number' ? v : null), '2982611-04:17:00');
  // -01 is not the "-1" spelling of INFINITE: it is -1 day.
  assert.equal(secs('-01'), ((2 ** 32) - 1439) * 60);
});

test('--time overflowing a C int wraps as in Slurm instead of crashing', () => {
  // sscanf saturates to LONG_MAX, the int keeps its low 32 bits (-1): -60 s, rounds to 0 minutes.
  assert.equal(secs('99999999999999999999'), 'UNLIMITED');
  // 71582789 minutes * 60 wraps the int to 44 s.
  assert.equal(secs('71582789'), 44);
  // 35791394 minutes = 2147483640 s: adding 59 overflows the int, Slurm stores the wrapped count.
  const w = secs('35791394');
  assert.equal(w, (Math.trunc(((2147483640 + 59) | 0) / 60) >>> 0) * 60);
});

test('roundUpToMinute', () => {
  assert.equal(roundUpToMinute(90), 120);
  assert.equal(roundUpToMinute(120), 120);
  assert.equal(roundUpToMinute(1), 60);
  assert.equal(roundUpToMinute(0), 0);
});

test('parseConfigMinutes: MaxTime/DefaultTime in slurm.conf', () => {
  assert.equal(parseConfigMinutes('30'), 1800);
  assert.equal(parseConfigMinutes('1:30'), 120); // rounded up to whole minutes
  assert.equal(parseConfigMinutes('1-00:00:00'), 86400);
  assert.equal(parseConfigMinutes('INFINITE'), 'UNLIMITED');
  assert.equal(parseConfigMinutes('UNLIMITED'), 'UNLIMITED');
  assert.equal(parseConfigMinutes('0'), 0);
  assert.equal(parseConfigMinutes('-5'), null); // Bad value for MaxTime
  assert.equal(parseConfigMinutes('NONE'), null);
  assert.equal(parseConfigMinutes('abc'), null);
});

test('scontrol update TimeLimit= values (golden g3)', () => {
  assert.deepEqual(parseTimeLimitUpdate('5'), { ok: true, kind: 'set', seconds: 300 });
  assert.deepEqual(parseTimeLimitUpdate('+10'), { ok: true, kind: 'add', seconds: 600 });
  assert.deepEqual(parseTimeLimitUpdate('-3'), { ok: true, kind: 'sub', seconds: 180 });
  assert.deepEqual(parseTimeLimitUpdate('1:30:00'), { ok: true, kind: 'set', seconds: 5400 });
  assert.deepEqual(parseTimeLimitUpdate('UNLIMITED'), { ok: true, kind: 'set', seconds: 'UNLIMITED' });
  assert.deepEqual(parseTimeLimitUpdate('-1'), { ok: true, kind: 'sub', seconds: 60 });
  assert.deepEqual(parseTimeLimitUpdate('0'), { ok: true, kind: 'set', seconds: 0 });
  for (const s of ['bogus', '', '+', '-', '+abc', '1:']) assert.deepEqual(parseTimeLimitUpdate(s), { ok: false }, s);
});

test('applying TimeLimit updates like golden g3: 10 -> 5 -> +10 -> -3 -> 1:30:00', () => {
  const apply = (cur: number | null, s: string, res: 'minutes' | 'seconds' = 'minutes'): number | null | string => {
    const u = parseTimeLimitUpdate(s);
    assert.ok(u.ok);
    const r = applyTimeLimitUpdate(cur, u, res);
    return r.ok ? r.seconds : r.error;
  };
  assert.equal(apply(600, '5'), 300);
  assert.equal(apply(300, '+10'), 900);
  assert.equal(apply(900, '-3'), 720);
  assert.equal(apply(720, '1:30:00'), 5400);
  assert.equal(apply(5400, 'UNLIMITED'), null);
  assert.equal(apply(300, '-10'), 'TimeLimit decrement larger than current time limit (10 > 5)');
  // Slurm's uint32 arithmetic: +10 on an unlimited job wraps to 9 minutes.
  assert.equal(apply(null, '+10'), 9 * 60);
  assert.equal(apply(600, '-1:30'), 480); // the delta is rounded up to 2 minutes first
  assert.equal(apply(600, '-1:30', 'seconds'), 510);
  assert.equal(apply(null, '+10', 'seconds'), null);
  assert.equal(apply(600, '+UNLIMITED', 'seconds'), null);
  assert.equal(apply(60, '-2', 'seconds'), 'TimeLimit decrement larger than current time limit (120 > 60)');
});

test('formatLimit (scontrol TimeLimit=, sacct Timelimit)', () => {
  assert.equal(formatLimit(300), '00:05:00');
  assert.equal(formatLimit(5400), '01:30:00');
  assert.equal(formatLimit(120), '00:02:00');
  assert.equal(formatLimit(86400), '1-00:00:00');
  assert.equal(formatLimit(90061), '1-01:01:01');
  assert.equal(formatLimit(0), '00:00:00');
  assert.equal(formatLimit(null), 'UNLIMITED');
  assert.equal(formatLimit(-1), 'INVALID');
});

test('formatElapsed (sacct Elapsed, scontrol RunTime)', () => {
  assert.equal(formatElapsed(8), '00:00:08');
  assert.equal(formatElapsed(0), '00:00:00');
  assert.equal(formatElapsed(40), '00:00:40');
  assert.equal(formatElapsed(93784), '1-02:03:04');
  assert.equal(formatElapsed(-5), '00:00:00');
  assert.equal(formatElapsed(8.9), '00:00:08');
});

test('formatSqueueTime (squeue %M %l %L)', () => {
  assert.equal(formatSqueueTime(0), '0:00');
  assert.equal(formatSqueueTime(8), '0:08');
  assert.equal(formatSqueueTime(77), '1:17');
  assert.equal(formatSqueueTime(300), '5:00');
  assert.equal(formatSqueueTime(120), '2:00');
  assert.equal(formatSqueueTime(3599), '59:59');
  assert.equal(formatSqueueTime(3600), '1:00:00');
  assert.equal(formatSqueueTime(86400), '1-00:00:00');
  assert.equal(formatSqueueTime(365 * 86400), '365-00:00:00');
  assert.equal(formatSqueueTime(365 * 86400 + 1), 'INVALID');
  assert.equal(formatSqueueTime(-1), 'INVALID');
  assert.equal(formatSqueueTime(null), 'UNLIMITED');
});

test('formatTimestamp: local %FT%T, or the caller\'s word for none', () => {
  const ms = new Date(2026, 10, 21, 5, 15, 21).getTime();
  assert.equal(formatTimestamp(ms, 'Unknown'), '2026-11-21T05:15:21');
  assert.equal(formatTimestamp(ms + 999, 'Unknown'), '2026-11-21T05:15:21');
  assert.equal(formatTimestamp(new Date(2026, 0, 2, 3, 4, 5).getTime(), 'N/A'), '2026-01-02T03:04:05');
  assert.equal(formatTimestamp(null, 'Unknown'), 'Unknown');
  assert.equal(formatTimestamp(null, 'None'), 'None');
  assert.equal(formatTimestamp(Number.NaN, 'N/A'), 'N/A');
});
