import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStateName, stateCompact, stateLong } from './job-state.ts';

test('a flag wins over the base state in Slurm precedence order', () => {
  assert.equal(stateLong('TIMEOUT', ['COMPLETING']), 'COMPLETING');
  assert.equal(stateCompact('TIMEOUT', ['COMPLETING']), 'CG');
  assert.equal(stateCompact('OUT_OF_MEMORY'), 'OOM');
  assert.equal(stateLong('RUNNING', ['CONFIGURING', 'COMPLETING']), 'COMPLETING');
});

test('state names parse long or compact, case-insensitively', () => {
  assert.equal(parseStateName('pd'), 'PENDING');
  assert.equal(parseStateName('Out_Of_Memory'), 'OUT_OF_MEMORY');
  assert.equal(parseStateName('cg'), 'COMPLETING');
  assert.equal(parseStateName('bogus'), undefined);
});
