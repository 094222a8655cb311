import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseName, findScript, scriptProblem, wrapScript } from './script.ts';
import type { ReadFile } from './script.ts';

const NO_SHEBANG = [
  'This does not look like a batch script.  The first',
  'line must start with #! followed by the path to an interpreter.',
  'For instance: #!/bin/sh',
];

test('script checks in Slurm order, with its messages', () => {
  assert.deepEqual(scriptProblem(Buffer.alloc(0)), ['Batch script is empty!']);
  assert.deepEqual(scriptProblem(Buffer.from(' \n\t\r\v\f')), ['Batch script contains only whitespace!']);
  // Slurm reads the buffer as a C string: whitespace up to a NUL counts as only whitespace.
  assert.deepEqual(scriptProblem(Buffer.from('  \0#!/bin/sh')), ['Batch script contains only whitespace!']);
  assert.deepEqual(scriptProblem(Buffer.from('no shebang\n')), NO_SHEBANG);
  assert.deepEqual(scriptProblem(Buffer.from('#')), NO_SHEBANG);
  assert.deepEqual(scriptProblem(Buffer.from(' #!/bin/sh\n')), NO_SHEBANG);
  assert.deepEqual(scriptProblem(Buffer.from('#!/bin/sh\necho \0 x\n')),
    ['The Slurm controller does not allow scripts that', "contain a NULL character '\\0'."]);
  assert.deepEqual(scriptProblem(Buffer.from('#!/bin/sh\r\necho\r\n')),
    ['Batch script contains DOS line breaks (\\r\\n)', 'instead of expected UNIX line breaks (\\n).']);
  assert.equal(scriptProblem(Buffer.from('#!/bin/sh\recho a\r')), null, 'a lone CR is accepted');
  assert.equal(scriptProblem(Buffer.from('#!/bin/sh\necho ok\n')), null);
  assert.equal(scriptProblem(Buffer.from('#!')), null);
});

test('--wrap script text', () => {
  assert.equal(wrapScript('echo hello from wrap'),
    '#!/bin/sh\n# This script was created by sbatch --wrap.\n\necho hello from wrap\n');
  assert.equal(wrapScript(''), '#!/bin/sh\n# This script was created by sbatch --wrap.\n\n\n');
});

const fs = (files: Record<string, string>): { read: ReadFile; calls: string[] } => {
  const calls: string[] = [];
  const read: ReadFile = (p) => {
    calls.push(p);
    const body = files[p];
    return body === undefined ? { error: 'ENOENT' } : Buffer.from(body);
  };
  return { read, calls };
};

test('a bare name is looked for in the chdir, then along PATH', () => {
  const { read, calls } = fs({ '/opt/bin/job.sh': 'A', '/w/rel/job.sh': 'B' });
  const r = findScript('job.sh', '/w', '/w', '/usr/bin::./rel:/opt/bin', read);
  assert.ok(!('error' in r));
  // Slurm records the path as it built it: chdir/entry/name.
  assert.equal(r.path, '/w/./rel/job.sh', 'a PATH entry starting with . is relative to the chdir');
  assert.equal(r.body.toString(), 'B');
  assert.deepEqual(calls, ['/w/job.sh', '/usr/bin/job.sh', '/w/rel/job.sh']);
  const r2 = findScript('job.sh', '/w', '/w', '/usr/bin:/opt/bin', read);
  assert.ok(!('error' in r2) && r2.path === '/opt/bin/job.sh');
});

test('with -D, the chdir is searched first, and the submit directory is the fallback', () => {
  const { read } = fs({ '/d/job.sh': 'in chdir', '/w/job.sh': 'in cwd', '/w/only.sh': 'cwd only' });
  let r = findScript('job.sh', '/d', '/w', undefined, read);
  assert.ok(!('error' in r) && r.path === '/d/job.sh');
  r = findScript('only.sh', '/d', '/w', undefined, read);
  assert.ok(!('error' in r) && r.path === '/w/only.sh');
});

test('absolute and ./ names are used as given; failures name the path as typed', () => {
  const { read, calls } = fs({ '/w/sub/x.sh': 'X', '/abs/y.sh': 'Y' });
  let r = findScript('./sub/x.sh', '/d', '/w', '/bin', read);
  assert.ok(!('error' in r) && r.path === '/w/sub/x.sh');
  r = findScript('/abs/y.sh', '/d', '/w', '/bin', read);
  assert.ok(!('error' in r) && r.path === '/abs/y.sh');
  assert.deepEqual(calls, ['/w/sub/x.sh', '/abs/y.sh']);
  assert.deepEqual(findScript('/nonexistent/script.sh', '/w', '/w', '/bin', read), { error: 'Unable to open file /nonexistent/script.sh' });
  assert.deepEqual(findScript('nope.sh', '/w', '/w', '/bin', read), { error: 'Unable to open file nope.sh' });
});

test('baseName', () => {
  assert.equal(baseName('/a/b/c.sh'), 'c.sh');
  assert.equal(baseName('c.sh'), 'c.sh');
});
