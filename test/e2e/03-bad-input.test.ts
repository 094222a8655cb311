// Bad input gets Slurm's wording and a non-zero exit, queues nothing, and leaves the
// daemons serving: invalid options, missing/unreadable/binary/oversized scripts, and
// garbage sent straight at the controller's and an agent's HTTP ports.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { TestCluster } from './harness.ts';

let c: TestCluster;
before(async () => {
  c = await TestCluster.start({ nodes: 1, cpus: 2, timeResolution: 'seconds' });
});
after(async () => {
  await c.stop();
});

async function queued(): Promise<number> {
  const r = await c.sh('squeue -h -t all -o %i');
  return r.stdout.split('\n').filter(Boolean).length;
}

const NO_SHEBANG = 'sbatch: error: This does not look like a batch script.  The first\n' +
  'sbatch: error: line must start with #! followed by the path to an interpreter.\n' +
  'sbatch: error: For instance: #!/bin/sh\n';

test('invalid options and scripts: Slurm wording, exit code, nothing queued', async () => {
  writeFileSync(join(c.work, 'noshebang.sh'), 'echo hi\n');
  writeFileSync(join(c.work, 'binary.sh'), Buffer.from([0x23, 0x21, 0x2f, 0x62, 0x69, 0x6e, 0x2f, 0x73, 0x68, 0x0a, 0x00, 0x01, 0x02]));
  writeFileSync(join(c.work, 'huge.sh'), `#!/bin/sh\n${'#'.repeat(4 * 1024 * 1024 + 10)}\n`);
  writeFileSync(join(c.work, 'secret.sh'), '#!/bin/sh\ntrue\n');
  chmodSync(join(c.work, 'secret.sh'), 0o600);
  const before = await queued();
  const cases: [string, number, RegExp | string][] = [
    ['sbatch --time=abc --wrap true', 255, 'sbatch: error: Invalid --time specification\n'],
    ['sbatch --mem=abc --wrap true', 255, 'sbatch: error: Invalid --mem specification\n'],
    ['sbatch --mem=-1 --wrap true', 255, 'sbatch: error: Invalid --mem specification\n'],
    ['sbatch -p nosuchpart --wrap true', 1,
      'sbatch: error: invalid partition specified: nosuchpart\nsbatch: error: Batch job submission failed: Invalid partition name specified\n'],
    ['sbatch --mem=100G --wrap true', 1,
      'sbatch: error: Memory specification can not be satisfied\nsbatch: error: Batch job submission failed: Requested node configuration is not available\n'],
    ['sbatch -c 3 --wrap true', 1,
      'sbatch: error: CPU count per node can not be satisfied\nsbatch: error: Batch job submission failed: Requested node configuration is not available\n'],
    ['sbatch --bogus-option --wrap true', 255, 'sbatch: unrecognized option \'--bogus-option\'\nTry "sbatch --help" for more information\n'],
    ['sbatch /nonexistent/script.sh', 1, 'sbatch: error: Unable to open file /nonexistent/script.sh\n'],
    ['sbatch noshebang.sh', 1, NO_SHEBANG],
    ['sbatch < /dev/null', 1, 'sbatch: error: Batch script is empty!\n'],
    ['sbatch binary.sh', 1, /^sbatch: error: .*/],
    ['sbatch huge.sh', 1, /^sbatch: error: .*too (large|long)/],
    ['setpriv --reuid=65534 --regid=65534 --clear-groups sbatch secret.sh', 1, /^sbatch: error: Unable to open file .*secret\.sh\n$/],
  ];
  for (const [cmd, code, err] of cases) {
    const r = await c.sh(cmd);
    assert.equal(r.code, code, `${cmd}: exit code (stderr ${r.stderr})`);
    assert.equal(r.stdout, '', `${cmd}: nothing on stdout`);
    if (typeof err === 'string') assert.equal(r.stderr, err, cmd);
    else assert.match(r.stderr, err, cmd);
  }
  assert.equal(await queued(), before, 'nothing was queued');
});

function raw(port: number, bytes: string | Buffer): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let out = '';
    s.on('data', (d) => { out += d.toString(); });
    s.on('error', () => resolve(out));
    s.on('close', () => resolve(out));
    s.setTimeout(3000, () => s.destroy());
    s.write(bytes);
  });
}

test('garbage on the controller and agent ports is refused; the daemons keep serving', async () => {
  const conf = readFileSync(c.h.conf, 'utf8');
  const agentPort = Number(/NodeName=n1 .*Port=(\d+)/.exec(conf)?.[1]);
  const body = (s: string): string => `POST /v1/submit HTTP/1.1\r\nHost: x\r\nx-ratchet-uid: 0\r\nx-ratchet-gid: 0\r\nx-ratchet-cred: MUNGE:forged\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(s)}\r\nconnection: close\r\n\r\n${s}`;
  const before = await queued();
  for (const port of [c.h.controlPort, agentPort]) {
    await raw(port, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    await raw(port, 'GET / HTTP/1.1\r\nconnection: close\r\n\r\n');
  }
  assert.match(await raw(c.h.controlPort, body('{not json')), /^HTTP\/1\.1 40[013] /);
  assert.match(await raw(c.h.controlPort, body('{"script": 42}')), /^HTTP\/1\.1 40[013] /);
  assert.match(await raw(c.h.controlPort, body('[1,2,3]')), /^HTTP\/1\.1 40[013] /);
  assert.match(await raw(c.h.controlPort, body('{"ids": "x"}').replace('/v1/submit', '/v1/cancel')), /^HTTP\/1\.1 40[013] /);
  assert.match(await raw(agentPort, body('{"job": null}').replace('/v1/submit', '/v1/launch')), /^HTTP\/1\.1 40[013] /);
  assert.equal(await queued(), before, 'nothing was queued');
  const id = await c.submit('--wrap true');
  assert.equal(await c.waitDone(id), 'COMPLETED', 'the cluster still runs jobs');
});
