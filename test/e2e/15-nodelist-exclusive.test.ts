// sbatch -w/--nodelist and --exclusive on real daemons (golden h_defaults, g_sbatch): a job
// runs on the nodes it names and waits while they are busy; an exclusive job gets a whole
// idle node (all its CPUs) and nothing else shares it; unknown node names are refused with
// Slurm's wording. Also what the scenarios showed around it: `scontrol hold` of a running job
// is accepted (priority 0, JobHeldAdmin for root) and it keeps running; a job of a user with
// no association has no account; squeue --json parses.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestCluster, field } from './harness.ts';

let c: TestCluster;
before(async () => {
  c = await TestCluster.start({ nodes: 2, cpus: 2, set: ['KillWait=2'] });
});
after(async () => {
  await c.stop();
});

const where = async (id: number): Promise<string> => (await c.sh(`squeue -h -j ${id} -o "%N %C %t"`)).stdout.trim();

test('-w n2 runs on n2 only, and waits while n2 is full', async () => {
  const first = await c.submit('-w n2 -o /dev/null --wrap "sleep 30"');
  await c.waitState(first, ['RUNNING']);
  assert.equal(await where(first), 'n2 1 R');
  const filler = await c.submit('-w n2 -o /dev/null --wrap "sleep 30"');
  await c.waitState(filler, ['RUNNING']);
  const waiting = await c.submit('-w n2 -o /dev/null --wrap true');
  await c.waitState(waiting, ['PENDING']);
  assert.equal(field(await c.show(waiting), 'ReqNodeList'), 'n2');
  // n1 is idle, yet the job waits for n2.
  assert.equal((await c.sh(`squeue -h -j ${waiting} -o "%t %r"`)).stdout.trim(), 'PD Resources');
  await c.sh(`scancel ${first}`);
  assert.equal(await c.waitDone(waiting, 20_000), 'COMPLETED');
  assert.equal(field(await c.show(waiting), 'NodeList'), 'n2');
  await c.sh(`scancel ${filler}`);
  await c.waitDone(filler);
});

test('--exclusive takes every CPU of an idle node; others go elsewhere or wait', async () => {
  const small = await c.submit('-w n1 -o /dev/null --wrap "sleep 30"');
  await c.waitState(small, ['RUNNING']);
  const excl = await c.submit('--exclusive -o /dev/null --wrap "sleep 30"');
  await c.waitState(excl, ['RUNNING']);
  assert.equal(await where(excl), 'n2 2 R');
  assert.equal(field(await c.show(excl), 'OverSubscribe'), 'NO');
  // Both nodes now refuse an exclusive job: n1 is partly used, n2 is taken whole.
  const second = await c.submit('--exclusive -o /dev/null --wrap true');
  await c.waitState(second, ['PENDING']);
  const plain = await c.submit('-o /dev/null --wrap "sleep 30"');
  await c.waitState(plain, ['PENDING']);
  await c.sh(`scancel ${excl} ${small} ${second} ${plain}`);
  for (const id of [excl, small]) await c.waitDone(id);
});

test('bad -w names and --gres: Slurm\'s wording and exit 1, no job', async () => {
  const bad = await c.sh('sbatch -w nosuchnode --wrap true');
  assert.deepEqual([bad.code, bad.stdout, bad.stderr], [1, '', 'sbatch: error: Batch job submission failed: Invalid node name specified\n']);
  const gres = await c.sh('sbatch --gres=gpu:1 --wrap true');
  assert.deepEqual([gres.code, gres.stderr], [1, 'sbatch: error: Invalid generic resource (gres) specification\n']);
});

test('scontrol hold of a running job: accepted, priority 0, it keeps running; release gives a priority back', async () => {
  const id = await c.submit('-o /dev/null --wrap "sleep 30"');
  await c.waitState(id, ['RUNNING']);
  const hold = await c.sh(`scontrol hold ${id}`);
  assert.deepEqual([hold.code, hold.stderr], [0, '']);
  const held = await c.show(id);
  assert.deepEqual([field(held, 'JobState'), field(held, 'Priority'), field(held, 'Reason')], ['RUNNING', '0', 'JobHeldAdmin']);
  assert.equal((await c.sh(`scontrol release ${id}`)).code, 0);
  const released = await c.show(id);
  assert.deepEqual([field(released, 'JobState'), field(released, 'Reason')], ['RUNNING', 'None']);
  assert.notEqual(field(released, 'Priority'), '0');
  await c.sh(`scancel ${id}`);
  await c.waitDone(id);
});

/** nobody's group is nogroup on Debian, so the harness's submitAs (group = user) does not fit. */
async function submitAsNobody(args: string): Promise<number> {
  const r = await c.sh(`setpriv --reuid=nobody --regid=nogroup --clear-groups sbatch --parsable ${args}`);
  if (r.code !== 0) throw new Error(`sbatch as nobody ${args} failed (${r.code}): ${r.stderr}`);
  return Number(r.stdout.trim());
}

test('accounts: root is charged to root whatever it names; nobody (no association) keeps its own or none', async () => {
  const rootJob = await c.submit('--hold --account=nosuchacct -o /dev/null --wrap true');
  assert.equal(field(await c.show(rootJob), 'Account'), 'root');
  const plain = await submitAsNobody('--hold -o /dev/null --wrap true');
  assert.equal(field(await c.show(plain), 'Account'), '(null)');
  const named = await submitAsNobody('--hold --account=phys -o /dev/null --wrap true');
  assert.equal(field(await c.show(named), 'Account'), 'phys');
  const rows = (await c.sh(`squeue -h -j ${plain},${named} -o "%i %a"`)).stdout.split('\n').filter(Boolean).sort();
  assert.deepEqual(rows, [`${plain} (null)`, `${named} phys`].sort());
  const acct = (await c.sh(`sacct -X -n -P -j ${plain},${named} -o JobID,Account`)).stdout.split('\n').filter(Boolean).sort();
  assert.deepEqual(acct, [`${plain}|`, `${named}|phys`].sort());
  const json = JSON.parse((await c.sh('squeue --json')).stdout) as { jobs: { job_id: number; account: string }[] };
  assert.deepEqual(json.jobs.filter((j) => j.job_id === named).map((j) => j.account), ['phys']);
  await c.sh(`scancel ${rootJob} ${plain} ${named}`);
});
