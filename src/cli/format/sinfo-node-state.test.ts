import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeState } from './sinfo-node-state.ts';
import {
  matchesStateFilter, nodeStateCompact, nodeStateComplete, nodeStateLong, nodeStateNumber, nodeStateOf, parseStateFilter,
} from './sinfo-node-state.ts';
import { peerNode } from './sinfo-fixture.ts';
import type { NodeView } from './sinfo-view.ts';

const st = (o: Partial<NodeState>): NodeState => ({
  base: 'IDLE', drain: false, completing: false, notResponding: false, planned: false, ...o,
});

test('the one-word states follow node_state_string: drain first, then down, alloc, completing, the base', () => {
  const cases: [Partial<NodeState>, string, string, string][] = [
    [{}, 'IDLE', 'IDLE', 'IDLE'],
    [{ planned: true }, 'PLANNED', 'PLND', 'IDLE+PLANNED'],
    [{ base: 'MIXED', planned: true }, 'MIXED-', 'MIX-', 'MIXED+PLANNED'],
    [{ base: 'MIXED', notResponding: true, planned: true }, 'MIXED*', 'MIX*', 'MIXED+NOT_RESPONDING+PLANNED'],
    [{ base: 'ALLOCATED' }, 'ALLOCATED', 'ALLOC', 'ALLOCATED'],
    [{ base: 'ALLOCATED', completing: true }, 'ALLOCATED+', 'ALLOC+', 'ALLOCATED+COMPLETING'],
    [{ base: 'ALLOCATED', completing: true, notResponding: true }, 'ALLOCATED*', 'ALLOC*', 'ALLOCATED+COMPLETING+NOT_RESPONDING'],
    [{ completing: true }, 'COMPLETING', 'COMP', 'IDLE+COMPLETING'],
    [{ drain: true }, 'DRAINED', 'DRAIN', 'IDLE+DRAIN'],
    [{ drain: true, completing: true }, 'DRAINING', 'DRNG', 'IDLE+COMPLETING+DRAIN'],
    [{ base: 'MIXED', drain: true, notResponding: true }, 'DRAINING*', 'DRNG*', 'MIXED+DRAIN+NOT_RESPONDING'],
    [{ base: 'DOWN', drain: true }, 'DRAINED', 'DRAIN', 'DOWN+DRAIN'],
    [{ base: 'DOWN', notResponding: true }, 'DOWN*', 'DOWN*', 'DOWN+NOT_RESPONDING'],
    [{ base: 'UNKNOWN', notResponding: true }, 'UNKNOWN*', 'UNK*', 'UNKNOWN+NOT_RESPONDING'],
    [{ base: 'FUTURE' }, 'FUTURE', 'FUTR', 'FUTURE'],
    [{ notResponding: true, planned: true }, 'IDLE*', 'IDLE*', 'IDLE+NOT_RESPONDING+PLANNED'],
  ];
  for (const [o, long, compact, complete] of cases) {
    assert.deepEqual([nodeStateLong(st(o)), nodeStateCompact(st(o)), nodeStateComplete(st(o))], [long, compact, complete], JSON.stringify(o));
  }
  // Sorting numbers: base + Slurm's flag bits.
  assert.equal(nodeStateNumber(st({ base: 'MIXED', planned: true })), 5 + (1 << 21));
  assert.equal(nodeStateNumber(st({ base: 'ALLOCATED', drain: true })), 3 + 512);
});

test('the state of a wire node: MIXED from the CPU counts unless drained; derived not-responding', () => {
  const of = (o: Partial<NodeView>): NodeState => nodeStateOf(peerNode('n1', o));
  assert.equal(of({ state: 'IDLE', allocCpus: 1 }).base, 'MIXED');
  assert.equal(of({ state: 'ALLOCATED', allocCpus: 1 }).base, 'MIXED');
  assert.equal(of({ state: 'ALLOCATED', allocCpus: 2 }).base, 'ALLOCATED');
  // sinfo leaves a draining node ALLOCATED; scontrol shows MIXED+DRAIN when CPUs are idle.
  assert.deepEqual(of({ state: 'DRAINING', allocCpus: 1 }), st({ base: 'ALLOCATED', drain: true }));
  assert.equal(nodeStateOf(peerNode('n1', { state: 'DRAINING', allocCpus: 1 }), { mixedWhenDrained: true }).base, 'MIXED');
  assert.deepEqual(of({ state: 'DRAINING', allocCpus: 2 }), st({ base: 'ALLOCATED', drain: true }));
  assert.deepEqual(of({ state: 'DRAIN' }), st({ drain: true }));
  assert.deepEqual(of({ state: 'DOWN' }), st({ base: 'DOWN', notResponding: true }));
  assert.deepEqual(of({ state: 'DOWN', notResponding: false }), st({ base: 'DOWN' }));
  assert.deepEqual(of({ state: 'UNKNOWN' }), st({ base: 'UNKNOWN', notResponding: true }));
  // A state this client does not know (a newer controller) is shown as UNKNOWN, not a crash.
  const odd = { ...peerNode('n1'), state: 'REBOOTING' } as unknown as NodeView;
  assert.equal(nodeStateLong(nodeStateOf(odd)), 'UNKNOWN');
});

test('-t takes any prefix of a state name, first match in Slurm\'s order; `&` means all', () => {
  const nodes = {
    idle: peerNode('a'),
    mix: peerNode('b', { state: 'MIXED', allocCpus: 1 }),
    alloc: peerNode('c', { state: 'ALLOCATED', allocCpus: 2 }),
    drained: peerNode('d', { state: 'DRAIN' }),
    draining: peerNode('e', { state: 'DRAINING', allocCpus: 1 }),
    down: peerNode('f', { state: 'DOWN' }),
    planned: peerNode('g', { planned: true }),
  };
  const pick = (spec: string): string[] => {
    const p = parseStateFilter(spec);
    assert.ok(p.ok, spec);
    return Object.entries(nodes).filter(([, n]) => matchesStateFilter(p.filter, n)).map(([k]) => k);
  };
  assert.deepEqual(pick('idle'), ['idle', 'drained', 'planned']);
  assert.deepEqual(pick('I'), ['idle', 'drained', 'planned']);
  assert.deepEqual(pick('alloc'), ['mix', 'alloc', 'draining']);
  assert.deepEqual(pick('mix'), ['mix']);
  assert.deepEqual(pick('d'), ['down']);
  assert.deepEqual(pick('dr'), ['drained', 'draining']);
  assert.deepEqual(pick('drained'), ['drained']);
  assert.deepEqual(pick('DRNG'), ['draining']);
  assert.deepEqual(pick('no_respond'), ['down']);
  assert.deepEqual(pick('plnd'), ['planned']);
  assert.deepEqual(pick('idle,down'), ['idle', 'drained', 'down', 'planned']);
  assert.deepEqual(pick('idle&drain'), ['drained']);
  assert.deepEqual(pick('ALL'), Object.keys(nodes));
  assert.deepEqual(pick('fail,maint,cloud'), []);
  assert.deepEqual(pick(''), []);
  const bad = parseStateFilter('idle,bogus');
  assert.ok(!bad.ok);
  assert.equal(bad.errors[0], 'sinfo: error: Bad state string: "bogus"');
});
