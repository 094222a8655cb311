// Dependencies on job arrays: `aftercorr` between two 100-task arrays starts task i only
// after task i succeeded (each task checks from inside that its counterpart finished), a task
// whose counterpart failed waits DependencyNeverSatisfied on its own, and a whole array
// (`afterok:J`, `afterany:J`) or one task (`afterok:J_3`) as a target.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TestCluster, until } from './harness.ts';

let c: TestCluster;
before(async () => {
  c = await TestCluster.start({ nodes: 2, cpus: 4 });
});
after(async () => {
  await c.stop();
});

const queue = async (id: number): Promise<string> => (await c.sh(`squeue -h -r -j ${id} -o "%i %T %r"`)).stdout;

test('aftercorr between two 100-task arrays, and whole-array and single-task targets', async () => {
  const dir = join(c.work, 'corr');
  mkdirSync(dir);
  // Later tasks finish sooner, so B's tasks could only go in order by waiting for A's.
  const a = await c.submit(`--array=0-99 -o /dev/null <<'EOF'
#!/bin/bash
T=$SLURM_ARRAY_TASK_ID
sleep 0.$(( (99 - T) % 4 ))
[ "$T" -eq 7 ] && exit 1
touch ${dir}/A_$T
EOF`);
  const b = await c.submit(`--array=0-99 -o /dev/null --dependency=aftercorr:${a} <<'EOF'
#!/bin/bash
T=$SLURM_ARRAY_TASK_ID
if [ -e ${dir}/A_$T ]; then echo ok > ${dir}/B_$T; else echo early > ${dir}/B_$T; fi
EOF`);
  const whole = await c.submit(`-o /dev/null --dependency=afterok:${a} --wrap true`);
  const any = await c.submit(`-o /dev/null --dependency=afterany:${a} --wrap "ls ${dir} | grep -c ^A_ > ${dir}/any"`);
  const one = await c.submit(`-o /dev/null --dependency=afterok:${a}_3 --wrap "test -e ${dir}/A_3 && touch ${dir}/one"`);

  // B drains to its one task whose counterpart failed.
  await until('array B to drain', async () => (await queue(b)).trim().split('\n').length === 1 && (await queue(a)) === '', 120_000);
  const left = await queue(b);
  assert.match(left, new RegExp(`^${b}_7 PENDING DependencyNeverSatisfied\n$`));
  const show = await c.show(b);
  assert.match(show, /Dependency=aftercorr:\d+\(failed\)/);

  const results = readdirSync(dir).filter((f) => f.startsWith('B_'));
  assert.equal(results.length, 99);
  for (const f of results) assert.equal(readFileSync(join(dir, f), 'utf8'), 'ok\n', f);

  // sacct agrees: each B_i started no earlier than A_i ended.
  const rows = async (id: number): Promise<Map<string, { state: string; start: number; end: number }>> => {
    const out = (await c.sh(`sacct -j ${id} -X -P -n --format=JobID,State,Start,End`)).stdout.trim().split('\n');
    return new Map(out.map((l) => {
      const [jid = '', state = '', start = '', end = ''] = l.split('|');
      return [jid.split('_')[1] ?? '', { state, start: Date.parse(start), end: Date.parse(end) }];
    }));
  };
  const ra = await rows(a);
  const rb = await rows(b);
  for (let t = 0; t < 100; t++) {
    if (t === 7) continue;
    const x = ra.get(String(t));
    const y = rb.get(String(t));
    assert.equal(x?.state, 'COMPLETED');
    assert.equal(y?.state, 'COMPLETED');
    assert.ok((y?.start ?? 0) >= (x?.end ?? Infinity), `B_${t} started before A_${t} ended`);
  }

  // Whole array: not all ok → never; any end → runs after all 100; one task → runs.
  await c.waitState(any, ['COMPLETED']);
  assert.equal(readFileSync(join(dir, 'any'), 'utf8'), '99\n');
  await c.waitState(one, ['COMPLETED']);
  await until('afterok on the whole array to fail', async () => (await queue(whole)).includes('DependencyNeverSatisfied'));
  assert.equal((await c.sh(`scancel ${whole} ${b}`)).code, 0);
});
