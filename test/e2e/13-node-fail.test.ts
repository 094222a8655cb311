// Node failure (issue 4, acceptance 3): kill -9 the agent of a node running 10 jobs. Within
// SlurmdTimeout + 5 s the node is DOWN ("Not responding") and each job has ended NODE_FAIL
// (--no-requeue) or been requeued (run recorded NODE_FAIL) and started on the other node,
// where it completes. The agent restarted: it ends what the old incarnation left running,
// its reports for the old runs are refused, and no job runs twice (each job's script logs
// its start and end; only the runs the controller placed reach their end).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestCluster, field, pause, until } from './harness.ts';
import { pidOf, startAgent } from '../../src/cli/cluster.ts';

const TIMEOUT = 4;
let c: TestCluster;
before(async () => {
  c = await TestCluster.start({
    nodes: 2, cpus: 10, set: [`SlurmdTimeout=${TIMEOUT}`, 'KillWait=2', 'SchedulerParameters=requeue_delay=0'],
  });
});
after(async () => {
  await c.stop();
});

const log = (): string[] => {
  try {
    return readFileSync(join(c.work, 'runs.log'), 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
};

const SCRIPT = `#!/bin/bash
echo "start $SLURM_JOB_ID $SLURMD_NODENAME \${SLURM_RESTART_COUNT:-0}" >> runs.log
sleep 12
echo "end $SLURM_JOB_ID $SLURMD_NODENAME \${SLURM_RESTART_COUNT:-0}" >> runs.log
`;

test('kill -9 of an agent running 10 jobs: node DOWN, jobs NODE_FAIL or requeued elsewhere; nothing runs twice', async () => {
  // Everything starts on n1: n2 is drained until the jobs run.
  assert.equal((await c.sh('scontrol update NodeName=n2 State=DRAIN Reason=later')).code, 0);
  const requeued: number[] = [];
  const failed: number[] = [];
  for (let i = 0; i < 10; i++) {
    const flag = i % 2 === 0 ? '--requeue' : '--no-requeue';
    const r = await c.sh(`sbatch --parsable ${flag} -o /dev/null`, { input: SCRIPT });
    assert.equal(r.code, 0, r.stderr);
    (i % 2 === 0 ? requeued : failed).push(Number(r.stdout.trim()));
  }
  const all = [...requeued, ...failed];
  await until('10 jobs started on n1', async () => log().filter((l) => l.startsWith('start')).length === 10, 20_000);
  const nodes = (await c.sh(`squeue -h -t R -o "%N" -j ${all.join(',')}`)).stdout.trim().split('\n');
  assert.deepEqual([...new Set(nodes)], ['n1']);
  assert.equal((await c.sh('scontrol update NodeName=n2 State=RESUME')).code, 0);

  const pid = pidOf(c.h.dir, 'ratchetd-n1');
  assert.ok(pid !== null);
  process.kill(pid, 'SIGKILL');
  const killedAt = Date.now();
  await until('n1 DOWN, every job NODE_FAIL or requeued to n2', async () => {
    const node = (await c.sh('sinfo -h -n n1 -o "%T|%E"')).stdout.trim();
    if (!node.startsWith('down')) return false;
    const states = (await c.sh(`squeue -h -t all -o "%i %T %N" -j ${all.join(',')}`)).stdout;
    return all.every((id) => {
      const line = states.split('\n').find((l) => l.startsWith(`${id} `)) ?? '';
      return failed.includes(id) ? line.includes('NODE_FAIL') : (line.includes('RUNNING n2') || line.includes('PENDING'));
    });
  }, (TIMEOUT + 5) * 1000);
  const took = (Date.now() - killedAt) / 1000;
  assert.ok(took <= TIMEOUT + 5, `took ${took} s`);
  assert.equal((await c.sh('sinfo -h -n n1 -o "%T|%E"')).stdout.trim(), 'down*|Not responding');
  const nf = await c.show(failed[0] ?? 0);
  assert.deepEqual([field(nf, 'JobState'), field(nf, 'Reason'), field(nf, 'ExitCode')], ['NODE_FAIL', 'NodeDown', '0:0']);

  // The agent comes back: it ends what its earlier incarnation left behind, and nothing it
  // says about those runs changes a job.
  startAgent(c.h.dir, c.h.conf, 'n1');
  await until('n1 back', async () => (await c.sh('sinfo -h -n n1 -o %T')).stdout.trim() === 'idle', 20_000);
  for (const id of requeued) assert.equal(await c.waitDone(id, 40_000), 'COMPLETED', `job ${id}`);
  for (const id of failed) assert.equal(await c.state(id), 'NODE_FAIL', `job ${id}`);
  // Give the orphans of n1 the time they would have needed to finish (12 s from their start).
  await until('past the end of the old runs', async () => Date.now() > killedAt + 14_000, 20_000);
  const lines = log();
  for (const id of requeued) {
    assert.deepEqual(lines.filter((l) => l.split(' ')[1] === String(id)).sort(),
      [`end ${id} n2 1`, `start ${id} n1 0`, `start ${id} n2 1`], `job ${id}: ${lines.join('; ')}`);
  }
  for (const id of failed) {
    assert.deepEqual(lines.filter((l) => l.split(' ')[1] === String(id)), [`start ${id} n1 0`], `job ${id}`);
  }
  const acct = (await c.sh(`sacct -D -X -n -P -j ${requeued[0] ?? 0} --format=State,NodeList`)).stdout.trim();
  assert.equal(acct, 'NODE_FAIL|n1\nCOMPLETED|n2');
});

test('an agent that was only silent (SIGSTOP) comes back: it registers again and ends the runs it no longer owns', async () => {
  const id = Number((await c.sh('sbatch --parsable --no-requeue -o stopped-%j.out', { input: SCRIPT.replace('sleep 12', 'sleep 8') })).stdout.trim());
  await c.waitState(id, ['RUNNING']);
  await until('it started', async () => log().includes(`start ${id} ${(await c.sh(`squeue -h -j ${id} -o %N`)).stdout.trim()} 0`), 10_000);
  const node = (await c.sh(`squeue -h -j ${id} -o %N`)).stdout.trim();
  const pid = pidOf(c.h.dir, `ratchetd-${node}`);
  assert.ok(pid !== null);
  process.kill(pid, 'SIGSTOP');
  try {
    await c.waitState(id, ['NODE_FAIL'], (TIMEOUT + 5) * 1000);
  } finally {
    process.kill(pid, 'SIGCONT');
  }
  await until(`${node} back`, async () => (await c.sh(`sinfo -h -n ${node} -o %T`)).stdout.trim() === 'idle', 20_000);
  await until('the old run ended by its agent', async () => {
    try {
      return readFileSync(join(c.work, `stopped-${id}.out`), 'utf8').includes('DUE TO NODE FAILURE');
    } catch {
      return false;
    }
  }, 10_000);
  await pause(9000);
  assert.ok(!log().includes(`end ${id} ${node} 0`), 'the run the controller gave up never reached its end');
  assert.equal(await c.state(id), 'NODE_FAIL');
});
