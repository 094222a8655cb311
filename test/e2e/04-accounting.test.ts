// Accounting outlives the live view: after MinJobAge purges a finished job from squeue and
// scontrol, and after a controller restart, sacct still answers for it, with its .batch
// row and MaxRSS.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { TestCluster } from './harness.ts';
import { startController, stopDaemon, waitReady } from '../../src/cli/cluster.ts';

let c: TestCluster;
before(async () => {
  c = await TestCluster.start({ nodes: 1, cpus: 2, set: ['MinJobAge=2'], timeResolution: 'seconds' });
});
after(async () => {
  await c.stop();
});

async function acct(id: number): Promise<string> {
  return (await c.sh(`sacct -j ${id} -P -n --format=JobID,JobName,State,ExitCode,MaxRSS,ReqMem`)).stdout;
}

test('sacct answers after MinJobAge and after a controller restart', async () => {
  const ok = await c.submit('-J keep --mem=100M --wrap "python3 -c \'b = bytearray(20 * 1024 * 1024)\'"');
  const bad = await c.submit('-J fails --wrap "exit 3"');
  assert.equal(await c.waitDone(ok), 'COMPLETED');
  assert.equal(await c.waitDone(bad), 'FAILED');
  const live = await acct(ok);
  assert.match(live, new RegExp(`^${ok}\\|keep\\|COMPLETED\\|0:0\\|\\|100M\\n${ok}\\.batch\\|batch\\|COMPLETED\\|0:0\\|(\\d+)([KM])\\|\\n$`));
  const rss = /batch\|COMPLETED\|0:0\|(\d+)([KM])/.exec(live);
  const kib = Number(rss?.[1]) * (rss?.[2] === 'M' ? 1024 : 1);
  assert.ok(kib >= 20 * 1024, `MaxRSS covers the 20 MiB the job touched (${kib} KiB)`);

  // MinJobAge=2: the tick purges the live record within a few seconds.
  const deadline = Date.now() + 15_000;
  while ((await c.state(ok)) !== '' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  assert.equal(await c.state(ok), '', 'purged from the live view');
  const gone = await c.sh(`scontrol show job ${ok}`);
  assert.deepEqual([gone.code, gone.stderr], [1, 'slurm_load_jobs error: Invalid job id specified\n']);
  assert.equal(await acct(ok), live, 'sacct unchanged after the purge');

  await stopDaemon(c.h.dir, 'ratchetctld', 'SIGKILL');
  startController(c.h.dir, c.h.conf);
  await waitReady(c.h.auth, c.h.controlPort, 1);
  assert.equal(await acct(ok), live, 'sacct unchanged after a restart');
  assert.match(await acct(bad), new RegExp(`^${bad}\\|fails\\|FAILED\\|3:0\\|\\|256M\\n${bad}\\.batch\\|batch\\|FAILED\\|3:0\\|`));
  const next = await c.submit('--wrap true');
  assert.ok(next > bad, 'job ids continue after the restart');
  assert.equal(await c.waitDone(next), 'COMPLETED');
});

test('sinfo and scontrol show node follow a drain and a resume', async () => {
  assert.match((await c.sh('sinfo -h -o "%P %a %D %t %N"')).stdout, /^debug\* up 1 idle n1$/m);
  const denied = await c.sh('setpriv --reuid=65534 --regid=65534 --clear-groups scontrol update NodeName=n1 State=DRAIN Reason=x');
  assert.deepEqual([denied.code, denied.stderr], [1, 'slurm_update error: Access/permission denied\n']);
  const noReason = await c.sh('scontrol update NodeName=n1 State=DRAIN');
  assert.equal(noReason.code, 1);
  assert.equal((await c.sh('scontrol update NodeName=n1 State=DRAIN Reason=maintenance')).code, 0);
  assert.match((await c.sh('sinfo -h -o "%t %N %E"')).stdout, /^drain n1 maintenance$/m);
  assert.match((await c.sh('scontrol show node n1')).stdout, /State=IDLE\+DRAIN|State=DRAIN/);
  const id = await c.submit('--wrap true');
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(await c.state(id), 'PENDING', 'a drained node takes no new work');
  assert.equal((await c.sh('scontrol update NodeName=n1 State=RESUME')).code, 0);
  assert.equal(await c.waitDone(id), 'COMPLETED');
  assert.match((await c.sh('sinfo -h -o "%t"')).stdout, /^idle$/m);
});
