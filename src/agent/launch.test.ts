// The two-stage launcher against real processes, without cgroups: the "cgroup proc files"
// are plain files here, which shows the pid is written before the script runs.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LaunchExit, LaunchSpec } from './launch.ts';
import { appendToJobFile, cancelBanner, findEnv, findExecutable, findSetpriv, jobSpoolDir, launchBatch, oomNotice, removeSpoolDir, shellExportsExactly, slurmLocalTime, writeBatchScript } from './launch.ts';

const isRoot = (process.getuid?.() ?? -1) === 0;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ratchet-launch-'));
fs.chmodSync(dir, 0o755);
let n = 0;

after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function script(body: string): string {
  const file = path.join(dir, `s${++n}.sh`);
  fs.writeFileSync(file, `#!/bin/bash\n${body}\n`, { mode: 0o755 });
  return file;
}

function spec(s: Partial<LaunchSpec> & { scriptPath: string }): LaunchSpec {
  const out = path.join(dir, `out${++n}.txt`);
  return {
    argv: [],
    env: { PATH: '/usr/bin:/bin' },
    workDir: dir,
    stdin: '/dev/null',
    stdout: out,
    stderr: out,
    openMode: 'truncate',
    uid: process.getuid?.() ?? 0,
    gid: process.getgid?.() ?? 0,
    cgroupProcFiles: [],
    ...s,
  };
}

const read = (f: string): string => fs.readFileSync(f, 'utf8');

async function run(s: LaunchSpec, shellExport?: boolean): Promise<LaunchExit & { pid: number | null }> {
  const l = launchBatch(s, undefined, undefined, shellExport);
  const exit = await l.exit;
  return { ...exit, pid: l.pid };
}

describe('launchBatch', { concurrency: true }, () => {
  it('returns the script exit status; exit codes are not launch errors', async () => {
    for (const code of [0, 7]) {
      const s = spec({ scriptPath: script(`echo hi; exit ${code}`) });
      const r = await run(s);
      assert.equal(r.code, code);
      assert.equal(r.signal, null);
      assert.equal(r.launchError, null);
      assert.equal(read(s.stdout), 'hi\n');
    }
  });

  it('reports the terminating signal as a number', async () => {
    const r = await run(spec({ scriptPath: script('kill -TERM $$') }));
    assert.equal(r.signal, 15);
    assert.equal(r.code, null);
  });

  it('writes its pid into every proc file before the script runs; the pid is the script\'s', async () => {
    const a = path.join(dir, 'procs-a');
    const b = path.join(dir, 'procs-b');
    const s = spec({ scriptPath: script(`echo $$; cat ${a} ${b}`), cgroupProcFiles: [a, b] });
    const r = await run(s);
    assert.equal(r.code, 0);
    assert.ok(r.pid !== null);
    assert.equal(read(s.stdout), `${r.pid}\n${r.pid}\n${r.pid}\n`);
  });

  it('a proc file that cannot be written is a launch error', async () => {
    const r = await run(spec({ scriptPath: script('echo ran'), cgroupProcFiles: ['/nonexistent/cgroup.procs'] }));
    assert.match(r.launchError ?? '', /^cgroup: cannot add pid \d+ to \/nonexistent\/cgroup\.procs$/);
  });

  it('the environment is exactly the job\'s: nothing of the agent, no PWD/OLDPWD/SHLVL from the launcher', async () => {
    const s = spec({
      scriptPath: script('tr "\\0" "\\n" </proc/$$/environ'),
      env: { PATH: '/usr/bin:/bin', 'WITH SPACE': 'x', MULTI: 'a\nb', 'BAD=KEY': 'dropped', BASH_FUNC_x: 'not a function' },
    });
    const r = await run(s);
    assert.equal(r.code, 0);
    assert.deepEqual(read(s.stdout).split('\n').sort(), ['', 'BASH_FUNC_x=not a function', 'MULTI=a', 'PATH=/usr/bin:/bin', 'WITH SPACE=x', 'b'].sort());
  });

  it('exports the variables in the shell when every name is an identifier, with the same result as env(1)', async () => {
    // Names a shell treats specially, and the names stage 2 itself could have used.
    const env = { PATH: '/usr/bin:/bin', PWD: '/from/submit', IFS: ':', x: 'eks', n: '3', PS4: '+ ', MULTI: 'a\nb', EMPTY: '', ARG: '--' };
    const want = ['', 'ARG=--', 'EMPTY=', 'IFS=:', 'MULTI=a', 'PATH=/usr/bin:/bin', 'PS4=+ ', 'PWD=/from/submit', 'b', 'n=3', 'x=eks'].sort();
    for (const shellExport of [true, false]) {
      const s = spec({ scriptPath: script('tr "\\0" "\\n" </proc/$$/environ; printf "[%s]" "$@"'), env, argv: ['--', 'a b'], workDir: '/usr' });
      const r = await run(s, shellExport);
      assert.equal(r.code, 0);
      const [vars, args] = [read(s.stdout).split('\n').slice(0, -1), read(s.stdout).split('\n').at(-1)];
      assert.deepEqual([...vars, ''].sort(), want, `shellExport=${String(shellExport)}`);
      assert.equal(args, '[--][a b]');
    }
  });

  it('knows whether this /bin/sh can export the environment exactly (dash can)', () => {
    const dash = fs.realpathSync('/bin/sh').endsWith('dash');
    if (dash) assert.equal(shellExportsExactly(), true);
    else assert.equal(typeof shellExportsExactly(), 'boolean');
  });

  it('passes arguments verbatim, runs in workDir, in a new session', async () => {
    const s = spec({ scriptPath: script('printf "[%s]" "$@"; echo; pwd; cut -d" " -f1,5,6 /proc/$$/stat'), argv: ['a b', '', 'x=y', '-i'], workDir: '/usr' });
    const r = await run(s);
    assert.equal(r.code, 0);
    assert.equal(read(s.stdout), `[a b][][x=y][-i]\n/usr\n${r.pid} ${r.pid} ${r.pid}\n`);
  });

  it('stdin, separate stderr, truncate vs append', async () => {
    const i = path.join(dir, 'in.txt');
    fs.writeFileSync(i, 'input line\n');
    const o = path.join(dir, 'o.txt');
    const e = path.join(dir, 'e.txt');
    fs.writeFileSync(o, 'old\n');
    fs.writeFileSync(e, 'old\n');
    const body = script('read l; echo "out $l"; echo "err $l" >&2');
    await run(spec({ scriptPath: body, stdin: i, stdout: o, stderr: e, openMode: 'append' }));
    assert.equal(read(o), 'old\nout input line\n');
    assert.equal(read(e), 'old\nerr input line\n');
    await run(spec({ scriptPath: body, stdin: i, stdout: o, stderr: e, openMode: 'truncate' }));
    assert.equal(read(o), 'out input line\n');
    assert.equal(read(e), 'err input line\n');
  });

  it('applies a valid umask to the job and the files it creates; ignores a bogus one', async () => {
    const s = spec({ scriptPath: script('umask; touch umask-made'), umask: '0027', workDir: dir });
    await run(s);
    assert.equal(read(s.stdout), '0027\n');
    assert.equal(fs.statSync(s.stdout).mode & 0o777, 0o640);
    assert.equal(fs.statSync(path.join(dir, 'umask-made')).mode & 0o777, 0o640);
    const bogus = spec({ scriptPath: script('umask'), umask: '9; rm -rf /' });
    const r = await run(bogus);
    assert.equal(r.launchError, null);
    assert.match(read(bogus.stdout), /^0[0-7]{3}\n$/, 'inherited umask, nothing executed');
  });

  it('stdout and stderr as one file keep their order (one open, 2>&1)', async () => {
    const s = spec({ scriptPath: script('echo a; echo b >&2; echo c') });
    await run(s);
    assert.equal(read(s.stdout), 'a\nb\nc\n');
  });

  it('tells launch failures apart, with the errno text', async () => {
    const file = path.join(dir, 'plainfile');
    fs.writeFileSync(file, '');
    const body = script('echo should not run');
    const cases: [Partial<LaunchSpec>, string][] = [
      [{ workDir: '/nonexistent/wd' }, 'chdir(/nonexistent/wd): No such file or directory'],
      [{ workDir: file }, `chdir(${file}): Not a directory`],
      [{ stdin: '/nonexistent/in' }, 'open(/nonexistent/in): No such file or directory'],
      [{ stdout: '/nonexistent/dir/out', stderr: '/nonexistent/dir/out' }, 'open(/nonexistent/dir/out): No such file or directory'],
      [{ stdout: dir, stderr: dir }, `open(${dir}): Is a directory`],
      [{ stderr: '/nonexistent/err' }, 'open(/nonexistent/err): No such file or directory'],
    ];
    for (const [over, msg] of cases) {
      const s = spec({ scriptPath: body, ...over });
      const r = await run(s);
      assert.equal(r.launchError, msg);
    }
  });

  it('drops privileges: a non-root job sees its own ids and cannot write where it may not', { skip: isRoot ? false : 'skipped: needs root' }, async () => {
    const wd = path.join(dir, 'userwd');
    fs.mkdirSync(wd, { mode: 0o777 });
    fs.chmodSync(wd, 0o777);
    const body = script('id -u; id -g; id -G');
    const ok = spec({ scriptPath: body, uid: 65534, gid: 65534, workDir: wd, stdout: path.join(wd, 'o'), stderr: path.join(wd, 'o') });
    const r = await run(ok);
    assert.equal(r.launchError, null);
    assert.equal(read(ok.stdout), '65534\n65534\n65534\n');
    assert.equal(fs.statSync(ok.stdout).uid, 65534, 'output opened by the job user');
    const rootOnly = path.join(dir, 'rootonly');
    fs.mkdirSync(rootOnly, { mode: 0o700 });
    const denied = await run(spec({ scriptPath: body, uid: 65534, gid: 65534, workDir: rootOnly, stdout: path.join(wd, 'o2'), stderr: path.join(wd, 'o2') }));
    assert.equal(denied.launchError, `chdir(${rootOnly}): Permission denied`);
    const noWrite = await run(spec({ scriptPath: body, uid: 65534, gid: 65534, workDir: wd, stdout: path.join(dir, 'o3'), stderr: path.join(dir, 'o3') }));
    assert.equal(noWrite.launchError, `open(${path.join(dir, 'o3')}): Permission denied`);
    const noSetpriv = launchBatch(spec({ scriptPath: body, uid: 65534, gid: 65534 }), null);
    assert.equal((await noSetpriv.exit).launchError, 'cannot run as uid 65534: setpriv (util-linux) not found');
  });

  it('is quick: the script runs within a few tens of milliseconds', async () => {
    const t0 = Date.now();
    const l = launchBatch(spec({ scriptPath: script('exit 0') }));
    await l.ready;
    const ready = Date.now() - t0;
    await l.exit;
    assert.ok(ready < 500, `ready after ${ready} ms`);
  });
});

describe('spool and tool discovery', () => {
  it('jobSpoolDir pads ids to five digits like slurmd', () => {
    assert.equal(jobSpoolDir('/var/spool/r', 1), '/var/spool/r/job00001');
    assert.equal(jobSpoolDir('/var/spool/r', 123456), '/var/spool/r/job123456');
  });

  it('writeBatchScript writes slurm_script 0700, owned by the job user, replacing leftovers', async () => {
    const spool = path.join(dir, 'spool');
    fs.mkdirSync(path.join(spool, 'job00042'), { recursive: true });
    fs.writeFileSync(path.join(spool, 'job00042', 'stale'), 'x');
    const uid = isRoot ? 65534 : (process.getuid?.() ?? 0);
    const gid = isRoot ? 65534 : (process.getgid?.() ?? 0);
    const file = await writeBatchScript(spool, 42, '#!/bin/sh\necho hi\n', uid, gid);
    assert.equal(file, path.join(spool, 'job00042', 'slurm_script'));
    assert.equal(read(file), '#!/bin/sh\necho hi\n');
    const st = fs.statSync(file);
    assert.equal(st.mode & 0o777, 0o700);
    assert.equal(st.uid, uid);
    assert.equal(st.gid, gid);
    assert.equal(fs.statSync(path.dirname(file)).uid, uid);
    assert.equal(fs.existsSync(path.join(spool, 'job00042', 'stale')), false);
    await removeSpoolDir(spool, 42);
    assert.equal(fs.existsSync(path.join(spool, 'job00042')), false);
    await removeSpoolDir(spool, 42);
  });

  it('finds setpriv and env, or says null', () => {
    assert.equal(findExecutable(['/nonexistent/setpriv']), null);
    assert.equal(findExecutable(['/nonexistent/sh', '/bin/sh']), '/bin/sh');
    assert.ok(findSetpriv() === null || findSetpriv()?.endsWith('/setpriv'));
    const env = findEnv();
    assert.ok(env === null || env.endsWith('/env'));
  });
});

describe('agent lines in the job\'s output', () => {
  it('formats the banners and the oom notice with Slurm 22.05 wording', () => {
    const t = new Date(2026, 10, 21, 5, 17, 51).getTime();
    assert.equal(slurmLocalTime(t), '2026-11-21T05:17:51');
    assert.equal(cancelBanner('n1', 7, 'timeout', t), 'slurmstepd-n1: error: *** JOB 7 ON n1 CANCELLED AT 2026-11-21T05:17:51 DUE TO TIME LIMIT ***\n');
    assert.equal(cancelBanner('n1', 18, 'cancel', t), 'slurmstepd-n1: error: *** JOB 18 ON n1 CANCELLED AT 2026-11-21T05:17:51 ***\n');
    assert.match(cancelBanner('n2', 3, 'node_fail', t), / DUE TO NODE FAILURE, SEE SLURMCTLD LOG FOR DETAILS \*\*\*\n$/);
    assert.match(cancelBanner('n2', 3, 'requeue', t), / DUE TO JOB REQUEUE \*\*\*\n$/);
    assert.equal(oomNotice('n1', 1, 1), 'slurmstepd-n1: error: Detected 1 oom-kill event(s) in StepId=1.batch. Some of your processes may have been killed by the cgroup out-of-memory handler.\n');
  });


  it('appends only to an existing regular file of the job user, never through a symlink', () => {
    const f = path.join(dir, 'job.out');
    fs.writeFileSync(f, 'a\n');
    const me = process.getuid?.() ?? 0;
    assert.equal(appendToJobFile(f, me, 'b\n'), null);
    assert.equal(read(f), 'a\nb\n');
    assert.equal(appendToJobFile('/dev/null', me, 'x\n'), null, 'not a regular file: silently skipped');
    assert.match(appendToJobFile(path.join(dir, 'absent.out'), me, 'x\n') ?? '', /ENOENT/);
    assert.equal(fs.existsSync(path.join(dir, 'absent.out')), false, 'never created');
    const link = path.join(dir, 'link.out');
    fs.symlinkSync(f, link);
    assert.match(appendToJobFile(link, me, 'x\n') ?? '', /ELOOP/);
    if (me === 0) {
      assert.match(appendToJobFile(f, 65534, 'x\n') ?? '', /owned by uid 0, not the job's 65534/);
      assert.equal(appendToJobFile(f, 0, 'c\n'), null, 'a root job may write anywhere');
    }
    assert.equal(read(f), me === 0 ? 'a\nb\nc\n' : 'a\nb\n');
  });
});
