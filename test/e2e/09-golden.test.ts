// The peer's own scenario scripts (../shared/peer/scenarios), pointed at Ratchet, must
// print what the real Slurm 22.05 printed (../shared/peer/golden) once ids, times, paths,
// pids and measured memory are normalised. Every remaining difference is listed in
// test/e2e/golden-expected/<scenario>.txt with the reason it is accepted; the test fails on
// any difference not listed there, and on a listed one that no longer occurs, so the list
// stays honest. RATCHET_GOLDEN_UPDATE=1 rewrites the lists from the current run.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TestCluster, run } from './harness.ts';
import { compare, normalise } from './golden-normalise.ts';
import { ROOT } from '../../src/cli/cluster.ts';

const SHARED = resolve(ROOT, '../shared/peer');
const SCENARIOS = ['a_oom', 'b_timeout', 'c_exitcodes', 'd_suspend', 'e_deps', 'f_arrays', 'g_sbatch', 'h_defaults'] as const;
/**
 * Per-scenario config: these number their jobs from 100 so that no job id equals a number
 * the scenario prints as a value (f_arrays' task ids, g_sbatch's `TimeLimit=5`).
 */
const SETTINGS: Partial<Record<(typeof SCENARIOS)[number], string[]>> = {
  f_arrays: ['FirstJobId=100'], g_sbatch: ['FirstJobId=100'], h_defaults: ['FirstJobId=100'],
};
const EXPECTED = join(ROOT, 'test/e2e/golden-expected');
const available = existsSync(join(SHARED, 'scenarios/lib.sh'));

const clusters: TestCluster[] = [];
const results = new Map<string, string>();
let workRoot = '';

before(async () => {
  if (!available) return;
  workRoot = mkdtempSync(join(tmpdir(), 'ratchet-golden-'));
  chmodSync(workRoot, 0o755);
  // One cluster per scenario, all at once: the scenarios wait on real time limits.
  await Promise.all(SCENARIOS.map(async (s) => {
    const c = await TestCluster.start({ nodes: 2, cpus: 2, mem: 3000, timeResolution: 'minutes', set: SETTINGS[s] ?? [] });
    clusters.push(c);
    const out = join(workRoot, 'out');
    mkdirSync(out, { recursive: true });
    const r = await run('bash', [join(SHARED, 'scenarios', `${s}.sh`)], {
      env: { ...c.env, SLURM_CONF: c.h.conf, GOLDEN_DIR: out, WORK_ROOT: join(workRoot, 'work') },
    });
    if (r.code !== 0) throw new Error(`${s}.sh exited ${r.code}: ${r.stderr}`);
    results.set(s, readFileSync(join(out, `${s}.txt`), 'utf8'));
  }));
}, { timeout: 15 * 60_000 });

after(async () => {
  await Promise.all(clusters.map((c) => c.stop()));
});

for (const s of SCENARIOS) {
  test(`${s} matches the real Slurm's transcript but for the listed differences`, { skip: !available && 'no ../shared/peer' }, () => {
    const golden = normalise(readFileSync(join(SHARED, 'golden', `${s}.txt`), 'utf8'), /\/var\/tmp\/slurmpeer\/work\/[a-z_]+/g);
    const ours = normalise(results.get(s) ?? '', new RegExp(`${workRoot.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/work/[a-z_]+`, 'g'));
    const diffs = compare(golden, ours).map((d) => `- ${d.golden}\n+ ${d.ours}`);
    const file = join(EXPECTED, `${s}.txt`);
    if (process.env.RATCHET_GOLDEN_UPDATE === '1') {
      mkdirSync(EXPECTED, { recursive: true });
      const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
      const notes = old.split('\n').filter((l) => l.startsWith('#')).join('\n');
      writeFileSync(file, `${notes}${notes ? '\n' : ''}${diffs.join('\n')}\n`);
      return;
    }
    // Each difference is a `- golden` / `+ ours` pair; a pair written `?- ...` / `?+ ...` is
    // timing-dependent and may or may not occur.
    const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#')) : [];
    const pairs = (ls: string[]): string[] => ls.reduce<string[]>((acc, l, i) => (i % 2 === 0 ? [...acc, `${l}\n${ls[i + 1] ?? ''}`] : acc), []);
    const required = pairs(lines.filter((l) => !l.startsWith('?')));
    const optional = new Set(pairs(lines.filter((l) => l.startsWith('?')).map((l) => l.slice(1))));
    const unexpected = diffs.filter((d) => !required.includes(d) && !optional.has(d));
    const missing = required.filter((d) => !diffs.includes(d));
    assert.deepEqual({ unexpected, missing }, { unexpected: [], missing: [] }, `differences from golden ${s} changed (see ${file})`);
  });
}
