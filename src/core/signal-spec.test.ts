import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSignalSpec } from './signal-spec.ts';

test('signal specs as sbatch --signal takes them', () => {
  assert.deepEqual(parseSignalSpec('B:USR1@30'), { signal: 10, secs: 30, batch: true, reservation: false });
  assert.deepEqual(parseSignalSpec('USR1@30'), { signal: 10, secs: 30, batch: false, reservation: false });
  assert.deepEqual(parseSignalSpec('SIGUSR2'), { signal: 12, secs: 60, batch: false, reservation: false });
  assert.deepEqual(parseSignalSpec('rb:10@5'), { signal: 10, secs: 5, batch: true, reservation: true });
  assert.deepEqual(parseSignalSpec('b:TERM@0'), { signal: 15, secs: 0, batch: true, reservation: false });
  for (const bad of ['', 'B:', 'NOPE', 'USR1@', 'USR1@x', 'USR1@70000', 'X:USR1', 'BB:USR1', '@30']) {
    assert.equal(parseSignalSpec(bad), null, bad);
  }
});
