import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from './store.ts';
import { runClass } from './run-class.ts';
import { makeJob } from '../cli/format/job-fixture.ts';
import type { Job, RunEvidence } from '../core/job.ts';
import type { JobState } from '../core/job-state.ts';

const MIB = 1024 ** 2;

function ev(peakMib: number): RunEvidence {
  return {
    exitCode: 0, signal: null, oomKills: 0, timeLimitAt: null, killedAfterWait: false, launchError: null,
    peakMemBytes: peakMib * MIB, memLimitBytes: null, userCpu: 0, systemCpu: 0, startedAt: 0, endedAt: 0,
  };
}

function run(id: number, name: string, state: JobState, peakMib: number, secs: number, uid = 0): Job {
  const start = 1_000_000 + id * 100_000;
  return makeJob({
    id, state, startTime: start, endTime: start + secs * 1000, evidence: ev(peakMib),
    user: { uid, gid: uid, name: `u${uid}`, group: `u${uid}` }, req: { name, script: '#!/bin/sh\ntrue\n', scriptPath: '/x/job.sh' },
  });
}

test('classHistory: COMPLETED runs of one class, newest first, peak MiB and elapsed; kept across a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ratchet-hist-'));
  try {
    let store = new Store(dir);
    const jobs = [
      run(1, 'align', 'COMPLETED', 100, 5), run(2, 'align', 'COMPLETED', 300, 7), run(3, 'align', 'OUT_OF_MEMORY', 900, 2),
      run(4, 'align', 'FAILED', 800, 1), run(5, 'other', 'COMPLETED', 50, 1), run(6, 'align', 'COMPLETED', 200, 9, 1000),
      run(7, 'job.sh', 'COMPLETED', 70, 3),
    ];
    for (const j of jobs) store.write(j, 'x', 0);
    await store.flush();
    const cls = runClass(0, jobs[0]?.req ?? makeJob().req) ?? '';
    assert.equal(cls, 'u0:n:align');
    assert.deepEqual(store.classHistory(cls), [{ peakMib: 300, elapsed: 7 }, { peakMib: 100, elapsed: 5 }]);
    assert.deepEqual(store.classHistory(cls, 1), [{ peakMib: 300, elapsed: 7 }]);
    // The default name (the script's file name) is classed by the script's text.
    const byScript = runClass(0, jobs[6]?.req ?? makeJob().req) ?? '';
    assert.match(byScript, /^u0:s:/);
    assert.deepEqual(store.classHistory(byScript), [{ peakMib: 70, elapsed: 3 }]);
    store.close();
    // After a restart a finished job is rewritten without its script: it keeps its class.
    store = new Store(dir);
    store.write({ ...(jobs[6] as Job), req: { ...(jobs[6] as Job).req, script: '' }, reason: 'None' }, 'x', 0);
    await store.flush();
    assert.deepEqual(store.classHistory(byScript), [{ peakMib: 70, elapsed: 3 }]);
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
