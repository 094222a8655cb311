// Batch job lifecycle against a real cluster: OOM from the cgroup counter, TIMEOUT with
// SIGTERM then SIGKILL after KillWait, exit codes, self-kill, scancel of running and
// pending jobs. States, reasons and exit codes must be Slurm's (golden a_oom, b_timeout,
// c_exitcodes).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EAT_200M, TestCluster, field } from './harness.ts';

let c: TestCluster;
before(async () => {
  c = await TestCluster.start({ nodes: 2, cpus: 4, set: ['KillWait=2'], timeResolution: 'seconds' });
});
after(async () => {
  await c.stop();
});



async function acct(id: number, fields = 'JobID,State,ExitCode,DerivedExitCode,MaxRSS,ReqMem'): Promise<string[]> {
  const r = await c.sh(`sacct -j ${id} -P -n --format=${fields}`);
  return r.stdout.trim().split('\n');
}

const out = (id: number): string => readFileSync(join(c.work, `slurm-${id}.out`), 'utf8');

describe('out of memory, from the cgroup oom_kill counter', () => {
  test('the OOM-killed command is the last one: OUT_OF_MEMORY 0:125', async () => {
    const id = await c.submit(`--mem=50M -J oom --wrap "${EAT_200M.replace(/"/g, '\\"')}"`);
    assert.equal(await c.waitDone(id), 'OUT_OF_MEMORY');
    const s = await c.show(id);
    assert.equal(field(s, 'Reason'), 'OutOfMemory');
    assert.equal(field(s, 'ExitCode'), '0:125');
    const rows = await acct(id);
    assert.equal(rows[0], `${id}|OUT_OF_MEMORY|0:125|0:0||50M`);
    assert.match(rows[1] ?? '', new RegExp(`^${id}\\.batch\\|OUT_OF_MEMORY\\|0:125\\|\\|\\d+[KM]\\|$`));
    assert.match(out(id), /slurmstepd-n\d: error: Detected 1 oom-kill event\(s\) in StepId=\d+\.batch/);
  });

  test('the script goes on and exits 0: still OUT_OF_MEMORY', async () => {
    const script = `#!/bin/bash\n${EAT_200M}\necho "python exit status $?"\nexit 0\n`;
    const id = await c.submit(`--mem=50M -J oomcont <<'EOF'\n${script}EOF`);
    assert.equal(await c.waitDone(id), 'OUT_OF_MEMORY');
    assert.equal(field(await c.show(id), 'ExitCode'), '0:125');
    assert.match(out(id), /python exit status 137/);
  });

  test('the same allocation with enough memory completes', async () => {
    const id = await c.submit(`--mem=300M --wrap "${EAT_200M.replace(/"/g, '\\"')}"`);
    assert.equal(await c.waitDone(id), 'COMPLETED');
    assert.equal((await acct(id))[0], `${id}|COMPLETED|0:0|0:0||300M`);
  });
});

describe('time limits: SIGTERM at the limit, SIGKILL after KillWait', () => {
  test('plain sleep: TIMEOUT, ExitCode 0:15, sacct TIMEOUT 0:0 / batch CANCELLED 0:15, on time', async () => {
    const id = await c.submit('--time=0:03 -J tplain --wrap "sleep 300"');
    assert.equal(await c.waitDone(id, 30_000), 'TIMEOUT');
    const s = await c.show(id);
    assert.equal(field(s, 'Reason'), 'TimeLimit');
    assert.equal(field(s, 'ExitCode'), '0:15');
    assert.equal(field(s, 'RunTime'), '00:00:03');
    const rows = await acct(id, 'JobID,State,ExitCode,Elapsed');
    assert.equal(rows[0], `${id}|TIMEOUT|0:0|00:00:03`);
    assert.match(rows[1] ?? '', new RegExp(`^${id}\\.batch\\|CANCELLED\\|0:15\\|`));
    assert.match(out(id), new RegExp(`\\*\\*\\* JOB ${id} ON n\\d CANCELLED AT \\S+ DUE TO TIME LIMIT \\*\\*\\*`));
  });

  test('the script traps TERM and exits 0: TIMEOUT with ExitCode 0:0', async () => {
    const script = '#!/bin/bash\ntrap \'echo caught TERM; exit 0\' TERM\nsleep 300 &\nwait\n';
    const id = await c.submit(`--time=0:02 <<'EOF'\n${script}EOF`);
    assert.equal(await c.waitDone(id, 30_000), 'TIMEOUT');
    assert.equal(field(await c.show(id), 'ExitCode'), '0:0');
    assert.match(out(id), /caught TERM/);
    assert.match((await acct(id, 'JobID,State,ExitCode'))[1] ?? '', /\.batch\|COMPLETED\|0:0/);
  });

  test('the script traps TERM and keeps going: SIGKILL after KillWait, ExitCode 0:9', async () => {
    const script = '#!/bin/bash\ntrap \'echo caught TERM\' TERM\nfor i in $(seq 300); do sleep 1; done\n';
    const started = Date.now();
    const id = await c.submit(`--time=0:02 <<'EOF'\n${script}EOF`);
    assert.equal(await c.waitDone(id, 30_000), 'TIMEOUT');
    assert.ok(Date.now() - started >= 4000, 'KillWait (2 s) was honoured');
    assert.equal(field(await c.show(id), 'ExitCode'), '0:9');
    assert.match(out(id), /caught TERM/);
    const rows = await acct(id, 'JobID,State,ExitCode,Elapsed');
    assert.equal(rows[0], `${id}|TIMEOUT|0:0|00:00:02`);
    assert.match(rows[1] ?? '', /\.batch\|CANCELLED\|0:9\|00:00:0[45]/);
  });
});

describe('exit codes', () => {
  for (const code of [1, 3]) {
    test(`exit ${code}: FAILED NonZeroExitCode ${code}:0`, async () => {
      const id = await c.submit(`--wrap "exit ${code}"`);
      assert.equal(await c.waitDone(id), 'FAILED');
      const s = await c.show(id);
      assert.equal(field(s, 'Reason'), 'NonZeroExitCode');
      assert.equal(field(s, 'ExitCode'), `${code}:0`);
      assert.deepEqual(await acct(id, 'JobID,State,ExitCode'), [`${id}|FAILED|${code}:0`, `${id}.batch|FAILED|${code}:0`]);
    });
  }

  test('kill -9 $$: FAILED JobLaunchFailure 0:9, batch CANCELLED 0:9', async () => {
    const id = await c.submit('--wrap "echo killing myself; kill -9 \\$\\$"');
    assert.equal(await c.waitDone(id), 'FAILED');
    const s = await c.show(id);
    assert.equal(field(s, 'Reason'), 'JobLaunchFailure');
    assert.equal(field(s, 'ExitCode'), '0:9');
    assert.deepEqual(await acct(id, 'JobID,State,ExitCode'), [`${id}|FAILED|0:9`, `${id}.batch|CANCELLED|0:9`]);
  });

  test('a child killed by SIGKILL as the last command: scontrol 137:0, sacct 9:0', async () => {
    const id = await c.submit('--wrap "sleep 300 & pid=\\$!; kill -9 \\$pid; wait \\$pid"');
    assert.equal(await c.waitDone(id), 'FAILED');
    assert.equal(field(await c.show(id), 'ExitCode'), '137:0');
    assert.equal((await acct(id, 'JobID,State,ExitCode'))[0], `${id}|FAILED|9:0`);
  });
});

describe('scancel', () => {
  test('of a running job: CANCELLED 0:15, sacct "CANCELLED by 0" 0:0', async () => {
    const id = await c.submit('--wrap "echo started; sleep 300"');
    await c.waitState(id, ['RUNNING']);
    assert.equal((await c.sh(`scancel ${id}`)).code, 0);
    assert.equal(await c.waitDone(id), 'CANCELLED');
    assert.equal(field(await c.show(id), 'ExitCode'), '0:15');
    const uid = process.getuid?.() ?? 0;
    assert.deepEqual(await acct(id, 'JobID,State,ExitCode'), [`${id}|CANCELLED by ${uid}|0:0`, `${id}.batch|CANCELLED|0:15`]);
    assert.match(out(id), new RegExp(`\\*\\*\\* JOB ${id} ON n\\d CANCELLED AT \\S+ \\*\\*\\*`));
  });

  test('of a running job whose shell traps TERM: SIGKILL after KillWait, 0:9', async () => {
    const id = await c.submit('--wrap \'trap "echo got TERM" TERM; echo started; sleep 300\'');
    await c.waitState(id, ['RUNNING']);
    const r = await c.sh(`scancel ${id}; squeue -h -j ${id} -o %t`);
    assert.equal(r.stdout.trim(), 'CG', 'completing while KillWait runs');
    assert.equal(await c.waitDone(id), 'CANCELLED');
    assert.equal(field(await c.show(id), 'ExitCode'), '0:9');
  });

  test('of a pending (held) job: CANCELLED at once, reason kept, no steps', async () => {
    const id = await c.submit('--hold --wrap "sleep 10"');
    assert.equal((await c.sh(`squeue -h -j ${id} -o "%t %r"`)).stdout.trim(), 'PD JobHeldUser');
    assert.equal((await c.sh(`scancel ${id}`)).code, 0);
    assert.equal(await c.waitDone(id), 'CANCELLED');
    const s = await c.show(id);
    assert.equal(field(s, 'Reason'), 'JobHeldUser');
    assert.equal(field(s, 'ExitCode'), '0:0');
    const uid = process.getuid?.() ?? 0;
    assert.deepEqual(await acct(id, 'JobID,State,ExitCode'), [`${id}|CANCELLED by ${uid}|0:0`]);
  });

  test('of an unknown job prints nothing and exits 0; -v explains', async () => {
    assert.deepEqual(await c.sh('scancel 999999'), { code: 0, stdout: '', stderr: '' });
    const v = await c.sh('scancel -v 999999');
    assert.equal(v.code, 0);
    assert.match(v.stderr, /Kill job error on job id 999999: Invalid job id specified/);
  });
});
