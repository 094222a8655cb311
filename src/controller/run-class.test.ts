import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultName, runClass } from './run-class.ts';

test('a given job name is the class; a default name falls back to the script text', () => {
  const named = { name: 'align', script: '#!/bin/sh\necho a\n', scriptPath: '/home/u/run.sh' };
  assert.equal(defaultName(named), false);
  assert.equal(runClass(1000, named), 'u1000:n:align');
  assert.equal(runClass(1001, { ...named, script: 'other' }), 'u1001:n:align', 'another script under the same name is the same class');
  const byFile = { name: 'run.sh', script: '#!/bin/sh\necho a\n', scriptPath: '/home/u/run.sh' };
  const wrap = { name: 'wrap', script: '#!/bin/sh\necho a\n', scriptPath: null };
  const stdin = { name: 'sbatch', script: '#!/bin/sh\necho b\n', scriptPath: null };
  for (const r of [byFile, wrap, stdin]) assert.equal(defaultName(r), true, r.name);
  assert.match(runClass(1000, byFile) ?? '', /^u1000:s:[0-9a-f]{16}$/);
  assert.equal(runClass(1000, byFile), runClass(1000, wrap), 'same script text, same class');
  assert.notEqual(runClass(1000, wrap), runClass(1000, stdin));
  assert.notEqual(runClass(1000, wrap), runClass(1001, { ...wrap }), 'users never share a class');
  assert.equal(runClass(1000, { name: 'wrap', script: '', scriptPath: null }), null, 'no script at hand: unknown, not the empty script');
  // A name that is not the script's file name is a given name.
  assert.equal(defaultName({ name: 'x', scriptPath: '/home/u/run.sh' }), false);
});
