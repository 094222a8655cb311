// Job dependencies against a real cluster: a diamond of afterok / afternotok / afterany
// resolving in order (sacct Start/End and the jobs' own log), the dependents of an OOM job
// (afternotok runs, afterok is DependencyNeverSatisfied), dependencies surviving a
// controller crash, submit and update errors with Slurm's wording, SLURM_JOB_DEPENDENCY.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EAT_200M, TestCluster, field } from './harness.ts';
import type { RunResult } from './harness.ts';
import { api, pidOf, startController, waitReady } from '../../src/cli/cluster.ts';
import { errorBody } from '../../src/cli/client.ts';
import type { SubmitRequest, SubmitResponse } from '../../src/api/wire.ts';

let c: TestCluster;
before(async () => {
  c = await TestCluster.start({ nodes: 2, cpus: 2, set: ['KillWait=2'], timeResolution: 'seconds' });
});
after(async () => {
  await c.stop();
});



/** sacct's allocation row of each job: state, Start and End (epoch seconds, NaN for None/Unknown). */
async function rows(ids: number[]): Promise<Map<number, { state: string; start: number; end: number }>> {
  const r = await c.sh(`sacct -X -P -n -j ${ids.join(',')} --format=JobID,State,Start,End`);
  const secs = (t: string): number => Date.parse(`${t}Z`) / 1000;
  const m = new Map<number, { state: string; start: number; end: number }>();
  for (const line of r.stdout.trim().split('\n')) {
    const [id, state, start, end] = line.split('|');
    m.set(Number(id), { state: state ?? '', start: secs(start ?? ''), end: secs(end ?? '') });
  }
  return m;
}

/** Poll squeue until the job's reason is `reason` (dependencies are evaluated each pass). */
async function waitReason(id: number, reason: string, timeoutMs = 30_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  let s = '';
  while (Date.now() < until) {
    s = (await c.sh(`squeue -h -t all -j ${id} -o '%T %r %E'`)).stdout.trim();
    if (s.split(' ')[1] === reason) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${id}: waited for reason ${reason}, squeue says ${s}`);
}

const logged = (name: string): string => `-J ${name} -o /dev/null --wrap 'echo ${name} start >> order.log; sleep 1; echo ${name} end >> order.log'`;

test('a diamond: afterok and afternotok (killed when invalid) after A, afterany on both, in order', async () => {
  const a = await c.submit('-J A -o /dev/null --wrap \'echo A start >> order.log; sleep 2; echo A end >> order.log\'');
  const b = await c.submit(`--dependency=afterok:${a} ${logged('B')}`);
  const cc = await c.submit(`--dependency=afternotok:${a} --kill-on-invalid-dep=yes ${logged('C')}`);
  const d = await c.submit(`--dependency=afterany:${b}:${cc} ${logged('D')}`);
  const q = (await c.sh(`squeue -j ${b},${cc},${d} -o '%i %r %E'`)).stdout;
  assert.match(q, new RegExp(`^${b} Dependency afterok:${a}\\(unfulfilled\\)$`, 'm'));
  assert.match(q, new RegExp(`^${d} Dependency afterany:${b}\\(unfulfilled\\),afterany:${cc}\\(unfulfilled\\)$`, 'm'));
  assert.equal(field(await c.show(d), 'EligibleTime'), 'Unknown');

  assert.equal(await c.waitDone(d, 60_000), 'COMPLETED');
  const r = await rows([a, b, cc, d]);
  const [ra, rb, rc, rd] = [r.get(a), r.get(b), r.get(cc), r.get(d)];
  assert.ok(ra && rb && rc && rd);
  assert.deepEqual([ra.state, rb.state, rc.state, rd.state], ['COMPLETED', 'COMPLETED', 'CANCELLED', 'COMPLETED']);
  assert.ok(rb.start >= ra.end, `B started ${rb.start} before A ended ${ra.end}`);
  assert.ok(rd.start >= rb.end, `D started ${rd.start} before B ended ${rb.end}`);
  assert.ok(Number.isNaN(rc.start), 'C never started (Start=None)');
  // Second resolution cannot order A's end and B's start; the jobs' own log can.
  assert.deepEqual(readFileSync(join(c.work, 'order.log'), 'utf8').trim().split('\n'),
    ['A start', 'A end', 'B start', 'B end', 'D start', 'D end']);
  const sc = await c.show(cc);
  assert.match(sc, new RegExp(`JobState=CANCELLED Reason=DependencyNeverSatisfied Dependency=afternotok:${a}\\(failed\\)`));
  assert.match(sc, /KillOInInvalidDependent=Yes/);
  assert.equal((await c.sh(`sacct -X -P -n -j ${cc} --format=State,ExitCode`)).stdout.trim(), 'CANCELLED|0:0');
  assert.equal(field(await c.show(d), 'Dependency'), '(null)');
});

test('dependents of an OOM job: afternotok runs, afterok is DependencyNeverSatisfied', async () => {
  const p = await c.submit(`--mem=50M -J oom -o /dev/null --wrap "${EAT_200M.replace(/"/g, '\\"')}"`);
  const ok = await c.submit(`-J on_ok --dependency=afterok:${p} --wrap true`);
  const notok = await c.submit(`-J on_notok --dependency=afternotok:${p} --wrap true`);
  assert.equal(await c.waitDone(p), 'OUT_OF_MEMORY');
  assert.equal(await c.waitDone(notok), 'COMPLETED');
  assert.equal(await waitReason(ok, 'DependencyNeverSatisfied'), `PENDING DependencyNeverSatisfied afterok:${p}(failed)`);
  assert.match(await c.show(ok), new RegExp(`JobState=PENDING Reason=DependencyNeverSatisfied Dependency=afterok:${p}\\(failed\\)`));
  const r = await rows([p, notok]);
  assert.ok((r.get(notok)?.start ?? 0) >= (r.get(p)?.end ?? Infinity), 'afternotok started after the OOM');
  assert.equal((await c.sh(`squeue -h -j ${ok} -o %R`)).stdout.trim(), '(DependencyNeverSatisfied)');
  assert.equal((await c.sh(`scancel ${ok}`)).code, 0);
  assert.equal(await c.waitDone(ok), 'CANCELLED');
});

test('dependencies survive a controller crash and resolve after it', async () => {
  const p = await c.submit('-J parent -o /dev/null --wrap \'sleep 3\'');
  const child = await c.submit(`-J child --dependency=afterok:${p} -o child.out --wrap 'echo "dep=$SLURM_JOB_DEPENDENCY"'`);
  const never = await c.submit(`-J never --dependency=afternotok:${p} --wrap true`);
  await waitReason(child, 'Dependency');
  const pid = pidOf(c.h.dir, 'ratchetctld');
  assert.ok(pid !== null);
  process.kill(pid, 'SIGKILL');
  startController(c.h.dir, c.h.conf);
  await waitReady(c.h.auth, c.h.controlPort, 2);
  const s = await c.show(child);
  assert.ok(/JobState=(PENDING|RUNNING|COMPLETED)/.test(s), s);
  if (s.includes('JobState=PENDING')) assert.match(s, new RegExp(`Dependency=afterok:${p}\\(unfulfilled\\)`));
  assert.equal(await c.waitDone(child), 'COMPLETED');
  assert.equal(readFileSync(join(c.work, 'child.out'), 'utf8'), `dep=afterok:${p}\n`);
  assert.equal(await waitReason(never, 'DependencyNeverSatisfied'), `PENDING DependencyNeverSatisfied afternotok:${p}(failed)`);
  await c.sh(`scancel ${never}`);
});

test('singleton: jobs of one name and user run one at a time, in submission order', async () => {
  const ids: number[] = [];
  for (let i = 0; i < 3; i++) ids.push(await c.submit('-J single --dependency=singleton -o /dev/null --wrap \'sleep 1\''));
  const [s1, s2, s3] = ids as [number, number, number];
  assert.match(await waitReason(s3, 'Dependency'), /singleton\(unfulfilled\)$/);
  for (const id of ids) assert.equal(await c.waitDone(id), 'COMPLETED');
  const r = await rows(ids);
  assert.ok((r.get(s2)?.start ?? 0) >= (r.get(s1)?.end ?? Infinity));
  assert.ok((r.get(s3)?.start ?? 0) >= (r.get(s2)?.end ?? Infinity));
});

test('bad specs and updates fail with Slurm\'s wording; unknown ids are treated as long finished', async () => {
  for (const spec of ['afterok:abc', 'bogus:1', 'afterok:', 'after:1+0', 'afterok:0']) {
    const r = await c.sh(`sbatch --dependency=${spec} --wrap true`);
    assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', 'sbatch: error: Batch job submission failed: Job dependency problem\n'], spec);
  }
  const bad = await c.sh('sbatch --kill-on-invalid-dep=maybe --wrap true');
  assert.deepEqual([bad.code, bad.stderr], [255, 'sbatch: error: Invalid --kill-on-invalid-dep specification\n']);
  const gone = await c.submit('--dependency=afterok:999999 -o /dev/null --wrap true');
  assert.equal(await c.waitDone(gone), 'COMPLETED');

  const h1 = await c.submit('--hold -J h1 --wrap true');
  const h2 = await c.submit(`--hold -J h2 --dependency=afterok:${h1} --wrap true`);
  const upd = (id: number, spec: string): Promise<RunResult> => c.sh(`scontrol update JobId=${id} Dependency=${spec}`);
  assert.deepEqual(await upd(h1, `afterok:${h1}`), { code: 1, stdout: '', stderr: `Job dependency problem for job ${h1}\n` });
  assert.deepEqual(await upd(h1, `afterok:${h2}`), { code: 1, stdout: '', stderr: `Circular job dependency for job ${h1}\n` });
  assert.deepEqual(await upd(h1, 'afterok:abc'), { code: 1, stdout: '', stderr: `Job dependency problem for job ${h1}\n` });
  assert.equal((await upd(h2, `afterany:${h1}`)).code, 0);
  assert.match(await c.show(h2), new RegExp(`Reason=JobHeldUser Dependency=afterany:${h1}\\(unfulfilled\\)`));
  assert.equal((await upd(h2, '')).code, 0);
  assert.match(await c.show(h2), /Reason=JobHeldUser Dependency=\(null\)/);
  await c.sh(`scancel ${h1} ${h2}`);
  const done = await c.submit('-o /dev/null --wrap true');
  assert.equal(await c.waitDone(done), 'COMPLETED');
  assert.deepEqual(await upd(done, 'afterok:1'), { code: 1, stdout: '', stderr: `Job has already finished for job ${done}\n` });
});

test('2000 random dependency specs through the API: each is accepted or refused with Slurm\'s error, the controller stays up', async () => {
  const pieces = ['after', 'afterok', 'afternotok', 'afterany', 'aftercorr', 'afterburstbuffer', 'expand', 'singleton',
    ':', ':', ',', '?', '+', '_', '*', '[', ']', '-', '1', '2', '0', '99', '4294967296', ' ', 'x'];
  let seed = 7;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const base: SubmitRequest = {
    script: '#!/bin/sh\ntrue\n', scriptPath: null, argv: [], name: 'fuzz', workDir: c.work, stdout: '/dev/null',
    stderr: null, stdin: null, openMode: null, partition: null, time: null, nodes: null, ntasks: null, cpusPerTask: null,
    mem: null, env: {}, hold: false, comment: null, account: null, qos: null, requeue: null, nice: null,
    submitHost: 'localhost', submitSid: 1, testOnly: true, signal: null,
  };
  const seen = new Map<string, number>();
  for (let n = 0; n < 2000; n++) {
    let spec = '';
    for (let k = Math.floor(rand() * 8); k >= 0; k--) spec += pieces[Math.floor(rand() * pieces.length)] ?? '';
    let outcome: string;
    try {
      await api<SubmitResponse>(c.h.auth, c.h.controlPort, '/v1/submit', { ...base, dependency: spec });
      outcome = 'accepted';
    } catch (e) {
      outcome = errorBody(e)?.error ?? `unexpected: ${String(e)}`;
    }
    assert.ok(['accepted', 'Job dependency problem', 'Requested operation not supported on this system'].includes(outcome),
      `${JSON.stringify(spec)}: ${outcome}`);
    seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
  }
  assert.ok((seen.get('accepted') ?? 0) > 0 && (seen.get('Job dependency problem') ?? 0) > 0, JSON.stringify([...seen]));
  const after = await c.submit('-o /dev/null --wrap true');
  assert.equal(await c.waitDone(after), 'COMPLETED');
});
