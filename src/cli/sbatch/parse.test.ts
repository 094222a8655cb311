import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSbatch, unsupported } from './parse.ts';
import type { SbatchIo, SbatchParse } from './parse.ts';

interface World {
  files?: Record<string, string | Buffer>;
  env?: Record<string, string>;
  stdin?: string | Buffer;
  cwd?: string;
}

const BASE_ENV = { PATH: '/usr/bin:/bin', HOME: '/home/u', USER: 'u' };

function io(w: World = {}): SbatchIo {
  const files = w.files ?? {};
  return {
    readFile: (p) => {
      const f = files[p];
      if (f === undefined) return { error: `ENOENT: ${p}` };
      return Buffer.isBuffer(f) ? f : Buffer.from(f);
    },
    readStdin: () => {
      const s = w.stdin ?? '';
      return Buffer.isBuffer(s) ? s : Buffer.from(s);
    },
    cwd: w.cwd ?? '/work/g_sbatch',
    env: { ...BASE_ENV, ...w.env },
    hostname: 'login1',
    pid: 4242,
  };
}

const parse = (argv: string[], w: World = {}): SbatchParse => parseSbatch(argv, io(w));

function submit(argv: string[], w: World = {}): Extract<SbatchParse, { kind: 'submit' }> {
  const r = parse(argv, w);
  assert.equal(r.kind, 'submit', JSON.stringify(r));
  return r as Extract<SbatchParse, { kind: 'submit' }>;
}

function exit(argv: string[], w: World = {}): { code: number; stdout: string; stderr: string } {
  const r = parse(argv, w);
  assert.equal(r.kind, 'exit', JSON.stringify(r).slice(0, 400));
  const e = r as Extract<SbatchParse, { kind: 'exit' }>;
  return { code: e.code, stdout: e.stdout, stderr: e.stderr };
}

const err = (...lines: string[]): string => lines.map((l) => `sbatch: error: ${l}\n`).join('');
const NO_SHEBANG = err(
  'This does not look like a batch script.  The first',
  'line must start with #! followed by the path to an interpreter.',
  'For instance: #!/bin/sh',
);
const TRY = 'Try "sbatch --help" for more information\n';

// ---- golden g_sbatch: every error case, exact stderr and exit code ---------------------

test('golden: value errors exit 255', () => {
  assert.deepEqual(exit(['--time=abc', '--wrap', 'true']), { code: 255, stdout: '', stderr: err('Invalid --time specification') });
  assert.deepEqual(exit(['--mem=abc', '--wrap', 'true']), { code: 255, stdout: '', stderr: err('Invalid --mem specification') });
  assert.deepEqual(exit(['--mem=-1', '--wrap', 'true']), { code: 255, stdout: '', stderr: err('Invalid --mem specification') });
});

test('golden: getopt errors exit 255 with the --help hint', () => {
  assert.deepEqual(exit(['--bogus-option', '--wrap', 'true']),
    { code: 255, stdout: '', stderr: `sbatch: unrecognized option '--bogus-option'\n${TRY}` });
  assert.deepEqual(exit(['-J', 'x', '--wrap']),
    { code: 255, stdout: '', stderr: `sbatch: option '--wrap' requires an argument\n${TRY}` });
  assert.deepEqual(exit(['-Z', '--wrap', 'true']),
    { code: 255, stdout: '', stderr: `sbatch: invalid option -- 'Z'\n${TRY}` });
});

test('golden: script errors exit 1', () => {
  assert.deepEqual(exit([], { stdin: '' }), { code: 1, stdout: '', stderr: err('Batch script is empty!') });
  assert.deepEqual(exit(['/nonexistent/script.sh']),
    { code: 1, stdout: '', stderr: err('Unable to open file /nonexistent/script.sh') });
  assert.deepEqual(exit(['noshebang.sh'], { files: { '/work/g_sbatch/noshebang.sh': 'no shebang\n' } }),
    { code: 1, stdout: '', stderr: NO_SHEBANG });
  assert.deepEqual(exit(['--parsable'], { stdin: 'echo from stdin script\n' }), { code: 1, stdout: '', stderr: NO_SHEBANG });
  assert.deepEqual(exit(['--wrap', 'true', 'extra_arg_script.sh']),
    { code: 1, stdout: '', stderr: err('Script arguments not permitted with --wrap option') });
});

test('golden: accepted submissions map onto the request', () => {
  let r = submit(['--parsable', '--wrap', 'echo hello from wrap']);
  assert.equal(r.parsable, true);
  assert.equal(r.request.name, 'wrap');
  assert.equal(r.request.scriptPath, null);
  assert.equal(r.request.script, '#!/bin/sh\n# This script was created by sbatch --wrap.\n\necho hello from wrap\n');
  r = submit(['--parsable', '-J', 'named', '-o', 'out_%j_%x.txt', '--wrap', 'echo name=$SLURM_JOB_NAME']);
  assert.equal(r.request.name, 'named');
  assert.equal(r.request.stdout, 'out_%j_%x.txt');
  r = submit(['--parsable'], { stdin: '#!/bin/bash\necho from stdin script with shebang\n' });
  assert.equal(r.request.name, 'sbatch');
  assert.equal(r.request.scriptPath, null);
  assert.equal(r.request.script, '#!/bin/bash\necho from stdin script with shebang\n');
  assert.equal(submit(['--parsable', '--hold', '--wrap', 'echo released']).request.hold, true);
  assert.equal(submit(['--test-only', '--wrap', 'true']).request.testOnly, true);
  const times: [string, number | 'UNLIMITED'][] = [['10', 600], ['0', 'UNLIMITED'], ['1-00:00:00', 86400], ['90', 5400], ['1:30', 90]];
  for (const [t, want] of times) assert.equal(submit([`--time=${t}`, '--wrap', 'true']).request.time, want, t);
  const minus = submit(['--time=-5', '--wrap', 'true']).request.time;
  assert.ok(typeof minus === 'number' && minus > 0, 'Slurm accepts --time=-5 (a huge limit)');
  assert.deepEqual(submit(['--mem=0', '--wrap', 'true']).request.mem, { perNode: 0 });
  assert.deepEqual(submit(['--mem=100G', '--wrap', 'true']).request.mem, { perNode: 102400 });
  assert.deepEqual(submit(['--mem=10T', '--wrap', 'true']).request.mem, { perNode: 10485760 });
  r = submit(['--mem-per-cpu=2000', '-c', '2', '--wrap', 'true']);
  assert.deepEqual([r.request.mem, r.request.cpusPerTask], [{ perCpu: 2000 }, 2]);
  assert.equal(submit(['-p', 'nosuchpart', '--wrap', 'true']).request.partition, 'nosuchpart');
  assert.equal(submit(['-N', '3', '--parsable', '--wrap', 'true']).request.nodes, 3);
  assert.equal(submit(['-n', '5', '--parsable', '--wrap', 'true']).request.ntasks, 5);
  assert.equal(submit(['-c', '3', '--wrap', 'true']).request.cpusPerTask, 3);
  r = submit(['--qos=nosuchqos', '--account=nosuchacct', '--wrap', 'true']);
  assert.deepEqual([r.request.qos, r.request.account], ['nosuchqos', 'nosuchacct']);
});

test('golden: -w and --exclusive go to the controller; --gres is refused, there are no generic resources', () => {
  const r = submit(['-w', 'n[1-2]', '--exclusive', '--wrap', 'true']);
  assert.equal(r.request.nodelist, 'n[1-2]');
  assert.equal(r.request.exclusive, true);
  assert.deepEqual(r.pending, []);
  assert.equal(submit(['--wrap', 'true']).request.exclusive, false);
  assert.deepEqual(exit(['--gres=gpu:1', '--wrap', 'true']),
    { code: 1, stdout: '', stderr: err('Invalid generic resource (gres) specification') });
});

test('--array goes to the controller unparsed; an empty value is no array', () => {
  assert.equal(submit(['--array=0-9%2', '--wrap', 'true']).request.array, '0-9%2');
  assert.equal(submit(['-a', '1,3', '--wrap', 'true']).request.array, '1,3');
  assert.equal(submit(['--array=', '--wrap', 'true']).request.array, null);
  assert.equal(submit(['--wrap', 'true']).request.array, null);
});

test('golden: options of later issues are recognised and left pending', () => {
  const cases: [string[], string, string | null][] = [
    [['--tmp=10'], '--tmp', '10'],
    [['--exclusive=user'], '--exclusive', 'user'],
  ];
  for (const [opts, option, value] of cases) {
    const r = submit([...opts, '--parsable', '--wrap', 'true']);
    assert.deepEqual(r.pending, [{ option, value, source: 'cli' }], opts.join(' '));
  }
  const r = submit(['--tmp=10', '--wrap', 'true']);
  assert.deepEqual(unsupported(r.pending), {
    kind: 'exit', code: 1, stdout: '',
    stderr: err('--tmp is not supported by this Ratchet version'),
  });
  assert.equal(unsupported([]), null);
  // Mail options are accepted and ignored, not pending.
  assert.deepEqual(submit(['--mail-type=END,FAIL', '--mail-user=a@b', '--wrap', 'true']).pending, []);
  assert.deepEqual(exit(['--mail-type=bogus', '--wrap', 'true']),
    { code: 255, stdout: '', stderr: err('Invalid --mail-type specification') });
});

test('--begin and --deadline: Slurm dates read as epoch seconds; bad ones refused with parse_time\'s line', () => {
  const now = Math.floor(Date.now() / 1000);
  const r = submit(['--begin=now+1hour', '--deadline=now+2hours', '--wrap', 'true']).request;
  assert.ok(Math.abs((r.begin ?? 0) - (now + 3600)) <= 2);
  assert.ok(Math.abs((r.deadline ?? 0) - (now + 7200)) <= 2);
  assert.equal(submit(['--wrap', 'true']).request.begin, null);
  assert.deepEqual(exit(['--begin=bogus', '--wrap', 'true']),
    { code: 255, stdout: '', stderr: `Invalid time specification (pos=0): bogus\n${err('Invalid --begin specification')}` });
  assert.deepEqual(exit(['--begin=now+100', '--deadline=now+50', '--wrap', 'true']),
    { code: 1, stdout: '', stderr: err('Incompatible begin and deadline time specification') });
});

test('--dependency is passed through (last one wins), --kill-on-invalid-dep is yes or no', () => {
  assert.equal(submit(['--dependency=afterok:abc', '--wrap', 'true']).request.dependency, 'afterok:abc');
  assert.equal(submit(['-d', 'afterok:1', '-d', 'afterany:2', '--wrap', 'true']).request.dependency, 'afterany:2');
  assert.equal(submit(['--wrap', 'true']).request.dependency, null);
  assert.equal(submit(['--kill-on-invalid-dep=YES', '--wrap', 'true']).request.killOnInvalidDep, true);
  assert.equal(submit(['--kill-on-invalid-dep=no', '--wrap', 'true']).request.killOnInvalidDep, false);
  assert.equal(submit(['--wrap', 'true']).request.killOnInvalidDep, null);
  for (const v of ['maybe', 'kill', 'nokill', '', 'Y']) {
    assert.deepEqual(exit([`--kill-on-invalid-dep=${v}`, '--wrap', 'true']),
      { code: 255, stdout: '', stderr: err('Invalid --kill-on-invalid-dep specification') }, v);
  }
});

// ---- command line ------------------------------------------------------------------------

test('long option prefixes and short option forms', () => {
  const r = submit(['--partit=debug', '--job=j', '-n2', '-c', '4', '-HW', '-t5', '-Aacct', '--wrap=true']);
  assert.equal(r.request.partition, 'debug');
  assert.equal(r.request.name, 'j');
  assert.equal(r.request.ntasks, 2);
  assert.equal(r.request.cpusPerTask, 4);
  assert.equal(r.request.hold, true);
  assert.equal(r.wait, true);
  assert.equal(r.request.time, 300);
  assert.equal(r.request.account, 'acct');
  assert.deepEqual(exit(['--mem-per=1', '--wrap', 'true']), {
    code: 255, stdout: '',
    stderr: `sbatch: option '--mem-per=1' is ambiguous; possibilities: '--mem-per-cpu' '--mem-per-gpu'\n${TRY}`,
  });
  assert.deepEqual(exit(['--hold=yes', '--wrap', 'true']),
    { code: 255, stdout: '', stderr: `sbatch: option '--hold' doesn't allow an argument\n${TRY}` });
});

test('the script ends the options; the rest are its arguments; -- ends options too', () => {
  const files = { '/work/g_sbatch/job.sh': '#!/bin/sh\necho\n', '/work/g_sbatch/-odd.sh': '#!/bin/sh\n' };
  let r = submit(['-J', 'x', 'job.sh', '-J', 'y', '--bogus'], { files });
  assert.equal(r.request.name, 'x');
  assert.deepEqual(r.request.argv, ['-J', 'y', '--bogus']);
  assert.equal(r.request.scriptPath, '/work/g_sbatch/job.sh');
  r = submit(['--', '-odd.sh', 'a'], { files });
  assert.equal(r.request.scriptPath, '/work/g_sbatch/-odd.sh');
  assert.equal(r.request.name, '-odd.sh');
  assert.deepEqual(r.request.argv, ['a']);
  // --nice takes its value only as --nice=N: "5" is the script.
  assert.deepEqual(exit(['--nice', '5']), { code: 1, stdout: '', stderr: err('Unable to open file 5') });
});

test('options are acted on in order: an error before --help wins, --help before an error wins', () => {
  assert.deepEqual(exit(['--time=abc', '--help']), { code: 255, stdout: '', stderr: err('Invalid --time specification') });
  const h = exit(['--help', '--time=abc', '--bogus']);
  assert.equal(h.code, 0);
  assert.match(h.stdout, /^Usage: sbatch/);
  assert.equal(h.stderr, '');
  assert.match(exit(['--usage']).stdout, /^Usage: sbatch/);
  assert.deepEqual(exit(['-V']), { code: 0, stdout: 'slurm 22.05.8 (ratchet 0.1.0)\n', stderr: '' });
  // Command-line value errors come before the script is even looked at.
  assert.equal(exit(['--mem=x', '/nonexistent']).stderr, err('Invalid --mem specification'));
});

test('numeric option errors use Slurm\'s wording and exit codes', () => {
  assert.deepEqual(exit(['-c', 'abc', '--wrap', 'true']),
    { code: 1, stdout: '', stderr: err('Invalid numeric value "abc" for --cpus-per-task.') });
  assert.deepEqual(exit(['-n', '0', '--wrap', 'true']),
    { code: 1, stdout: '', stderr: err('Invalid numeric value "0" for --ntasks.') });
  assert.deepEqual(exit(['-n', '-2', '--wrap', 'true']),
    { code: 1, stdout: '', stderr: err('Invalid numeric value "-2" for --ntasks.') });
  assert.deepEqual(exit(['-c', '99999999999999999999', '--wrap', 'true']),
    { code: 1, stdout: '', stderr: err('Numeric argument (9223372036854775807) to big for --cpus-per-task.') });
  // A value past INT_MAX wraps like Slurm's (int) cast, then fails verification.
  assert.deepEqual(exit(['-c', '2147483648', '--wrap', 'true']),
    { code: 1, stdout: '', stderr: err('invalid number of cpus per task (-c -2147483648)') });
  assert.equal(submit(['-n', ' +7', '--wrap', 'true']).request.ntasks, 7);
  assert.deepEqual(exit(['-N', 'abc', '--wrap', 'true']), { code: 255, stdout: '', stderr: err('"abc" is not a valid node count') });
  assert.deepEqual(exit(['-N', '1-x', '--wrap', 'true']), { code: 255, stdout: '', stderr: err('"x" is not a valid node count') });
  assert.deepEqual(exit(['-N', '3-2', '--wrap', 'true']),
    { code: 255, stdout: '', stderr: err('Maximum node count 2 is less than minimum node count 3') });
  assert.deepEqual(exit(['--open-mode=x', '--wrap', 'true']),
    { code: 255, stdout: '', stderr: err('Invalid --open-mode specification') });
  assert.deepEqual(exit(['--nice=3000000000', '--wrap', 'true']),
    { code: 255, stdout: '', stderr: err('Invalid --nice value, out of range (+/- 2147483645)') });
});

test('nodes: min-max keeps min; too few tasks for the nodes lowers the node count with a warning', () => {
  assert.equal(submit(['-N', '2-4', '--wrap', 'true']).request.nodes, 2);
  assert.equal(submit(['-N', '-3', '--wrap', 'true']).request.nodes, 1);
  assert.equal(submit(['-N', '1k', '--wrap', 'true']).request.nodes, 1024);
  const r = submit(['-N', '3', '-n', '2', '--wrap', 'true']);
  assert.equal(r.request.nodes, 2);
  assert.equal(r.stderr, "sbatch: Warning: can't run 2 processes on 3 nodes, setting nnodes to 2\n");
  assert.equal(submit(['--wrap', 'true']).request.nodes, null);
});

test('other options: nice, open-mode, requeue, stdio none, chdir, comment', () => {
  assert.equal(submit(['--nice', '--wrap', 'true']).request.nice, 100);
  assert.equal(submit(['--nice=-5', '--wrap', 'true']).request.nice, -5);
  assert.equal(submit(['--nice=abc', '--wrap', 'true']).request.nice, 0);
  const r = submit(['--open-mode=Append', '--no-requeue', '-e', 'NONE', '-i', 'in.txt', '--comment', 'a b', '--wrap', 'true']);
  assert.equal(r.request.openMode, 'append');
  assert.equal(r.request.env.SLURM_OPEN_MODE, 'a');
  assert.equal(r.request.requeue, false);
  assert.equal(r.request.stderr, '/dev/null');
  assert.equal(r.request.stdin, 'in.txt');
  assert.equal(r.request.comment, 'a b');
  assert.equal(submit(['--requeue', '--wrap', 'true']).request.requeue, true);
  assert.equal(submit(['--wrap', 'true']).request.requeue, null);
  assert.equal(submit(['-D', 'sub', '--wrap', 'true']).request.workDir, '/work/g_sbatch/sub');
  assert.equal(submit(['-D', '/abs', '--wrap', 'true']).request.workDir, '/abs');
  assert.equal(submit(['--wrap', 'true']).request.workDir, '/work/g_sbatch');
});

test('memory options are mutually exclusive on the command line', () => {
  assert.deepEqual(exit(['--mem=1', '--mem-per-cpu=1', '--wrap', 'true']), {
    code: 1, stdout: '', stderr: 'sbatch: fatal: --mem, --mem-per-cpu, and --mem-per-gpu are mutually exclusive.\n',
  });
});

test('request identity fields and quiet', () => {
  const r = submit(['-Q', '--wrap', 'true']);
  assert.equal(r.quiet, true);
  assert.equal(r.request.submitHost, 'login1');
  assert.equal(r.request.submitSid, 4242);
  assert.equal(r.errorExit, 1);
  assert.equal(submit(['--wrap', 'true']).quiet, false);
});

test('SLURM_EXIT_ERROR sets the exit code of sbatch\'s own failures', () => {
  assert.equal(exit(['/nope'], { env: { SLURM_EXIT_ERROR: '3' } }).code, 3);
  assert.equal(submit(['--wrap', 'true'], { env: { SLURM_EXIT_ERROR: '7' } }).errorExit, 7);
  assert.equal(exit(['--time=x', '--wrap', 'true'], { env: { SLURM_EXIT_ERROR: '3' } }).code, 255);
  assert.deepEqual(exit(['/nope'], { env: { SLURM_EXIT_ERROR: 'x' } }),
    { code: 1, stdout: '', stderr: err('SLURM_EXIT_ERROR has zero value', 'Unable to open file /nope') });
});

// ---- scripts -----------------------------------------------------------------------------

test('script file: found in the cwd or along PATH, default name is its base name', () => {
  const files = { '/opt/jobs/run.sh': '#!/bin/sh\n#SBATCH -p fromfile\n' };
  const r = submit(['run.sh', 'x'], { files, env: { PATH: '/usr/bin:/opt/jobs' } });
  assert.equal(r.request.scriptPath, '/opt/jobs/run.sh');
  assert.equal(r.request.name, 'run.sh');
  assert.equal(r.request.partition, 'fromfile');
  assert.deepEqual(r.request.argv, ['x']);
  assert.equal(r.request.env.SLURM_JOB_NAME, 'run.sh');
});

test('script checks: whitespace, NUL, DOS line breaks, size', () => {
  assert.deepEqual(exit([], { stdin: '  \n' }), { code: 1, stdout: '', stderr: err('Batch script contains only whitespace!') });
  assert.deepEqual(exit([], { stdin: Buffer.from('#!/bin/sh\necho \0\n') }), {
    code: 1, stdout: '', stderr: err('The Slurm controller does not allow scripts that', "contain a NULL character '\\0'."),
  });
  assert.deepEqual(exit([], { stdin: '#!/bin/sh\r\necho\r\n' }), {
    code: 1, stdout: '', stderr: err('Batch script contains DOS line breaks (\\r\\n)', 'instead of expected UNIX line breaks (\\n).'),
  });
  const big = `#!/bin/sh\n${'#'.repeat(4 * 1024 * 1024)}\n`;
  assert.deepEqual(exit([], { stdin: big }), {
    code: 1, stdout: '', stderr: err('Batch job submission failed: Pathname of a file, directory or other parameter too long'),
  });
  const exact = `#!/bin/sh\n${'#'.repeat(4 * 1024 * 1024 - 10)}`;
  assert.equal(Buffer.byteLength(exact), 4 * 1024 * 1024);
  submit([], { stdin: exact });
  assert.equal(exit(['--wrap', 'x'.repeat(4 * 1024 * 1024)]).code, 1);
});

test('--wrap scripts carry no directives; #SBATCH --wrap in a script is ignored', () => {
  assert.equal(submit(['--wrap', '#SBATCH -J inner']).request.name, 'wrap');
  const r = submit([], { stdin: '#!/bin/sh\n#SBATCH --wrap=ignored -J s\necho\n' });
  assert.equal(r.request.name, 's');
  assert.equal(r.request.script, '#!/bin/sh\n#SBATCH --wrap=ignored -J s\necho\n');
});

// ---- #SBATCH directives ------------------------------------------------------------------

const script = (...lines: string[]): World => ({ stdin: `#!/bin/bash\n${lines.join('\n')}\n` });

test('directives set options; scanning stops at the first command', () => {
  const r = submit([], script(
    '#SBATCH --job-name="my job" -p debug', '#SBATCH -t 1:00:00 --mem=2G', '# note', '',
    '#SBATCH --parsable -W --test-only', 'echo hi', '#SBATCH -p late',
  ));
  assert.equal(r.request.name, 'my job');
  assert.equal(r.request.partition, 'debug');
  assert.equal(r.request.time, 3600);
  assert.deepEqual(r.request.mem, { perNode: 2048 });
  assert.equal(r.parsable, true);
  assert.equal(r.wait, true);
  assert.equal(r.request.testOnly, true);
});

test('directive errors: invalid directive, bad option, bad value, unmatched quote', () => {
  assert.deepEqual(exit([], script('#SBATCH -J x foo -p y')),
    { code: 255, stdout: '', stderr: err('Invalid directive found in batch script: foo') });
  assert.deepEqual(exit([], script('#SBATCH --bogus')),
    { code: 255, stdout: '', stderr: `sbatch: unrecognized option '--bogus'\n${TRY}` });
  assert.deepEqual(exit([], script('#SBATCH --time=abc')), { code: 255, stdout: '', stderr: err('Invalid --time specification') });
  assert.deepEqual(exit(['job.sh'], { files: { '/work/g_sbatch/job.sh': "#!/bin/sh\n#SBATCH -J 'x\n" } }),
    { code: 1, stdout: '', stderr: "sbatch: fatal: job.sh: line 2: Unmatched `'` in [ 'x]\n" });
  assert.deepEqual(exit([], script('#SBATCH -J "x')),
    { code: 1, stdout: '', stderr: 'sbatch: fatal: stdin: line 2: Unmatched `"` in [ "x]\n' });
  assert.deepEqual(exit([], script('#SBATCH -J')), { code: 255, stdout: '', stderr: `sbatch: option requires an argument -- 'J'\n${TRY}` });
  // "--" in a directive ends the options; anything after it is invalid.
  assert.deepEqual(exit([], script('#SBATCH -J a -- -p b')),
    { code: 255, stdout: '', stderr: err('Invalid directive found in batch script: -p') });
});

test('#SLURM works with a notice; hetjob is pending', () => {
  const r = submit([], script('#SLURM -J legacy'));
  assert.equal(r.request.name, 'legacy');
  assert.equal(r.stderr, err('Change from #SLURM to #SBATCH in your script and verify the options are valid in sbatch'));
  const h = submit([], script('#SBATCH -N1', '#SBATCH hetjob', '#SBATCH -N2'));
  assert.equal(h.request.nodes, 1);
  assert.deepEqual(h.pending, [{ option: 'hetjob', value: null, source: 'directive' }]);
  assert.deepEqual(submit(['-N1', ':', '-N2', '--wrap', 'true']).pending, [{ option: 'hetjob', value: null, source: 'cli' }]);
  const files = { '/work/g_sbatch/job.sh': '#!/bin/sh\n' };
  assert.equal(submit(['-N1', ':', 'job.sh'], { files }).pending[0]?.option, 'hetjob');
  const s = submit(['job.sh', 'a', ':', 'b'], { files: { '/work/g_sbatch/job.sh': '#!/bin/sh\n' } });
  assert.deepEqual([s.pending, s.request.argv], [[], ['a', 'b']]);
});

// ---- precedence --------------------------------------------------------------------------

test('precedence: #SBATCH < SBATCH_* < command line', () => {
  const w: World = {
    ...script('#SBATCH -J dir -p dirpart -t 10 -A diracct -o dir.out --qos=dirqos'),
    env: { SBATCH_JOB_NAME: 'envname', SBATCH_PARTITION: 'envpart', SBATCH_TIMELIMIT: '20' },
  };
  let r = submit([], w);
  assert.deepEqual([r.request.name, r.request.partition, r.request.time, r.request.account, r.request.stdout, r.request.qos],
    ['envname', 'envpart', 1200, 'diracct', 'dir.out', 'dirqos']);
  r = submit(['-J', 'cli', '-t', '30', '--qos=cliqos'], w);
  assert.deepEqual([r.request.name, r.request.partition, r.request.time, r.request.qos], ['cli', 'envpart', 1800, 'cliqos']);
  assert.equal(r.request.env.SLURM_JOB_NAME, 'cli');
});

test('environment variables: every supported one, and flag values', () => {
  const r = submit(['--wrap', 'true'], {
    env: {
      SBATCH_ACCOUNT: 'a', SBATCH_QOS: 'q', SBATCH_OUTPUT: 'o', SBATCH_ERROR: 'e', SBATCH_INPUT: 'i',
      SBATCH_OPEN_MODE: 'truncate', SBATCH_MEM_PER_CPU: '100', SBATCH_REQUEUE: '', SBATCH_WAIT: 'yes',
      SBATCH_EXPORT: 'NONE', SBATCH_DEBUG: '2', SBATCH_IGNORE_PBS: '1',
    },
  });
  assert.deepEqual(
    [r.request.account, r.request.qos, r.request.stdout, r.request.stderr, r.request.stdin, r.request.openMode],
    ['a', 'q', 'o', 'e', 'i', 'truncate']);
  assert.deepEqual(r.request.mem, { perCpu: 100 });
  assert.equal(r.request.requeue, true);
  assert.equal(r.wait, true);
  assert.equal(r.request.env.SLURM_GET_USER_ENV, '1');
  assert.equal(r.request.env.HOME, undefined);
  assert.deepEqual(r.pending, []);
  // A flag variable that is not empty, yes or a non-zero number turns the option off again.
  let f = submit([], { ...script('#SBATCH --requeue -W'), env: { SBATCH_REQUEUE: 'no', SBATCH_WAIT: '0' } });
  assert.deepEqual([f.request.requeue, f.wait], [null, false]);
  f = submit([], { ...script('#SBATCH --no-requeue'), env: { SBATCH_NO_REQUEUE: 'false' } });
  assert.equal(f.request.requeue, null);
  assert.equal(submit(['--wrap', 'true'], { env: { SBATCH_NO_REQUEUE: '1' } }).request.requeue, false);
  // Bad values in the environment fail like options.
  assert.deepEqual(exit(['--wrap', 'true'], { env: { SBATCH_TIMELIMIT: 'abc' } }),
    { code: 255, stdout: '', stderr: err('Invalid --time specification') });
  assert.deepEqual(exit(['--wrap', 'true'], { env: { SBATCH_MEM_PER_NODE: 'x' } }),
    { code: 255, stdout: '', stderr: err('Invalid --mem specification') });
  // Unimplemented options set from the environment are pending too.
  assert.deepEqual(submit(['--wrap', 'true'], { env: { SBATCH_RESERVATION: 'r' } }).pending,
    [{ option: '--reservation', value: 'r', source: 'env' }]);
});

test('memory: #SBATCH counts as the command line against SBATCH_MEM_* variables', () => {
  const fatalCli = 'sbatch: fatal: --mem, --mem-per-cpu, and --mem-per-gpu are mutually exclusive.\n';
  assert.deepEqual(exit(['--mem-per-cpu=5'], script('#SBATCH --mem=1G')), { code: 1, stdout: '', stderr: fatalCli });
  let r = submit(['--mem-per-cpu=5'], { stdin: '#!/bin/sh\n', env: { SBATCH_MEM_PER_NODE: '1G' } });
  assert.deepEqual(r.request.mem, { perCpu: 5 });
  r = submit([], { ...script('#SBATCH --mem-per-cpu=7'), env: { SBATCH_MEM_PER_NODE: '1G' } });
  assert.deepEqual(r.request.mem, { perCpu: 7 });
  r = submit(['--mem=3'], script('#SBATCH --mem=1G'));
  assert.deepEqual(r.request.mem, { perNode: 3 });
  assert.deepEqual(exit(['--wrap', 'true'], { env: { SBATCH_MEM_PER_NODE: '1', SBATCH_MEM_PER_CPU: '1' } }), {
    code: 1, stdout: '', stderr: 'sbatch: fatal: SLURM_MEM_PER_CPU, SLURM_MEM_PER_GPU, and SLURM_MEM_PER_NODE are mutually exclusive.\n',
  });
});

test('early options are ignored in #SBATCH lines', () => {
  const r = submit([], script('#SBATCH --help --version --usage -Q -v'));
  assert.equal(r.quiet, false);
  assert.equal(r.request.name, 'sbatch');
});

// ---- environment of the job ----------------------------------------------------------------

test('--export and what sbatch adds to the job environment', () => {
  let r = submit(['--export=FOO,BAR=2', '-c', '2', '-n', '3', '--wrap', 'true'], {
    env: { FOO: '1', OTHER: 'x', SLURM_CONF: '/etc/slurm.conf' },
  });
  assert.deepEqual(r.request.env, {
    FOO: '1', BAR: '2', SLURM_CONF: '/etc/slurm.conf', SLURM_JOB_NAME: 'wrap', SLURM_EXPORT_ENV: 'FOO,BAR=2',
    SLURM_GET_USER_ENV: '1', SLURM_CPUS_PER_TASK: '2', SLURM_NPROCS: '3', SLURM_NTASKS: '3',
  });
  r = submit(['--wrap', 'true'], { env: { OTHER: 'x' } });
  assert.deepEqual(r.request.env, { ...BASE_ENV, OTHER: 'x', SLURM_JOB_NAME: 'wrap' });
  r = submit([], { stdin: '#!/bin/sh\n', env: { SLURM_JOB_NAME: 'outer' } });
  assert.equal(r.request.env.SLURM_JOB_NAME, 'outer', 'stdin scripts have no name of their own to export');
  r = submit(['--export=NIL', '--wrap', 'true']);
  assert.deepEqual(r.request.env, { SLURM_JOB_NAME: 'wrap', SLURM_EXPORT_ENV: 'NIL' });
});

test('--export-file reads NUL-separated variables; a missing file exits 1', () => {
  const files = { '/work/g_sbatch/env0': 'A=1\0B=2\0' };
  const r = submit(['--export-file=env0', '--wrap', 'true'], { files });
  assert.deepEqual(r.request.env, { A: '1', B: '2' });
  assert.deepEqual(exit(['--export-file=nope', '--wrap', 'true'], { files }),
    { code: 1, stdout: '', stderr: err('Could not open user environment file nope') });
});

test('--signal is parsed into the request with Slurm\'s grammar', () => {
  assert.deepEqual(submit(['--signal=B:USR1@30', '--wrap', 'true']).request.signal, { signal: 10, secs: 30, batch: true });
  assert.deepEqual(submit(['--signal=USR2', '--wrap', 'true']).request.signal, { signal: 12, secs: 60, batch: false });
  const bad = parseSbatch(['--signal=B:NOPE@x', '--wrap', 'true'], io());
  assert.deepEqual(bad, { kind: 'exit', code: 255, stdout: '', stderr: 'sbatch: error: Invalid --signal specification\n' });
});

test('--escalate: a file is read on the submit host, a bare name goes to the controller; #SBATCH works too', () => {
  const files = { '/work/g_sbatch/p.yaml': 'levels: []\n', '/work/g_sbatch/job.sh': '#!/bin/sh\n#SBATCH --escalate=p.yaml\ntrue\n' };
  assert.deepEqual(submit(['--escalate=p.yaml', '--escalate-start=2G', '--wrap', 'true'], { files }).request.escalate,
    { name: 'p.yaml', text: 'levels: []\n', start: '2G' });
  assert.deepEqual(submit(['--escalate', 'seed', '--wrap', 'true']).request.escalate, { name: 'seed', text: null, start: null });
  assert.deepEqual(submit(['job.sh'], { files }).request.escalate, { name: 'p.yaml', text: 'levels: []\n', start: null });
  assert.equal(submit(['--wrap', 'true']).request.escalate, null);
  assert.deepEqual(exit(['--escalate=./missing.yaml', '--wrap', 'true']),
    { code: 1, stdout: '', stderr: err('escalation policy ./missing.yaml: ENOENT: /work/g_sbatch/./missing.yaml') });
  assert.deepEqual(exit(['--escalate-start=1', '--wrap', 'true']),
    { code: 1, stdout: '', stderr: err('--escalate-start needs --escalate=POLICY') });
});
