// Property tests of the dependency parser: seeded random input (reproducible: the seed is in
// the test name), grammar-generated specs that must round-trip, and pathological sizes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEP_TYPES, MAX_DEP_ITEMS, formatDependency, parseDependency } from './dependency.ts';
import type { DepParse } from './dependency.ts';

/** mulberry32: small, seedable, good enough to spread test input. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = 0x5eed;
const ALPHABET = [...'0123456789:,?+-_*[] \tafterokanyncrsbulgixp', 'é', '\u0000', '\n', 'afterok', 'singleton', 'afterany:', '4294967296'];

function check(spec: string, r: DepParse): void {
  if (!r.ok) {
    assert.ok(r.error === 'invalid' || r.error === 'unsupported', `error value for ${JSON.stringify(spec)}`);
    return;
  }
  if (r.dependency === null) {
    assert.ok(spec === '' || spec === '0');
    return;
  }
  assert.equal(r.dependency.spec, spec);
  assert.ok(r.dependency.items.length > 0 && r.dependency.items.length <= MAX_DEP_ITEMS);
  for (const i of r.dependency.items) {
    assert.ok((DEP_TYPES as readonly string[]).includes(i.type));
    assert.equal(i.state, 'unfulfilled');
    assert.ok(Number.isInteger(i.delayMin) && i.delayMin >= 0);
    if (i.target !== null) assert.ok(Number.isInteger(i.target.jobId) && i.target.jobId >= 1 && i.target.jobId < 2 ** 32);
  }
  assert.equal(typeof formatDependency(r.dependency), 'string');
}

test(`random strings never throw and always get a value (seed ${SEED})`, () => {
  const rand = rng(SEED);
  const t0 = Date.now();
  for (let n = 0; n < 20_000; n++) {
    const len = Math.floor(rand() * 40);
    let s = '';
    for (let i = 0; i < len; i++) s += ALPHABET[Math.floor(rand() * ALPHABET.length)] ?? '';
    check(s, parseDependency(s));
  }
  assert.ok(Date.now() - t0 < 10_000, 'fuzzing took too long');
});

interface Gen { spec: string; shown: string }

/** A valid spec and what it must display as (no duplicates, so nothing is dropped). */
function generate(rand: () => number, n: number): Gen {
  const types = ['after', 'afterany', 'afterok', 'afternotok', 'aftercorr', 'afterburstbuffer'];
  const sep = rand() < 0.5 ? ',' : '?';
  const specs: string[] = [];
  const shown: string[] = [];
  let id = 1 + Math.floor(rand() * 1000);
  for (let k = 0; k < n; k++) {
    if (k === 0 && rand() < 0.2) {
      specs.push(rand() < 0.5 ? 'singleton' : 'SingleTon');
      shown.push('singleton(unfulfilled)');
      continue;
    }
    const type = types[Math.floor(rand() * types.length)] ?? 'afterok';
    const ids: string[] = [];
    let delay = 0;
    for (let j = 0; j <= Math.floor(rand() * 3); j++) {
      id += 1 + Math.floor(rand() * 50);
      const task = rand() < 0.2 ? `_${Math.floor(rand() * 100)}` : rand() < 0.1 ? '_*' : '';
      const d = rand() < 0.3 ? 1 + Math.floor(rand() * 600) : 0;
      if (d > 0) delay = d;
      ids.push(`${id}${task}${d > 0 ? `+${d}` : ''}`);
      shown.push(`${type}:${id}${task}${delay > 0 ? `+${delay}` : ''}(unfulfilled)`);
    }
    const written = rand() < 0.3 ? type.toUpperCase() : type;
    specs.push(`${written}:${ids.join(':')}`);
  }
  const spec = specs.join(sep);
  // One item's ids are shown joined like the items: `?` only if the spec has one.
  return { spec, shown: shown.join(spec.includes('?') ? '?' : ',') };
}

test(`generated valid specs parse and display item by item (seed ${SEED + 1})`, () => {
  const rand = rng(SEED + 1);
  for (let n = 0; n < 3000; n++) {
    const g = generate(rand, 1 + Math.floor(rand() * 5));
    const r = parseDependency(g.spec);
    assert.ok(r.ok, g.spec);
    assert.equal(formatDependency(r.dependency), g.shown, g.spec);
  }
});

test(`one-character mutations of valid specs never throw (seed ${SEED + 2})`, () => {
  const rand = rng(SEED + 2);
  for (let n = 0; n < 5000; n++) {
    const { spec } = generate(rand, 1 + Math.floor(rand() * 3));
    const at = Math.floor(rand() * (spec.length + 1));
    const c = ALPHABET[Math.floor(rand() * ALPHABET.length)] ?? '';
    const mutated = rand() < 0.5 ? spec.slice(0, at) + c + spec.slice(at) : spec.slice(0, at) + spec.slice(at + 1);
    check(mutated, parseDependency(mutated));
  }
});

test('pathological sizes finish quickly and are bounded', () => {
  const t0 = Date.now();
  const cases = [
    '9'.repeat(1_000_000),
    `afterok:${'9'.repeat(500_000)}`,
    `after:1+${'9'.repeat(500_000)}`,
    `afterok:${Array.from({ length: 50_000 }, (_, i) => i + 1).join(':')}`,
    Array.from({ length: 20_000 }, (_, i) => `afterany:${i + 1}`).join(','),
    `afterok:1_[${'['.repeat(100_000)}`,
    ','.repeat(100_000),
    `afterok:${'1_[0-1000]:'.repeat(200)}1`,
    `afterok:${Array.from({ length: 150 }, (_, i) => `${i + 1}_[0-1000]`).join(':')}`,
  ];
  for (const s of cases) check(s, parseDependency(s));
  const huge = parseDependency(`afterok:${Array.from({ length: 150 }, (_, i) => `${i + 1}_[0-1000]`).join(':')}`);
  assert.deepEqual(huge, { ok: false, error: 'invalid' }, 'more than MAX_DEP_ITEMS targets are refused');
  assert.ok(Date.now() - t0 < 10_000, `took ${Date.now() - t0} ms`);
});
