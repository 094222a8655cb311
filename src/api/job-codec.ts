// A compact wire form of a Job for the bulk queries (squeue, sacct over 100k jobs): each
// record becomes JSON arrays of its values in a fixed order, so no key is repeated; the
// request and user (the "head", the same for most jobs of a workflow) are sent once per
// distinct value; what no query prints is left out (the submit environment, the script
// text, the run evidence). Decoded jobs have env {}, script '' and evidence null.
// Because the decoders build Job literals, a field added to Job, JobRequest or StepRecord
// fails the type check here until it is carried.

import type { ExitStatus, Job, JobRequest, RunRecord, StepRecord, StepUsage, UserIdentity } from '../core/job.ts';
import { asJobId } from '../core/job.ts';

type T = readonly unknown[];

const encExit = (e: ExitStatus): T => [e.code, e.signal];
const decExit = (a: T): ExitStatus => ({ code: a[0] as number, signal: a[1] as number });

function encReq(r: JobRequest): T {
  return [r.name, r.scriptPath, r.argv, r.workDir, r.stdout, r.stderr, r.stdin, r.openMode, r.partition, r.timeLimit, r.nodes,
    r.ntasks, r.cpusPerTask, r.ntasksGiven, r.cpusPerTaskGiven, r.memPerNode, r.memPerCpu, r.comment, r.account, r.qos,
    r.requeue, r.submitHost, r.submitSid, r.nice, r.signal, r.killOnInvalidDep ?? null, r.deadline ?? null, r.alloc ?? null,
    r.numCpus ?? null, r.begin ?? null, r.requiredNodes ?? null, r.exclusive ?? null];
}

/** JobRequest's optional fields, present only when set. */
function decOptional(a: T): Pick<JobRequest, 'killOnInvalidDep' | 'deadline' | 'alloc' | 'numCpus' | 'begin' | 'requiredNodes' | 'exclusive'> {
  return {
    ...(typeof a[25] === 'boolean' ? { killOnInvalidDep: a[25] } : {}),
    ...(typeof a[26] === 'number' ? { deadline: a[26] } : {}),
    ...(a[27] === true ? { alloc: true } : {}),
    ...(typeof a[28] === 'number' ? { numCpus: a[28] } : {}),
    ...(typeof a[29] === 'number' ? { begin: a[29] } : {}),
    ...(Array.isArray(a[30]) ? { requiredNodes: a[30] as string[] } : {}),
    ...(a[31] === true ? { exclusive: true } : {}),
  };
}

function decReq(a: T): JobRequest {
  return {
    name: a[0] as string, script: '', scriptPath: a[1] as string | null, argv: a[2] as string[], workDir: a[3] as string,
    stdout: a[4] as string, stderr: a[5] as string | null, stdin: a[6] as string, openMode: a[7] as JobRequest['openMode'],
    partition: a[8] as string, timeLimit: a[9] as number | null, nodes: a[10] as number, ntasks: a[11] as number,
    cpusPerTask: a[12] as number, ntasksGiven: a[13] as boolean, cpusPerTaskGiven: a[14] as boolean,
    memPerNode: a[15] as number | null, memPerCpu: a[16] as number | null, env: {}, comment: a[17] as string | null,
    account: a[18] as string, qos: a[19] as string, requeue: a[20] as boolean, submitHost: a[21] as string,
    submitSid: a[22] as number, nice: a[23] as number, signal: a[24] as JobRequest['signal'], ...decOptional(a),
  };
}

const encUser = (u: UserIdentity): T => [u.name, u.uid, u.gid, u.group];
const decUser = (a: T): UserIdentity => ({ name: a[0] as string, uid: a[1] as number, gid: a[2] as number, group: a[3] as string });

/** A step's usage as an array (its keys would be most of a finished job's text). */
const encUsage = (u: StepUsage | undefined): T | null => (u === undefined ? null : [u.maxVmBytes, u.pages, u.readBytes, u.writeBytes, u.cpuFreqMHz]);

/** Rows stored before usage travelled as an array carry it as an object. */
function decUsage(v: unknown): StepUsage | null {
  if (Array.isArray(v)) {
    const n = (i: number): number | null => (typeof v[i] === 'number' ? v[i] as number : null);
    return { maxVmBytes: n(0), pages: n(1), readBytes: n(2), writeBytes: n(3), cpuFreqMHz: n(4) };
  }
  return v !== null && typeof v === 'object' ? v as StepUsage : null;
}

function encStep(s: StepRecord): T {
  return [s.id, s.name, s.state, encExit(s.exitCode), s.start, s.end, s.maxRssBytes, s.cpus, s.nodeList, s.userCpu, s.systemCpu,
    encUsage(s.usage)];
}

const withUsage = (u: StepUsage | null): { usage?: StepUsage } => (u === null ? {} : { usage: u });

function decStep(a: T): StepRecord {
  return {
    id: a[0] as StepRecord['id'], name: a[1] as string, state: a[2] as StepRecord['state'], exitCode: decExit(a[3] as T),
    start: a[4] as number, end: a[5] as number | null, maxRssBytes: a[6] as number | null, cpus: a[7] as number,
    nodeList: a[8] as string[], userCpu: a[9] as number, systemCpu: a[10] as number,
    ...withUsage(decUsage(a[11])),
  };
}

function encRun(r: RunRecord): T {
  return [r.attempt, r.state, r.reason, encExit(r.exitCode), encExit(r.derivedExitCode), r.startTime, r.endTime, r.submitTime,
    r.eligibleTime, r.nodeList, r.allocCpus, r.memPerNode, r.memPerCpu, r.timeLimit, r.partition, r.cancelledBy, r.steps.map(encStep)];
}

function decRun(a: T): RunRecord {
  return {
    attempt: a[0] as number, state: a[1] as RunRecord['state'], reason: a[2] as RunRecord['reason'], exitCode: decExit(a[3] as T),
    derivedExitCode: decExit(a[4] as T), startTime: a[5] as number | null, endTime: a[6] as number | null,
    submitTime: a[7] as number, eligibleTime: a[8] as number | null, nodeList: a[9] as string[], allocCpus: a[10] as number,
    memPerNode: a[11] as number | null, memPerCpu: a[12] as number | null, timeLimit: a[13] as number | null,
    partition: a[14] as string, cancelledBy: a[15] as number | null, steps: (a[16] as T[]).map(decStep), evidence: null,
  };
}

/** What many jobs share (the request and the user), sent once per distinct value. */
function encodeHead(j: Job): T {
  return [encReq(j.req), encUser(j.user)];
}

/** The rest of a job, in a fixed order. */
function encodeRest(j: Job): T {
  return [j.id, j.submitTime, j.eligibleTime, j.state, j.flags, j.reason, j.stateDesc, j.priority,
    j.held, j.startTime, j.endTime, j.nodeList, j.allocCpus, j.allocMem, encExit(j.exitCode), encExit(j.derivedExitCode),
    j.restarts, j.attempt, j.cancelledBy, j.lastSchedEval, j.suspendTime, j.secsPreSuspend, j.steps.map(encStep), j.runs.map(encRun),
    j.dependency, j.array, j.escalation ?? null];
}

interface Head {
  readonly req: JobRequest;
  readonly user: UserIdentity;
}

const decodeHead = (h: T): Head => ({ req: decReq(h[0] as T), user: decUser(h[1] as T) });

function decodeRest(a: T, h: Head): Job {
  return {
    id: asJobId(a[0] as number), req: h.req, user: h.user, submitTime: a[1] as number,
    eligibleTime: a[2] as number | null, state: a[3] as Job['state'], flags: a[4] as Job['flags'], reason: a[5] as Job['reason'],
    stateDesc: a[6] as string | null, priority: a[7] as number, held: a[8] as Job['held'], startTime: a[9] as number | null,
    endTime: a[10] as number | null, nodeList: a[11] as string[], allocCpus: a[12] as number, allocMem: a[13] as number,
    exitCode: decExit(a[14] as T), derivedExitCode: decExit(a[15] as T), restarts: a[16] as number, attempt: a[17] as number,
    cancelledBy: a[18] as number | null, lastSchedEval: a[19] as number | null, suspendTime: a[20] as number | null,
    secsPreSuspend: a[21] as number, steps: (a[22] as T[]).map(decStep), runs: (a[23] as T[]).map(decRun), evidence: null,
    dependency: a[24] as Job['dependency'], array: a[25] as Job['array'],
    ...(a[26] === null || a[26] === undefined ? {} : { escalation: a[26] as NonNullable<Job['escalation']> }),
  };
}

/** A job's compact form as two JSON texts: the shared head and the rest (a pair, as SQLite returns rows). */
export type JobTexts = readonly [head: string, rest: string];

export function jobTexts(j: Job): JobTexts {
  return [JSON.stringify(encodeHead(j)), JSON.stringify(encodeRest(j))];
}

/** jobTexts, cached per (immutable) job object. */
const cache = new WeakMap<Job, JobTexts>();
export function cachedJobTexts(j: Job): JobTexts {
  let t = cache.get(j);
  if (t === undefined) {
    t = jobTexts(j);
    cache.set(j, t);
  }
  return t;
}

/** The number of `head` among the heads seen so far (in order of appearance); `first` runs for a new one. */
function headIndex(index: Map<string, number>, head: string, first: () => void): number {
  let i = index.get(head);
  if (i === undefined) {
    i = index.size;
    index.set(head, i);
    first();
  }
  return i;
}

/**
 * A bulk response: `{"now":N,"heads":[...],"jobs":[[headIndex,rest],...]}`, built from
 * texts without parsing them; identical heads are sent once.
 */
export function compactJobsBody(now: number, jobs: Iterable<JobTexts>): string {
  const index = new Map<string, number>();
  const heads: string[] = [];
  const out: string[] = [];
  for (const [head, rest] of jobs) {
    const i = headIndex(index, head, () => heads.push(head));
    out.push(`[${i},${rest}]`);
  }
  return `{"now":${now},"heads":[${heads.join(',')}],"jobs":[${out.join(',')}]}`;
}

export interface CompactJobs {
  readonly now: number;
  readonly heads: readonly T[];
  readonly jobs: readonly (readonly [number, T])[];
}

/** Decode a bulk response; jobs with the same head share one request and user object. */
export function decodeJobs(r: CompactJobs): Job[] {
  const decode = jobDecoder(r);
  return r.jobs.map(decode);
}

/** One entry of a bulk response at a time, heads decoded once. */
function jobDecoder(r: CompactJobs): (entry: CompactJobs['jobs'][number]) => Job {
  const heads: Head[] = r.heads.map(decodeHead);
  return ([i, rest]) => {
    const h = heads[i];
    if (h === undefined) throw new Error(`bad head index ${i}`);
    return decodeRest(rest, h);
  };
}


// ---- the streamed form (fmt=l) -----------------------------------------------------------
// Newline-delimited: first `{"now":N,"arrays":B}` (B: some record may belong to an array,
// so the reader must order before printing), then `{"h":HEAD}` each time a new head
// appears (heads are numbered in order of appearance) and `[headIndex,REST]` per job.
// A reader parses, decodes and prints one line at a time as the answer arrives, so a 100k
// answer is never held parsed, and the writer's work overlaps the reader's.

const LINES_PER_CHUNK = 2000;

/** The streamed form of `rows`, in chunks, yielding to the event loop between them. */
export async function* compactJobLines(now: number, arrays: boolean, rows: Iterable<JobTexts>): AsyncGenerator<string> {
  yield `${JSON.stringify({ now, arrays })}\n`;
  const index = new Map<string, number>();
  let out: string[] = [];
  for (const [head, rest] of rows) {
    const i = headIndex(index, head, () => out.push(`{"h":${head}}`));
    out.push(`[${i},${rest}]`);
    if (out.length >= LINES_PER_CHUNK) {
      yield `${out.join('\n')}\n`;
      out = [];
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  if (out.length > 0) yield `${out.join('\n')}\n`;
}

/** Reads the streamed form line by line: the jobs decoded, the answer's time and array flag. */
export class CompactLineReader {
  now = 0;
  arrays = true;
  private readonly heads: Head[] = [];

  /** The job a line carries, or null for the other lines. */
  line(text: string): Job | null {
    if (text === '') return null;
    const v = JSON.parse(text) as unknown;
    if (Array.isArray(v)) {
      const h = this.heads[v[0] as number];
      if (h === undefined) throw new Error(`bad head index ${String(v[0])}`);
      return decodeRest(v[1] as T, h);
    }
    const o = v as { h?: T; now?: number; arrays?: boolean };
    if (o.h !== undefined) this.heads.push(decodeHead(o.h));
    else {
      this.now = o.now ?? 0;
      this.arrays = o.arrays ?? true;
    }
    return null;
  }
}
