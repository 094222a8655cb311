import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanDirectives } from './directives.ts';

const args = (script: string): string[] => scanDirectives(script, 'job.sh').args;

test('directives at column 0 until the first command line', () => {
  const script = [
    '#!/bin/bash',
    '#SBATCH -J one',
    '',
    '   ',
    '# a comment',
    ' #SBATCH --comment=indented-is-a-comment',
    '\t# tab comment',
    '#sbatch --lowercase-is-a-comment',
    '#SBATCH --time=5',
    'echo start',
    '#SBATCH -p after-the-first-command',
  ].join('\n');
  assert.deepEqual(args(script), ['-J', 'one', '--time=5']);
});

test('#SBATCH is a prefix match: #SBATCHfoo yields foo (Slurm then rejects it)', () => {
  assert.deepEqual(args('#!/bin/sh\n#SBATCH--time=5\n#SBATCHfoo\n'), ['--time=5', 'foo']);
});

test('shell-like splitting: quotes, backslashes, comments', () => {
  const script = [
    '#!/bin/sh',
    '#SBATCH -J "my job" --comment=\'a b\'   # trailing comment -p x',
    '#SBATCH --comment="x#y" -o out\\"q\\#r',
    '#SBATCH --comment=a\\ b \'it\'\'s\'',
    '#SBATCH --comment="back\\"slash" \'single\\\'q\'',
    '#SBATCH -Jfoo#bar',
  ].join('\n');
  assert.deepEqual(args(script), [
    '-J', 'my job', '--comment=a b',
    '--comment=x#y', '-o', 'out"q#r',
    '--comment=a b', 'its',
    '--comment=back"slash', "single'q",
    '-Jfoo',
  ]);
});

test('an empty quoted word ends the line (Slurm copies no character for it)', () => {
  assert.deepEqual(args('#!/bin/sh\n#SBATCH --comment \'\' -J lost\n#SBATCH next\n'), ['--comment', 'next']);
});

test('an option may take its value from the next directive line', () => {
  assert.deepEqual(args('#!/bin/sh\n#SBATCH -J\n#SBATCH name\n'), ['-J', 'name']);
});

test('unmatched quote and leading colon are fatal, naming file, line and the rest of the line', () => {
  let r = scanDirectives('#!/bin/sh\n#SBATCH -J ok\n#SBATCH -J \'abc\n', 'job.sh');
  assert.equal(r.fatal, "sbatch: fatal: job.sh: line 3: Unmatched `'` in [ 'abc]");
  r = scanDirectives('#!/bin/sh\n#SBATCH --comment="abc\n', 'stdin');
  assert.equal(r.fatal, 'sbatch: fatal: stdin: line 2: Unmatched `"` in [--comment="abc]');
  r = scanDirectives('#!/bin/sh\n#SBATCH -N1 :x\n', 'job.sh');
  assert.equal(r.fatal, 'sbatch: fatal: job.sh: line 2: Unexpected `:` in [ :x]');
});

test('#SLURM is accepted with a one-time notice', () => {
  const r = scanDirectives('#!/bin/sh\n#SLURM -J a\n#SLURM -p b\n#SBATCH -t 1\n', 'job.sh');
  assert.deepEqual(r.args, ['-J', 'a', '-p', 'b', '-t', '1']);
  assert.deepEqual(r.notices, ['sbatch: error: Change from #SLURM to #SBATCH in your script and verify the options are valid in sbatch']);
  assert.deepEqual(scanDirectives('#!/bin/sh\n#SBATCH -J a\n', 'x').notices, []);
});

test('a hetjob separator ends component 0 and is reported', () => {
  const r = scanDirectives('#!/bin/sh\n#SBATCH -N1\n#SBATCH hetjob\n#SBATCH -N2\n', 'job.sh');
  assert.deepEqual(r.args, ['-N1']);
  assert.equal(r.hetjob, true);
  assert.equal(scanDirectives('#!/bin/sh\n#SBATCH --comment=hetjob\n', 'x').hetjob, false);
});

test('CR and other C whitespace separate words; a final newline adds no line', () => {
  assert.deepEqual(args('#!/bin/sh\n#SBATCH\t-J\va\r\n'), ['-J', 'a']);
  assert.deepEqual(args('#!/bin/sh'), []);
  assert.deepEqual(args(''), []);
});
