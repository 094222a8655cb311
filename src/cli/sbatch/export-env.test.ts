import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildJobEnv, exportTokens, parseEnvFile } from './export-env.ts';
import type { ExportInput } from './export-env.ts';
import type { ReadFile } from './script.ts';

const environ = { HOME: '/root', PATH: '/bin', FOO: 'foo', SLURM_CONF: '/etc/x', SLURMD_X: 'd', SLURMX: 'x' };
const base: ExportInput = {
  environ, exportEnv: null, exportFile: null, jobName: null, openMode: null, cpusPerTask: null, ntasks: null,
};
const noFiles: ReadFile = () => ({ error: 'ENOENT' });
const envOf = (over: Partial<ExportInput>, read: ReadFile = noFiles): Record<string, string> => {
  const r = buildJobEnv({ ...base, ...over }, '/w', read);
  assert.ok(r.ok);
  return r.env;
};

test('default and ALL export everything, plus what sbatch sets itself', () => {
  assert.deepEqual(envOf({}), environ);
  assert.deepEqual(envOf({ exportEnv: 'all', jobName: 'j', openMode: 'append' }),
    { ...environ, SLURM_JOB_NAME: 'j', SLURM_OPEN_MODE: 'a' });
  assert.deepEqual(envOf({ openMode: 'truncate', cpusPerTask: 2, ntasks: 3 }),
    { ...environ, SLURM_OPEN_MODE: 't', SLURM_CPUS_PER_TASK: '2', SLURM_NPROCS: '3', SLURM_NTASKS: '3' });
});

test('NONE keeps SLURM* variables and asks for the user environment; NIL does not ask', () => {
  assert.deepEqual(envOf({ exportEnv: 'NONE', jobName: 'j' }), {
    SLURM_CONF: '/etc/x', SLURMD_X: 'd', SLURMX: 'x', SLURM_JOB_NAME: 'j', SLURM_EXPORT_ENV: 'NONE',
    SLURM_GET_USER_ENV: '1',
  });
  assert.deepEqual(envOf({ exportEnv: 'nil' }), {
    SLURM_CONF: '/etc/x', SLURMD_X: 'd', SLURMX: 'x', SLURM_EXPORT_ENV: 'nil',
  });
});

test('a list: named variables, VAR=value, ALL, then every SLURM_* variable', () => {
  assert.deepEqual(envOf({ exportEnv: 'FOO,BAR=1,MISSING' }), {
    FOO: 'foo', BAR: '1', SLURM_CONF: '/etc/x', SLURM_EXPORT_ENV: 'FOO,BAR=1,MISSING', SLURM_GET_USER_ENV: '1',
  });
  const all = envOf({ exportEnv: 'ALL,FOO=over' });
  assert.equal(all.FOO, 'over');
  assert.equal(all.HOME, '/root');
  assert.equal(all.SLURM_GET_USER_ENV, '1');
});

test('an existing SLURM_EXPORT_ENV is kept', () => {
  const env = envOf({ environ: { ...environ, SLURM_EXPORT_ENV: 'outer' }, exportEnv: 'FOO' });
  assert.equal(env.SLURM_EXPORT_ENV, 'outer');
});

test('export list tokens: quotes group commas and are stripped when they wrap a token', () => {
  assert.deepEqual(exportTokens('A,"B=x,y",\'C\',D="q"'), { tokens: ['A', 'B=x,y', 'C', 'D="q"'], notices: [] });
  assert.deepEqual(exportTokens('A,,B,'), { tokens: ['A', '', 'B'], notices: [] });
  assert.deepEqual(exportTokens('A,B="x'), {
    tokens: ['A', 'B="x'], notices: ['sbatch: error: Improperly formed environment variable (B="x)'],
  });
  assert.deepEqual(envOf({ exportEnv: 'V="a,b"' }).V, '"a,b"');
  assert.deepEqual(envOf({ exportEnv: '"V=a,b"' }).V, 'a,b');
});

test('env files: NUL-terminated entries, unterminated tail and DISPLAY/HOSTNAME dropped', () => {
  const body = Buffer.from('A=1\0B=x=y\0DISPLAY=:0\0HOSTNAME=h\0NOEQ\0TAIL=lost');
  assert.deepEqual(parseEnvFile(body), { A: '1', B: 'x=y' });
  assert.deepEqual(parseEnvFile(Buffer.from('A=1\0\0B=2\0')), { A: '1' });
});

test('--export-file replaces sbatch\'s own environment; NONE drops the file too', () => {
  const files: Record<string, string> = { '/w/env.txt': 'FROM_FILE=1\0SLURM_F=2\0', '/dev/fd/5': 'FD=1\0' };
  const read: ReadFile = (p) => (files[p] === undefined ? { error: 'ENOENT' } : Buffer.from(files[p]));
  assert.deepEqual(envOf({ exportFile: 'env.txt', jobName: 'j', cpusPerTask: 1 }, read),
    { FROM_FILE: '1', SLURM_F: '2', SLURM_CPUS_PER_TASK: '1' });
  assert.deepEqual(envOf({ exportFile: '5' }, read), { FD: '1' });
  assert.deepEqual(envOf({ exportFile: '/w/env.txt', exportEnv: 'NONE' }, read), { SLURM_GET_USER_ENV: '1' });
  assert.deepEqual(envOf({ exportFile: '/w/env.txt', exportEnv: 'X=1' }, read),
    { FROM_FILE: '1', SLURM_F: '2', X: '1', SLURM_GET_USER_ENV: '1' });
  assert.deepEqual(buildJobEnv({ ...base, exportFile: 'none.txt' }, '/w', read),
    { ok: false, error: 'Could not open user environment file none.txt' });
});
