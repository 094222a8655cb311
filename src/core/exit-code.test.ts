import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  OOM_EXIT, exitFromWait, formatExit, fromWaitStatus, parseSignal, sacctExit, signalAbbrev, signalName,
  toWaitStatus,
} from './exit-code.ts';

test('exitFromWait: exited or signalled, never both', () => {
  assert.deepEqual(exitFromWait(0, null), { code: 0, signal: 0 });
  assert.deepEqual(exitFromWait(3, null), { code: 3, signal: 0 });
  assert.deepEqual(exitFromWait(137, null), { code: 137, signal: 0 });
  assert.deepEqual(exitFromWait(null, 9), { code: 0, signal: 9 });
  assert.deepEqual(exitFromWait(null, 15), { code: 0, signal: 15 });
  assert.deepEqual(exitFromWait(null, null), { code: 0, signal: 0 });
});

test('formatExit: N:S as scontrol and sacct print it', () => {
  assert.equal(formatExit({ code: 1, signal: 0 }), '1:0');
  assert.equal(formatExit({ code: 0, signal: 9 }), '0:9');
  assert.equal(formatExit(OOM_EXIT), '0:125'); // golden a_oom
  assert.equal(formatExit({ code: 137, signal: 0 }), '137:0');
});

test('sacctExit folds exit statuses >= 128 (golden c_exitcodes: 137:0 -> 9:0)', () => {
  assert.deepEqual(sacctExit({ code: 137, signal: 0 }), { code: 9, signal: 0 });
  assert.deepEqual(sacctExit({ code: 128, signal: 0 }), { code: 0, signal: 0 });
  assert.deepEqual(sacctExit({ code: 255, signal: 0 }), { code: 127, signal: 0 });
  assert.deepEqual(sacctExit({ code: 127, signal: 0 }), { code: 127, signal: 0 });
  assert.deepEqual(sacctExit({ code: 1, signal: 0 }), { code: 1, signal: 0 });
  assert.deepEqual(sacctExit({ code: 3, signal: 0 }), { code: 3, signal: 0 });
  // Signals are untouched: kill -9 $$ stays 0:9, OOM stays 0:125.
  assert.deepEqual(sacctExit({ code: 0, signal: 9 }), { code: 0, signal: 9 });
  assert.deepEqual(sacctExit(OOM_EXIT), OOM_EXIT);
});

test('wait statuses round-trip; SIG_OOM (253) is 0:125', () => {
  assert.deepEqual(fromWaitStatus(253), { code: 0, signal: 125 });
  assert.deepEqual(fromWaitStatus(9), { code: 0, signal: 9 });
  assert.deepEqual(fromWaitStatus(256), { code: 1, signal: 0 });
  assert.deepEqual(fromWaitStatus(137 << 8), { code: 137, signal: 0 });
  assert.deepEqual(fromWaitStatus(0), { code: 0, signal: 0 });
  for (const e of [{ code: 0, signal: 0 }, { code: 3, signal: 0 }, { code: 0, signal: 15 }, OOM_EXIT]) {
    assert.deepEqual(fromWaitStatus(toWaitStatus(e)), e);
  }
});

test('signalName: glibc strsignal text', () => {
  assert.equal(signalName(9), 'Killed');
  assert.equal(signalName(15), 'Terminated');
  assert.equal(signalName(10), 'User defined signal 1');
  assert.equal(signalName(12), 'User defined signal 2');
  assert.equal(signalName(1), 'Hangup');
  assert.equal(signalName(11), 'Segmentation fault');
  assert.equal(signalName(19), 'Stopped (signal)');
  assert.equal(signalName(31), 'Bad system call');
  assert.equal(signalName(34), 'Real-time signal 0');
  assert.equal(signalName(64), 'Real-time signal 30');
  assert.equal(signalName(32), 'Unknown signal 32');
  assert.equal(signalName(0), 'Unknown signal 0');
  assert.equal(signalName(125), 'Unknown signal 125');
  assert.equal(signalName(-1), 'Unknown signal -1');
});

test('parseSignal: Slurm names with optional SIG, numbers', () => {
  assert.equal(parseSignal('USR1'), 10);
  assert.equal(parseSignal('SIGUSR1'), 10);
  assert.equal(parseSignal('sigusr1'), 10);
  assert.equal(parseSignal('usr2'), 12);
  assert.equal(parseSignal('10'), 10);
  assert.equal(parseSignal('TERM'), 15);
  assert.equal(parseSignal('KILL'), 9);
  assert.equal(parseSignal('SigCont'), 18);
  assert.equal(parseSignal('STOP'), 19);
  assert.equal(parseSignal('  9 '), 9);
  assert.equal(parseSignal(' SIGINT '), 2);
  assert.equal(parseSignal('XCPU'), 24);
  for (const s of ['', 'BOGUS', 'SIG', 'SEGV', 'USR1X', '0', '-9', '65', '9x', 'U SR1', '1e3']) {
    assert.equal(parseSignal(s), null, JSON.stringify(s));
  }
});

test('signalAbbrev: sig_num2name', () => {
  assert.equal(signalAbbrev(10), 'USR1');
  assert.equal(signalAbbrev(9), 'KILL');
  assert.equal(signalAbbrev(11), '11');
});
