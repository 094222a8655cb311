// Native escalation end to end (issue 6, acceptance 1 and 2), with the seed's
// variable-job.sh scaled to seconds over a 4-level ladder on 4 partitions of different
// MaxTime: every array task completes at its predicted level inside one array id, the
// exit-1 tasks are not retried, `sacct -D` shows every attempt and the report's numbers
// match. Then dependencies follow the logical job (afterok waits for the successful
// attempt, afternotok for exhaustion) and a controller killed with -9 mid-chain loses nothing.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EAT_200M, TestCluster, field } from './harness.ts';
import { pidOf, startController, waitReady } from '../../src/cli/cluster.ts';

let c: TestCluster;
before(async () => {
  c = await TestCluster.start({
    nodes: 2, cpus: 8, mem: 4000, timeResolution: 'seconds',
    set: [
      'PartitionName=devel Nodes=n1 MaxTime=1 State=UP',
      'PartitionName=day Nodes=ALL MaxTime=2 State=UP',
      'PartitionName=week Nodes=ALL MaxTime=3 State=UP',
      'PartitionName=pi_jetz Nodes=n2 MaxTime=4 State=UP',
    ],
  });
  // The seed's coupled levels, scaled: minutes become seconds, GB become hundreds of MB.
  writeFileSync(join(c.work, 'ladder.yaml'), `
levels:
  - {partition: devel, mem: 100M, time: "00:00:02"}
  - {partition: day, mem: 300M, time: "00:00:04"}
  - {partition: week, mem: 400M, time: "00:00:06"}
  - {partition: pi_jetz, mem: 500M, time: "00:00:08"}
state_handling:
  OUT_OF_MEMORY: escalate
  TIMEOUT: escalate
  FAILED: no_retry
  CANCELLED: no_retry
  exit_codes:
    137: escalate
max_array_spec_len: 10000
`);
  // variable-job.sh by task id mod 10: quick; needs level-1 time; needs level-2 time; needs
  // level-1 memory; needs level-3 time. FAIL_TASKS lists tasks that exit 1 (code errors).
  writeFileSync(join(c.work, 'variable-job.sh'), `#!/bin/bash
t=$SLURM_ARRAY_TASK_ID
echo "task $t level $RATCHET_ESCALATION_LEVEL attempt $RATCHET_ATTEMPT prev $RATCHET_PREV_CAUSE"
case ":$FAIL_TASKS:" in *":$t:"*) exit 1;; esac
case $((t % 10)) in
  5|6) sleep 3;;
  7) sleep 5;;
  8) ${EAT_200M};;
  9) sleep 7;;
  *) sleep 0.2;;
esac
`);
});
after(async () => {
  await c.stop();
});

interface Report {
  chains: {
    jobId: number;
    rounds: { round: number; tasks: number; done: number; oom: number; timeout: number; failed: number; memory: string; time: string; status: string }[];
    summary: { tasks: number; completed: number; notRetried: number; exhausted: number; active: number; escalations: number };
    tasks?: { id: string; outcome: string; attempts: { level: number; state: string; outcome: string | null }[] }[];
  }[];
}

async function report(id: number): Promise<Report['chains'][number]> {
  const r = await c.sh(`ratchet escalation report ${id} --format json --detailed`);
  assert.equal(r.code, 0, r.stderr);
  const chain = (JSON.parse(r.stdout) as Report).chains[0];
  assert.ok(chain !== undefined);
  return chain;
}

async function waitChainDone(id: number, timeoutMs = 90_000): Promise<Report['chains'][number]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ch = await report(id);
    if (ch.summary.active === 0) return ch;
    assert.ok(Date.now() < until, `chain ${id} still active: ${JSON.stringify(ch.summary)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

const PREDICTED = (t: number): number => [0, 0, 0, 0, 0, 1, 1, 2, 1, 3][t % 10] ?? -1;
const FAIL = new Set([10, 11, 12]);

test('acceptance 1: variable-job over a 4-level ladder, --array=0-29 with three exit-1 tasks', { timeout: 150_000 }, async () => {
  const id = await c.submit('--escalate=ladder.yaml --array=0-29 -o var_%a.out --export=ALL,FAIL_TASKS=10:11:12 variable-job.sh');
  const ch = await waitChainDone(id);
  const tasks = ch.tasks ?? [];
  assert.equal(tasks.length, 30);
  for (const t of tasks) {
    const n = Number(t.id.split('_')[1]);
    assert.equal(t.id, `${id}_${n}`, 'one array id throughout');
    const last = t.attempts.at(-1);
    if (FAIL.has(n)) {
      assert.deepEqual([t.outcome, t.attempts.length, last?.state], ['not_retried', 1, 'FAILED'], t.id);
      continue;
    }
    assert.deepEqual([t.outcome, last?.state, last?.level], ['completed', 'COMPLETED', PREDICTED(n)], t.id);
    assert.equal(t.attempts.length, PREDICTED(n) + 1, `${t.id} climbed one level per attempt`);
  }
  // The seed's per-round table, with the numbers this workload must give.
  assert.deepEqual(ch.rounds.map((r) => [r.round, r.memory, r.time, r.tasks, r.done, r.oom, r.timeout, r.failed, r.status]), [
    [1, '100M', '00:00:02', 30, 12, 3, 12, 3, 'ESCALATING'],
    [2, '300M', '00:00:04', 15, 9, 0, 6, 0, 'ESCALATING'],
    [3, '400M', '00:00:06', 6, 3, 0, 3, 0, 'ESCALATING'],
    [4, '500M', '00:00:08', 3, 3, 0, 0, 0, 'COMPLETED'],
  ]);
  assert.deepEqual(ch.summary, { tasks: 30, completed: 27, notRetried: 3, exhausted: 0, active: 0, escalations: 24 });
  // sacct -D: every attempt is its own row with its own state, memory, limit and partition.
  const acct = await c.sh(`sacct -D -X -P -n -j ${id} --format=JobID,State,ReqMem,Timelimit,Partition`);
  const rows = acct.stdout.trim().split('\n').map((l) => l.split('|'));
  assert.equal(rows.length, 30 + 24);
  assert.deepEqual(rows.filter((r) => r[0] === `${id}_9`).map((r) => r.slice(1)), [
    ['TIMEOUT', '100M', '00:00:02', 'devel'], ['TIMEOUT', '300M', '00:00:04', 'day'],
    ['TIMEOUT', '400M', '00:00:06', 'week'], ['COMPLETED', '500M', '00:00:08', 'pi_jetz'],
  ]);
  assert.deepEqual(rows.filter((r) => r[0] === `${id}_8`).map((r) => r.slice(1)), [
    ['OUT_OF_MEMORY', '100M', '00:00:02', 'devel'], ['COMPLETED', '300M', '00:00:04', 'day'],
  ]);
  // The retried run saw where it stands.
  const out = (await c.sh('cat var_9.out')).stdout;
  assert.match(out, /task 9 level 3 attempt 4 prev TIMEOUT/);
  const md = (await c.sh(`ratchet escalation report ${id}`)).stdout;
  assert.match(md, /\| 1 \| \d+ \| 100M \| 00:00:02 \| 30 \| 12 \| 3 \| 12 \| 3 \| ESCALATING \|/);
  assert.match(md, /\*\*27\*\* of 30 tasks completed\. \*\*3\*\* failed \(not retried\)/);
});

const OOM_ONCE = `#!/bin/bash
if [ "\${RATCHET_ESCALATION_LEVEL}" = 0 ]; then ${EAT_200M}; fi
exit 0
`;

test('acceptance 2: afterok waits for the successful attempt, afternotok for exhaustion; kill -9 mid-chain', { timeout: 150_000 }, async () => {
  writeFileSync(join(c.work, 'oom-once.sh'), OOM_ONCE);
  writeFileSync(join(c.work, 'small.yaml'), 'levels:\n  - {mem: 100M, time: "00:00:10"}\n  - {mem: 150M, time: "00:00:10"}\n');
  writeFileSync(join(c.work, 'eat.sh'), `#!/bin/bash\n${EAT_200M}\n`);
  // Climbs once (OOM that exits 0 at level 0), then succeeds.
  const good = await c.submit('--escalate=ladder.yaml -o /dev/null oom-once.sh');
  // Follows the chain as the controller pushes changes, and ends when the chain does.
  const watch = c.sh(`timeout 60 ratchet escalation status ${good} --watch`);
  const goodOk = await c.submit(`-d afterok:${good} -o /dev/null --wrap true`);
  const goodNotOk = await c.submit(`-d afternotok:${good} -o /dev/null --wrap true`);
  // Never fits: exhausted after two OOMs.
  const bad = await c.submit('--escalate=small.yaml -o /dev/null eat.sh');
  const badOk = await c.submit(`-d afterok:${bad} -o /dev/null --wrap true`);
  const badNotOk = await c.submit(`-d afternotok:${bad} -o /dev/null --wrap true`);

  assert.equal(await c.waitDone(goodOk), 'COMPLETED');
  assert.equal(await c.waitDone(badNotOk), 'COMPLETED');
  assert.equal(await c.waitDone(good), 'COMPLETED');
  assert.equal(await c.waitDone(bad), 'OUT_OF_MEMORY');
  const w = await watch;
  assert.equal(w.code, 0, w.stderr);
  assert.match(w.stdout, new RegExp(`\\n${good} +COMPLETED +1 +2 +300M/00:00:04 +completed at level 1 after 1 failed attempt\\n$`));
  const g = await c.show(good);
  assert.equal(field(g, 'Restarts'), '1');
  assert.match(g, /Escalation=ladder\.yaml Level=1\/3 Attempt=2 .* Outcome=COMPLETED/);
  const b = await c.show(bad);
  assert.match(b, /Comment=escalation exhausted: OUT_OF_MEMORY at level 1 \(150M, 00:00:10\): no higher memory rung; OOM: oom_kill=\d+, peak/);
  // The dependants started only after the final outcome, not after the first failed run.
  const end = async (id: number): Promise<number> => Date.parse(field(await c.show(id), 'EndTime'));
  const start = async (id: number): Promise<number> => Date.parse(field(await c.show(id), 'StartTime'));
  assert.ok(await start(goodOk) >= await end(good), 'afterok started after the successful attempt');
  assert.ok(await start(badNotOk) >= await end(bad), 'afternotok started after exhaustion');
  for (const id of [goodNotOk, badOk]) {
    const s = await c.show(id);
    assert.deepEqual([field(s, 'JobState'), field(s, 'Reason')], ['PENDING', 'DependencyNeverSatisfied'], `job ${id}`);
  }

  // kill -9 once the chain is on its second attempt: nothing of it is lost.
  writeFileSync(join(c.work, 'slow-once.sh'), '#!/bin/bash\nif [ "$RATCHET_ATTEMPT" = 1 ]; then sleep 30; fi\nsleep 3\n');
  const k = await c.submit('--escalate=ladder.yaml -o /dev/null slow-once.sh');
  const until = Date.now() + 30_000;
  while (!(field(await c.show(k), 'Restarts') === '1' && await c.state(k) === 'RUNNING')) {
    assert.ok(Date.now() < until, 'chain reached its second attempt');
    await new Promise((r) => setTimeout(r, 100));
  }
  const pid = pidOf(c.h.dir, 'ratchetctld');
  assert.ok(pid !== null);
  process.kill(pid, 'SIGKILL');
  startController(c.h.dir, c.h.conf);
  await waitReady(c.h.auth, c.h.controlPort, 2);
  assert.equal(await c.waitDone(k, 60_000), 'COMPLETED');
  const ch = await report(k);
  assert.deepEqual(ch.tasks?.[0]?.attempts.map((a) => [a.level, a.state, a.outcome]), [[0, 'TIMEOUT', 'escalated'], [1, 'COMPLETED', 'completed']]);
  const acct = await c.sh(`sacct -D -X -P -n -j ${k} --format=State,Timelimit`);
  assert.equal(acct.stdout, 'TIMEOUT|00:00:02\nCOMPLETED|00:00:04\n');
});

const eat = (mib: number, exit = 0): string => `#!/bin/bash
python3 -c '
a = bytearray(${mib} * 1024 * 1024)
for i in range(0, len(a), 4096):
    a[i] = 1
'
exit ${exit}
`;

test('--escalate-start=auto: the rung covering the quantile of earlier successful peaks of the class', { timeout: 120_000 }, async () => {
  writeFileSync(join(c.work, 'p60.yaml'), `${(await c.sh('cat ladder.yaml')).stdout}start_quantile: 0.6\n`);
  // No history yet: level 0, and why.
  const fresh = await c.submit('--escalate=ladder.yaml --escalate-start=auto -J memclass -o /dev/null --wrap true');
  assert.match(await c.show(fresh), /\n {3}EscalationStart=started at level 0: 0 earlier runs, need 5\n/);
  assert.equal(await c.waitDone(fresh), 'COMPLETED');
  // The class's history: memclass runs with known peaks (4 x 150M, 1 x 350M, plus the one
  // above); a FAILED run's bigger peak and another name's runs do not count.
  for (const [mib, exit] of [[150, 0], [350, 0], [450, 1], [450, 0]] as const) writeFileSync(join(c.work, `eat${mib}-${exit}.sh`), eat(mib, exit));
  const hist = [];
  for (const [f, name] of [['eat150-0', 'memclass'], ['eat150-0', 'memclass'], ['eat150-0', 'memclass'], ['eat350-0', 'memclass'],
    ['eat450-1', 'memclass'], ['eat450-0', 'other']] as const) {
    hist.push(await c.submit(`--mem=600M -J ${name} -o /dev/null ${f}.sh`));
  }
  for (const id of hist) await c.waitDone(id);
  const peaks = (await c.sh(`sacct -X -P -n -j ${hist.join(',')} --format=JobName,State,MaxRSS`)).stdout;
  assert.equal((peaks.match(/^memclass\|COMPLETED\|/gm) ?? []).length, 4, peaks);
  // p95 of 5 runs (true, 3 x 150M, 350M) is the 350M run: the 400M rung (level 2).
  const p95 = await c.submit('--escalate=ladder.yaml --escalate-start=auto -J memclass -o /dev/null eat350-0.sh');
  const s = await c.show(p95);
  assert.match(s, /\n {3}EscalationStart=started at level 2 \(400M\/00:00:06\): p95 of 5 runs = 3\d\dM peak, 00:00:0\d elapsed\n/);
  assert.match(s, /Escalation=ladder\.yaml Level=2\/3 Attempt=1 Rung=400M\/00:00:06/);
  assert.equal(await c.waitDone(p95), 'COMPLETED');
  assert.equal((await c.sh(`sacct -D -X -P -n -j ${p95} --format=State,ReqMem,Partition`)).stdout, 'COMPLETED|400M|week\n');
  // p60 of the same class (now 6 runs) is a 150M run: the 300M rung. Said in status and report too.
  const p60 = await c.submit('--escalate=p60.yaml --escalate-start=auto -J memclass -o /dev/null eat150-0.sh');
  const note = /EscalationStart=(.*)\n/.exec(await c.show(p60))?.[1] ?? '';
  assert.match(note, /^started at level 1 \(300M\/00:00:04\): p60 of 6 runs = 1\d\dM peak, 00:00:0\d elapsed$/);
  assert.equal(await c.waitDone(p60), 'COMPLETED');
  assert.ok((await c.sh(`ratchet escalation status ${p60}`)).stdout.includes(`\nStart: ${note}\n`));
  assert.ok((await c.sh(`ratchet escalation report ${p60}`)).stdout.includes(`\n**Start:** ${note}\n`));
  // Bad values are refused with the policy's wording.
  const bad = await c.sh('sbatch --escalate=ladder.yaml --escalate-start=autox --wrap true');
  assert.deepEqual([bad.code, bad.stderr], [1, 'sbatch: error: --escalate-start=autox: expected a level number, a memory size or auto\n']);
});
