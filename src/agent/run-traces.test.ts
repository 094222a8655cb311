// RunTraces with this machine's real cgroups: the cgroup and the script are made side by
// side and removed together; when one of them cannot be made, the other is still removed.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CgroupDriver } from './cgroup.ts';
import { detectCgroups, nodeDirName } from './cgroup.ts';
import { jobSpoolDir } from './launch.ts';
import { RunTraces } from './run-traces.ts';
import type { TraceSpec } from './run-traces.ts';

const NODE = `rtT${process.pid}`;
let driver: CgroupDriver | null = null;
let why = 'needs root (cgroups)';
if ((process.getuid?.() ?? 1) === 0) {
  try {
    driver = detectCgroups();
  } catch (err) {
    why = `no usable cgroups: ${String(err)}`;
  }
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ratchet-traces-'));

after(async () => {
  if (driver !== null) await driver.cleanupStale(NODE);
  fs.rmSync(dir, { recursive: true, force: true });
  const parents = driver === null ? [] : driver.kind === 'v2' ? [driver.root] : ['memory', 'freezer', 'cpuacct', 'pids'].map((c) => path.join(driver?.root ?? '', c));
  for (const p of parents) {
    try {
      fs.rmdirSync(path.join(p, nodeDirName(NODE)));
    } catch {
      // absent
    }
  }
});

const spec = (over: Partial<TraceSpec>): TraceSpec => ({
  cgroups: driver as CgroupDriver, cgroupName: NODE, spoolDir: path.join(dir, 'spool'), jobId: 1, attempt: 0,
  script: '#!/bin/sh\ntrue\n', uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, memLimitBytes: 64 << 20, log: () => undefined,
  ...over,
});

describe('RunTraces', { skip: driver === null ? `skipped: ${why}` : false }, () => {
  it('makes the cgroup with its limit and the script, and removes both', async () => {
    const t = new RunTraces(spec({ jobId: 11 }));
    const { cg, scriptPath } = await t.make();
    assert.equal(fs.readFileSync(scriptPath, 'utf8'), '#!/bin/sh\ntrue\n');
    assert.equal(fs.statSync(scriptPath).mode & 0o777, 0o700);
    assert.ok(driver?.list(NODE).includes(11));
    assert.equal(cg, t.cg);
    await t.remove();
    assert.equal(driver?.list(NODE).includes(11), false);
    assert.equal(fs.existsSync(jobSpoolDir(path.join(dir, 'spool'), 11)), false);
  });

  it('a script that cannot be written fails make(), and the cgroup made beside it is still removed', async () => {
    const notADir = path.join(dir, 'plain-file');
    fs.writeFileSync(notADir, '');
    const t = new RunTraces(spec({ jobId: 12, spoolDir: notADir }));
    await assert.rejects(t.make(), /ENOTDIR/);
    assert.ok(t.cg !== null && driver?.list(NODE).includes(12));
    await t.remove();
    assert.equal(driver?.list(NODE).includes(12), false);
  });
});
