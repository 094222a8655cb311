import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineLabeler, outputPath, parseSrun } from './srun-args.ts';

test('options stop at the command; its own options are left alone', () => {
  const p = parseSrun(['-n2', '--mem=50M', '-J', 'oomi', '-l', 'bash', '-c', 'exit 5', '-n', '3']);
  assert.ok(p.ok);
  assert.equal(p.opts.ntasks, 2);
  assert.equal(p.opts.mem, 50);
  assert.equal(p.opts.name, 'oomi');
  assert.equal(p.opts.label, true);
  assert.deepEqual(p.opts.command, ['bash', '-c', 'exit 5', '-n', '3']);
});

test("Slurm's errors for bad input (the peer's wording and exit codes)", () => {
  assert.deepEqual(parseSrun(['--bogus', 'true']), { ok: false, code: 255, stderr: 'srun: unrecognized option \'--bogus\'\nTry "srun --help" for more information\n' });
  assert.deepEqual(parseSrun([]), { ok: false, code: 1, stderr: 'srun: fatal: No command given to execute.\n' });
  assert.deepEqual(parseSrun(['-n', '0', 'true']), { ok: false, code: 1, stderr: 'srun: error: Invalid numeric value "0" for --ntasks.\n' });
  assert.equal(parseSrun(['--mem=lots', 'true']).ok, false);
  assert.equal(parseSrun(['-t', 'x:y', 'true']).ok, false);
});

test('time, nodes, cpus, export, chdir', () => {
  const p = parseSrun(['-N', '2', '-c', '2', '-t', '1:30', '--export=NONE', '-D', '/tmp', 'hostname']);
  assert.ok(p.ok);
  assert.equal(p.opts.nodes, 2);
  assert.equal(p.opts.cpusPerTask, 2);
  assert.equal(p.opts.time, 90);
  assert.equal(p.opts.export, 'NONE');
  assert.equal(p.opts.chdir, '/tmp');
});

test('-o/-e patterns', () => {
  const v = { jobId: 7, stepId: 1, node: 'n1', user: 'alice', name: 'x', task: 0 };
  assert.equal(outputPath('out-%j.%s-%N-%u-%x-%t-%%.txt', v), 'out-7.1-n1-alice-x-0-%.txt');
});

test('-l labels whole lines per task and keeps partial lines', () => {
  const l = new LineLabeler();
  assert.equal(l.push(0, 'a\nb'), '0: a\n');
  assert.equal(l.push(1, 'x\n'), '1: x\n');
  assert.equal(l.push(0, 'c\n'), '0: bc\n');
  assert.equal(l.push(0, 'tail'), '');
  assert.equal(l.flush(0), '0: tail\n');
  assert.equal(l.flush(1), '');
});
