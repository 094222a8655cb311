// Escalation policies (pure): the YAML schema of the seed escalator (`levels:` of coupled
// partition/mem/time rungs, `state_handling:` with `exit_codes:` overrides, `max_level`)
// accepted unchanged, plus an extended form with independent axes: a memory ladder raised
// only by OOM, a time ladder raised only by TIMEOUT, the partition derived as the first
// listed that fits both, and attempt budgets per cause (`max_attempts: {oom, timeout, infra}`).
//
// A policy is plain JSON once parsed: it is stored on the job, so a controller restart
// keeps the exact ladder the job was submitted with even if the file changes later.

import { parse as parseYaml } from 'yaml';
import { parseMemSpec } from './mem-spec.ts';
import { parseTimeSpec } from './time-spec.ts';

/** What a policy does with an ending: climb, retry at the same rung (infra), or stop. */
export const Action = { escalate: 'escalate', retry: 'retry', no_retry: 'no_retry' } as const;
export type Action = (typeof Action)[keyof typeof Action];

/** Why a run failed, as far as escalation cares; each cause has its own budget. */
export const Cause = { oom: 'oom', timeout: 'timeout', infra: 'infra' } as const;
export type Cause = (typeof Cause)[keyof typeof Cause];

export interface Rung {
  /** MiB per node. */
  readonly mem: number;
  /** Seconds. */
  readonly time: number;
  /** Partitions this rung may use, in preference order; empty = every configured one. */
  readonly partitions: readonly string[];
}

export interface EscalationPolicy {
  readonly name: string;
  /** `levels`: the seed's coupled rungs (any escalation climbs both); `axes`: independent. */
  readonly form: 'levels' | 'axes';
  /** levels form: the rungs; axes form: the memory ladder with time 0 (unused). */
  readonly levels: readonly Rung[];
  /** axes form: the time ladder (seconds); levels form: empty. */
  readonly times: readonly number[];
  /** axes form: partitions in preference order (empty = every configured one). */
  readonly partitions: readonly string[];
  /** state_handling by Slurm state name. */
  readonly states: Readonly<Record<string, Action>>;
  /** state_handling.exit_codes: overrides checked before the state's own action. */
  readonly exitCodes: Readonly<Record<string, Action>>;
  /** Attempts allowed per cause beyond the first run; null = as many as the ladder has rungs. */
  readonly budgets: { readonly oom: number | null; readonly timeout: number | null; readonly infra: number };
  /** `--escalate-start=auto`: the quantile of earlier peaks to cover, and the history it needs. */
  readonly autoStart: AutoStart;
}

export interface AutoStart {
  /** `start_quantile`, in (0, 1]; 0.95 = p95. */
  readonly quantile: number;
  /** `start_min_runs`: fewer successful earlier runs than this start at level 0. */
  readonly minRuns: number;
}

/** Where a job stands: its index on the memory ladder and on the time ladder (equal for `levels`). */
export interface Position {
  readonly mem: number;
  readonly time: number;
}

export type PolicyResult =
  | { ok: true; policy: EscalationPolicy; warnings: string[] }
  | { ok: false; error: string };

/** The seed's defaults: resources escalate, code errors do not, disruptions retry in place. */
const DEFAULT_STATES: Readonly<Record<string, Action>> = {
  OUT_OF_MEMORY: 'escalate', TIMEOUT: 'escalate', DEADLINE: 'escalate',
  PREEMPTED: 'retry', NODE_FAIL: 'retry', BOOT_FAIL: 'retry', FAILED: 'no_retry', CANCELLED: 'no_retry',
};
/** Ending states that are disruptions, not the job's fault: never escalated (biahub #341). */
export const INFRA_STATES: ReadonlySet<string> = new Set(['PREEMPTED', 'NODE_FAIL', 'BOOT_FAIL']);
const KNOWN_STATES = new Set([...Object.keys(DEFAULT_STATES), 'COMPLETED']);
const DEFAULT_INFRA_BUDGET = 3;
/** Seed keys that matter only to its handler-job machinery: accepted, not used. */
const SEED_ONLY = new Set(['max_array_spec_len', 'timeout', 'tracker', 'logging', 'checkpoint_dir', 'handler']);
const TOP_KEYS = new Set(['levels', 'state_handling', 'max_level', 'memory', 'mem', 'time', 'partitions', 'partition',
  'max_attempts', 'budgets', 'name', 'description', 'start_quantile', 'start_min_runs']);
const DEFAULT_AUTO_START: AutoStart = { quantile: 0.95, minRuns: 5 };

class PolicyError extends Error {}

const fail = (where: string, what: string): never => {
  throw new PolicyError(`${where}: ${what}`);
};

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A YAML scalar as text (numbers are common: `mem: 1024`, `time: 60`). */
function scalar(v: unknown, where: string): string {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return fail(where, `expected a value, got ${v === null ? 'nothing' : typeof v}`);
}

function memOf(v: unknown, where: string): number {
  const s = scalar(v, where);
  const mib = parseMemSpec(s);
  if (mib === null || mib <= 0) fail(where, `invalid memory size '${s}' (use e.g. 512M, 4G)`);
  return mib as number;
}

function timeOf(v: unknown, where: string): number {
  const s = scalar(v, where);
  const t = parseTimeSpec(s);
  if (!t.ok || t.seconds === 'UNLIMITED') return fail(where, `invalid time limit '${s}' (use e.g. 30, 1:00:00, 2-00:00:00)`);
  return t.seconds;
}

function partitionList(v: unknown, where: string): string[] {
  if (v === undefined || v === null) return [];
  const items = Array.isArray(v) ? v.map((x, i) => scalar(x, `${where}[${i}]`)) : scalar(v, where).split(',');
  const names = items.map((s) => s.trim()).filter((s) => s !== '');
  for (const n of names) if (!/^[A-Za-z0-9_.-]+$/.test(n)) fail(where, `invalid partition name '${n}'`);
  return names;
}

function actionOf(v: unknown, where: string): Action {
  const s = scalar(v, where).toLowerCase().replace('-', '_');
  if (s === 'escalate' || s === 'no_retry' || s === 'retry') return s;
  return fail(where, `unknown action '${scalar(v, where)}' (escalate, retry or no_retry)`);
}

function stateHandling(v: unknown): { states: Record<string, Action>; exitCodes: Record<string, Action> } {
  const states: Record<string, Action> = { ...DEFAULT_STATES };
  const exitCodes: Record<string, Action> = {};
  if (v === undefined || v === null) return { states, exitCodes };
  if (!isMap(v)) return fail('state_handling', 'expected a mapping of STATE: action');
  for (const [k, val] of Object.entries(v)) {
    if (k === 'exit_codes') {
      if (val === null) continue;
      if (!isMap(val)) fail('state_handling.exit_codes', 'expected a mapping of CODE: action');
      for (const [code, a] of Object.entries(val as Record<string, unknown>)) {
        const n = Number(code);
        if (!Number.isInteger(n) || n < 0 || n > 255) fail('state_handling.exit_codes', `invalid exit code '${code}' (0-255)`);
        exitCodes[String(n)] = actionOf(a, `state_handling.exit_codes.${code}`);
      }
      continue;
    }
    const state = k.toUpperCase();
    if (!KNOWN_STATES.has(state)) fail('state_handling', `unknown job state '${k}'`);
    if (state === 'COMPLETED') fail('state_handling.COMPLETED', 'a completed job is never retried');
    const a = actionOf(val, `state_handling.${k}`);
    // A disruption is not the job's fault: the seed's `escalate` for it means "try again".
    states[state] = INFRA_STATES.has(state) && a === 'escalate' ? 'retry' : a;
  }
  return { states, exitCodes };
}

function budget(v: unknown, where: string): number {
  const n = Number(scalar(v, where));
  if (!Number.isInteger(n) || n < 0 || n > 1000) fail(where, `expected a whole number of retries (0-1000), got '${scalar(v, where)}'`);
  return n;
}

function budgets(v: unknown): EscalationPolicy['budgets'] {
  const b: { oom: number | null; timeout: number | null; infra: number } = { oom: null, timeout: null, infra: DEFAULT_INFRA_BUDGET };
  if (v === undefined || v === null) return b;
  if (!isMap(v)) return fail('max_attempts', 'expected a mapping {oom: N, timeout: N, infra: N}');
  for (const [k, val] of Object.entries(v)) {
    if (k !== 'oom' && k !== 'timeout' && k !== 'infra') fail('max_attempts', `unknown cause '${k}' (oom, timeout or infra)`);
    b[k as Cause] = budget(val, `max_attempts.${k}`);
  }
  return b;
}

function autoStart(d: Record<string, unknown>): AutoStart {
  let { quantile, minRuns } = DEFAULT_AUTO_START;
  if (d.start_quantile !== undefined && d.start_quantile !== null) {
    const t = scalar(d.start_quantile, 'start_quantile');
    quantile = Number(t);
    if (!(quantile > 0 && quantile <= 1)) fail('start_quantile', `expected a fraction in (0, 1] such as 0.95, got '${t}'`);
  }
  if (d.start_min_runs !== undefined && d.start_min_runs !== null) {
    const t = scalar(d.start_min_runs, 'start_min_runs');
    minRuns = Number(t);
    if (!Number.isInteger(minRuns) || minRuns < 1 || minRuns > 100000) fail('start_min_runs', `expected a whole number of runs (1-100000), got '${t}'`);
  }
  return { quantile, minRuns };
}

function levelsForm(doc: Record<string, unknown>): Rung[] {
  const levels = doc.levels;
  if (!Array.isArray(levels) || levels.length === 0) return fail('levels', 'expected a non-empty list of {partition, mem, time}');
  const rungs = levels.map((l, i): Rung => {
    const where = `levels[${i}]`;
    if (!isMap(l)) return fail(where, 'expected {partition, mem, time}');
    for (const k of Object.keys(l)) if (!['partition', 'partitions', 'mem', 'memory', 'time'].includes(k)) fail(where, `unknown key '${k}'`);
    if (l.mem === undefined && l.memory === undefined) fail(where, 'mem is missing');
    if (l.time === undefined) fail(where, 'time is missing');
    return {
      mem: memOf(l.mem ?? l.memory, `${where}.mem`),
      time: timeOf(l.time, `${where}.time`),
      partitions: partitionList(l.partition ?? l.partitions, `${where}.partition`),
    };
  });
  for (let i = 1; i < rungs.length; i++) {
    const a = rungs[i - 1] as Rung;
    const b = rungs[i] as Rung;
    if (b.mem < a.mem || b.time < a.time || (b.mem === a.mem && b.time === a.time)) {
      fail(`levels[${i}]`, 'each level must raise mem or time and lower neither');
    }
  }
  let max = rungs.length;
  if (doc.max_level !== undefined && doc.max_level !== null) {
    const n = Number(scalar(doc.max_level, 'max_level'));
    if (!Number.isInteger(n) || n < 1) fail('max_level', `expected a level count of at least 1, got '${scalar(doc.max_level, 'max_level')}'`);
    max = Math.min(max, n);
  }
  return rungs.slice(0, max);
}

function ladder<T>(v: unknown, where: string, parse: (x: unknown, w: string) => T): T[] {
  const items = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  if (items.length === 0) return fail(where, 'expected a non-empty list');
  const out = items.map((x, i) => parse(x, `${where}[${i}]`));
  for (let i = 1; i < out.length; i++) if ((out[i] as number) <= (out[i - 1] as number)) fail(`${where}[${i}]`, 'a ladder must rise');
  return out;
}

/** Parse a policy's YAML text. `name` labels errors and the job's record. */
export function parsePolicy(text: string, name: string): PolicyResult {
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: false, maxAliasCount: 100 });
  } catch (e) {
    return { ok: false, error: `escalation policy ${name}: not valid YAML: ${(e as Error).message.split('\n')[0] ?? ''}` };
  }
  try {
    if (!isMap(doc)) fail('policy', 'expected a YAML mapping with levels: or memory:/time:');
    const d = doc as Record<string, unknown>;
    const warnings: string[] = [];
    for (const k of Object.keys(d)) {
      if (!TOP_KEYS.has(k)) warnings.push(SEED_ONLY.has(k) ? `${k}: not needed by Ratchet; ignored` : `${k}: unknown key; ignored`);
    }
    const axes = d.memory !== undefined || d.mem !== undefined || Array.isArray(d.time);
    if (axes && d.levels !== undefined) fail('policy', 'give either levels: or memory:/time: ladders, not both');
    const { states, exitCodes } = stateHandling(d.state_handling);
    const b = budgets(d.max_attempts ?? d.budgets);
    const auto = autoStart(d);
    if (!axes) {
      const levels = levelsForm(d);
      return { ok: true, warnings, policy: { name, form: 'levels', levels, times: [], partitions: [], states, exitCodes, budgets: b, autoStart: auto } };
    }
    const mems = ladder(d.memory ?? d.mem, 'memory', memOf);
    const times = ladder(d.time, 'time', timeOf);
    const partitions = partitionList(d.partitions ?? d.partition, 'partitions');
    const levels = mems.map((mem) => ({ mem, time: 0, partitions }));
    return { ok: true, warnings, policy: { name, form: 'axes', levels, times, partitions, states, exitCodes, budgets: b, autoStart: auto } };
  } catch (e) {
    if (e instanceof PolicyError) return { ok: false, error: `escalation policy ${name}: ${e.message}` };
    throw e;
  }
}

/** The resources at a position. */
export function rungAt(p: EscalationPolicy, pos: Position): Rung {
  const level = p.levels[Math.min(pos.mem, p.levels.length - 1)] as Rung;
  if (p.form === 'levels') return level;
  return { mem: level.mem, time: p.times[Math.min(pos.time, p.times.length - 1)] as number, partitions: p.partitions };
}

/** The level number users see: the rung index (levels form) or the steps climbed (axes). */
export function levelOf(p: EscalationPolicy, pos: Position): number {
  return p.form === 'levels' ? pos.mem : pos.mem + pos.time;
}

export function topLevel(p: EscalationPolicy): number {
  return p.form === 'levels' ? p.levels.length - 1 : p.levels.length - 1 + p.times.length - 1;
}

/** A partition as the ladder check needs it. */
export interface PartitionFit {
  readonly name: string;
  /** Seconds; null = unlimited. */
  readonly maxTime: number | null;
  /** Largest node's memory, MiB. */
  readonly maxMem: number;
}

/** The first allowed partition that fits the rung, or null. */
export function fitPartition(r: Rung, parts: readonly PartitionFit[]): string | null {
  const order = r.partitions.length > 0 ? r.partitions : parts.map((p) => p.name);
  for (const name of order) {
    const p = parts.find((x) => x.name === name);
    if (p !== undefined && p.maxMem >= r.mem && (p.maxTime === null || p.maxTime >= r.time)) return p.name;
  }
  return null;
}

/** Every position the job may reach. */
export function positions(p: EscalationPolicy, from: Position = { mem: 0, time: 0 }): Position[] {
  if (p.form === 'levels') return p.levels.map((_, i) => ({ mem: i, time: i })).filter((x) => x.mem >= from.mem);
  const out: Position[] = [];
  for (let m = from.mem; m < p.levels.length; m++) for (let t = from.time; t < p.times.length; t++) out.push({ mem: m, time: t });
  return out;
}

/** Check every reachable rung against the partitions: null, or why the ladder cannot run. */
export function checkLadder(p: EscalationPolicy, parts: readonly PartitionFit[], from: Position): string | null {
  for (const r of p.partitions.length > 0 ? p.partitions : p.levels.flatMap((l) => l.partitions)) {
    if (!parts.some((x) => x.name === r)) return `escalation policy ${p.name}: no partition named '${r}'`;
  }
  for (const pos of positions(p, from)) {
    const r = rungAt(p, pos);
    if (fitPartition(r, parts) !== null) continue;
    const names = r.partitions.length > 0 ? r.partitions.join(',') : 'any partition';
    const what = p.form === 'levels' ? `level ${pos.mem}` : `memory rung ${pos.mem} with time rung ${pos.time}`;
    return `escalation policy ${p.name}: ${what} (mem=${memText(r.mem)} time=${timeText(r.time)}) fits no node and MaxTime of ${names}`;
  }
  return null;
}

/**
 * `--escalate-start=LEVEL|MEM`: a bare number is a level (0-based; in the axes form the
 * memory rung); a size picks the lowest rung that covers it (the nearest rung upwards).
 */
export function startPosition(p: EscalationPolicy, spec: string): Position | string {
  const s = spec.trim();
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (n >= p.levels.length) return `--escalate-start=${s}: the policy has levels 0-${p.levels.length - 1}`;
    return p.form === 'levels' ? { mem: n, time: n } : { mem: n, time: 0 };
  }
  const mib = parseMemSpec(s);
  if (mib === null || mib <= 0) return `--escalate-start=${s}: expected a level number, a memory size or auto`;
  const i = p.levels.findIndex((l) => l.mem >= mib);
  if (i < 0) return `--escalate-start=${s}: above the policy's largest rung (${memText((p.levels.at(-1) as Rung).mem)})`;
  return p.form === 'levels' ? { mem: i, time: i } : { mem: i, time: 0 };
}

/** 1024 -> 1G, 1536 -> 1536M: how rungs are written. */
export function memText(mib: number): string {
  return mib % 1024 === 0 ? `${mib / 1024}G` : `${mib}M`;
}

export function timeText(secs: number): string {
  const d = Math.floor(secs / 86400);
  const h = Math.floor((secs % 86400) / 3600);
  const m = Math.floor((secs % 3600) / 60);
  const s = secs % 60;
  const hms = [h, m, s].map((x) => String(x).padStart(2, '0')).join(':');
  return d > 0 ? `${d}-${hms}` : hms;
}
