// Shape checks for requests arriving over the wire. Anything that is not exactly the
// expected shape is refused before it reaches the job table ("garbage on the API").

import type { SubmitRequest } from './wire.ts';

type Check = (v: unknown) => boolean;
const str: Check = (v) => typeof v === 'string';
const strOrNull: Check = (v) => v === null || typeof v === 'string';
const int: Check = (v) => typeof v === 'number' && Number.isSafeInteger(v);
const intOrNull: Check = (v) => v === null || int(v);
const bool: Check = (v) => typeof v === 'boolean';
const boolOrNull: Check = (v) => v === null || bool(v);

const SUBMIT: Record<keyof SubmitRequest, Check> = {
  script: str,
  scriptPath: strOrNull,
  argv: (v) => Array.isArray(v) && v.every(str),
  name: str,
  workDir: (v) => typeof v === 'string' && v.startsWith('/'),
  stdout: strOrNull,
  stderr: strOrNull,
  stdin: strOrNull,
  openMode: (v) => v === null || v === 'truncate' || v === 'append',
  partition: strOrNull,
  time: (v) => v === null || v === 'UNLIMITED' || (int(v) && (v as number) >= -1e12 && (v as number) <= 1e12),
  nodes: (v) => v === null || (int(v) && (v as number) >= 1 && (v as number) <= 100000),
  ntasks: (v) => v === null || (int(v) && (v as number) >= 1 && (v as number) <= 10000000),
  cpusPerTask: (v) => v === null || (int(v) && (v as number) >= 1 && (v as number) <= 1000000),
  mem: (v) => v === null || (typeof v === 'object' && (
    ('perNode' in v && int(v.perNode) && (v.perNode as number) >= 0) ||
    ('perCpu' in v && int(v.perCpu) && (v.perCpu as number) >= 0))),
  env: (v) => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every(str),
  hold: bool,
  comment: strOrNull,
  account: strOrNull,
  qos: strOrNull,
  requeue: boolOrNull,
  nice: intOrNull,
  submitHost: str,
  submitSid: int,
  testOnly: bool,
  signal: (v) => v === null || (typeof v === 'object' && 'signal' in v && 'secs' in v && 'batch' in v &&
    int(v.signal) && (v.signal as number) > 0 && (v.signal as number) < 65 && int(v.secs) && (v.secs as number) >= 0 &&
    (v.secs as number) <= 65535 && bool(v.batch)),
  array: (v) => v === undefined || v === null || (typeof v === 'string' && v.length <= 10000),
  dependency: (v) => v === undefined || strOrNull(v),
  killOnInvalidDep: (v) => v === undefined || boolOrNull(v),
  escalate: (v) => v === undefined || v === null || (typeof v === 'object' && 'name' in v && 'text' in v && 'start' in v &&
    str(v.name) && (v.name as string).length <= 4096 && strOrNull(v.text) && (v.text === null || (v.text as string).length <= 1 << 20) &&
    strOrNull(v.start) && (v.start === null || (v.start as string).length <= 64)),
  begin: (v) => v === undefined || v === null || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0),
  deadline: (v) => v === undefined || v === null || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0),
  alloc: (v) => v === undefined || bool(v),
  nodelist: (v) => v === undefined || v === null || (typeof v === 'string' && v.length <= 65536),
  exclusive: (v) => v === undefined || bool(v),
};

/** Returns the first offending field, or null when the request is well-formed. */
export function invalidSubmitField(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return '(body)';
  const rec = body as Record<string, unknown>;
  for (const [key, check] of Object.entries(SUBMIT)) {
    if (!check(rec[key])) return key;
  }
  return null;
}

export function isSubmitRequest(body: unknown): body is SubmitRequest {
  return invalidSubmitField(body) === null;
}

export function isIntArray(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => int(x));
}
