// sbatch's argument handling, start to finish, as Slurm 22.05's sbatch runs it:
//   1. the command line alone, every option checked in order (help/version/usage end it
//      here); the first non-option is the script, the rest are its arguments;
//   2. the script: --wrap, the file, or stdin; Slurm's sanity checks;
//   3. options again from scratch: `#SBATCH` lines, then SBATCH_* variables, then the
//      command line, each overriding the one before;
//   4. cross-option checks, defaults, the job's environment, and the request.
// Pure apart from the reads done through `io`. The caller submits and prints.

import type { EscalateRequest, SubmitRequest } from '../../api/wire.ts';
import { atoi, envFlagOn } from './c-number.ts';
import { scanDirectives } from './directives.ts';
import { buildJobEnv } from './export-env.ts';
import type { Env } from './export-env.ts';
import { getopt } from './getopt.ts';
import type { ParsedOption } from './getopt.ts';
import { errorLine, newState, stopError } from './option-state.ts';
import type { OptState, PendingOption, SetCtx, Source, Stop } from './option-state.ts';
import { ENV_OPTIONS, ROW_BY_KEY, SBATCH_SPEC } from './option-table.ts';
import {
  MAX_SCRIPT_BYTES, SCRIPT_TOO_LARGE, baseName, findScript, scriptProblem, wrapScript,
} from './script.ts';

export type { PendingOption } from './option-state.ts';

export interface SbatchIo {
  readFile(path: string): Buffer | { error: string };
  readStdin(): Buffer;
  cwd: string;
  env: Record<string, string | undefined>;
  hostname: string;
  pid: number;
}

export type SbatchParse =
  | {
    kind: 'submit';
    request: SubmitRequest;
    parsable: boolean;
    quiet: boolean;
    wait: boolean;
    /** Options Slurm has that this version does not implement: refuse with unsupported(). */
    pending: PendingOption[];
    /** Notices sbatch prints on stderr before submitting (may be ''). */
    stderr: string;
    /** Exit code for a failed submission (1, or SLURM_EXIT_ERROR). */
    errorExit: number;
  }
  | { kind: 'exit'; code: number; stdout: string; stderr: string };

type Exit = Extract<SbatchParse, { kind: 'exit' }>;

const TRY_HELP = 'Try "sbatch --help" for more information\n';

/** The refusal for options recognised but not implemented, or null when there are none. */
export function unsupported(pending: readonly PendingOption[], errorExit = 1): Exit | null {
  if (pending.length === 0) return null;
  const stderr = pending.map((p) => errorLine(`${p.option} is not supported by this Ratchet version`)).join('');
  return { kind: 'exit', code: errorExit, stdout: '', stderr };
}

/** Exit codes are a byte, as the shell sees them. */
const byte = (n: number): number => ((n % 256) + 256) % 256;

class Run {
  readonly io: SbatchIo;
  readonly notices: string[] = [];
  errorExit = 1;

  constructor(io: SbatchIo) {
    this.io = io;
    const v = io.env.SLURM_EXIT_ERROR;
    if (v !== undefined) {
      const n = atoi(v);
      if (n === 0) this.notices.push(errorLine('SLURM_EXIT_ERROR has zero value'));
      else this.errorExit = byte(n);
    }
  }

  exit(stop: Stop): Exit {
    return { kind: 'exit', code: stop.code, stdout: stop.stdout, stderr: this.notices.join('') + stop.stderr };
  }

  fail(lines: readonly string[], code = this.errorExit): Exit {
    return this.exit({ code, stdout: '', stderr: lines.map(errorLine).join('') });
  }

  /** Apply getopt's options to `st`; on pass 2 the early options are skipped. */
  apply(st: OptState, opts: readonly ParsedOption[], ctx: SetCtx, firstPass: boolean): Stop | null {
    for (const o of opts) {
      const row = ROW_BY_KEY.get(o.key);
      if (row === undefined) continue;
      if (row.early && !firstPass) continue;
      const stop = row.set(st, o.value, ctx);
      if (stop) return stop;
    }
    return null;
  }

  /** getopt over `args`, applied; a getopt error ends sbatch like Slurm's `?` option. */
  options(st: OptState, args: readonly string[], source: Source, firstPass: boolean): Stop | { optind: number } {
    const g = getopt(args, SBATCH_SPEC);
    const stop = this.apply(st, g.opts, { cwd: this.io.cwd, source }, firstPass);
    if (stop) return stop;
    if (g.error !== null) return { code: 255, stdout: '', stderr: `sbatch: ${g.error}\n${TRY_HELP}` };
    return { optind: g.optind };
  }

  /** SBATCH_* variables, in Slurm's order; flags follow Slurm's yes/number/empty rule. */
  environment(st: OptState): Stop | null {
    for (const [name, option] of ENV_OPTIONS) {
      const value = this.io.env[name];
      const row = ROW_BY_KEY.get(option);
      if (value === undefined || row === undefined) continue;
      const ctx: SetCtx = { cwd: this.io.cwd, source: 'env' };
      if (row.arg === 'none' && !envFlagOn(value)) {
        row.reset?.(st);
        continue;
      }
      const stop = row.set(st, row.arg === 'optional' && value === '' ? null : value, ctx);
      if (stop) return stop;
    }
    return null;
  }
}

interface Script {
  readonly text: string;
  readonly bytes: number;
  readonly path: string | null;
  /** How fatal directive errors name the script. */
  readonly label: string;
  /** The default job name, when no option gives one; null means `sbatch` (stdin). */
  readonly defaultName: string | null;
  readonly directives: boolean;
}

function loadScript(run: Run, first: OptState, scriptArgs: readonly string[]): Script | Exit {
  if (first.wrap !== null) {
    const text = wrapScript(first.wrap);
    return { text, bytes: Buffer.byteLength(text), path: null, label: 'stdin', defaultName: 'wrap', directives: false };
  }
  const name = scriptArgs[0];
  let body: Buffer;
  let path: string | null = null;
  if (name === undefined) {
    body = run.io.readStdin();
  } else {
    const found = findScript(name, first.chdir ?? run.io.cwd, run.io.cwd, run.io.env.PATH, (p) => run.io.readFile(p));
    if ('error' in found) return run.fail([found.error]);
    body = found.body;
    path = found.path;
  }
  const problem = scriptProblem(body);
  if (problem) return run.fail(problem);
  const label = path === null ? 'stdin' : baseName(path);
  return { text: body.toString('utf8'), bytes: body.length, path, label, defaultName: path === null ? null : label, directives: true };
}

/** Is a `:` (heterogeneous job separator) before the script? After it, Slurm just drops it. */
function hetSeparatorInOptions(argv: readonly string[], optind: number): boolean {
  let seen = 0;
  for (const a of argv) {
    if (a === ':') {
      if (seen <= optind) return true;
    } else {
      seen++;
    }
  }
  return false;
}

function finish(run: Run, st: OptState, first: OptState, script: Script, scriptArgs: readonly string[]): SbatchParse {
  // Memory options: two given on the command line or in #SBATCH lines is an error; one given
  // there beats any from the environment; two from the environment is an error.
  const memCli = st.mem !== null && !st.mem.byEnv;
  const cpuCli = st.memPerCpu !== null && !st.memPerCpu.byEnv;
  if (memCli && cpuCli) {
    return run.exit({ code: 1, stdout: '', stderr: 'sbatch: fatal: --mem, --mem-per-cpu, and --mem-per-gpu are mutually exclusive.\n' });
  }
  if (memCli) st.memPerCpu = null;
  else if (cpuCli) st.mem = null;
  else if (st.mem !== null && st.memPerCpu !== null) {
    return run.exit({ code: 1, stdout: '', stderr: 'sbatch: fatal: SLURM_MEM_PER_CPU, SLURM_MEM_PER_GPU, and SLURM_MEM_PER_NODE are mutually exclusive.\n' });
  }
  const jobName = st.jobName ?? script.defaultName;
  const bad: string[] = [];
  if (st.ntasks !== null && st.ntasks < 0) bad.push(`invalid number of tasks (-n ${st.ntasks})`);
  if (st.cpusPerTask !== null && st.cpusPerTask <= 0) bad.push(`invalid number of cpus per task (-c ${st.cpusPerTask})`);
  const n = st.nodes;
  if (n !== null && (n.min < 0 || n.max < 0 || (n.max !== 0 && n.min > n.max))) {
    bad.push(`invalid number of nodes (-N ${n.min}-${n.max})`);
  }
  if (bad.length > 0) return run.fail(bad);
  // No GresTypes: every generic resource request is invalid, as on a Slurm without GRES.
  if (st.gres !== null && st.gres !== '') return run.fail(['Invalid generic resource (gres) specification'], 1);
  let nodes = n?.min ?? null;
  if (n !== null && st.ntasks !== null && st.ntasks < n.min) {
    run.notices.push(`sbatch: Warning: can't run ${st.ntasks} processes on ${n.min} nodes, setting nnodes to ${st.ntasks}\n`);
    nodes = st.ntasks;
  }
  const environ: Env = {};
  for (const [k, v] of Object.entries(run.io.env)) if (v !== undefined) environ[k] = v;
  const built = buildJobEnv({
    environ, exportEnv: st.exportEnv, exportFile: st.exportFile, jobName,
    openMode: st.openMode, cpusPerTask: st.cpusPerTask, ntasks: st.ntasks,
  }, run.io.cwd, (p) => run.io.readFile(p));
  if (!built.ok) return run.fail([built.error], 1);
  run.notices.push(...built.notices);
  if (script.bytes > MAX_SCRIPT_BYTES) return run.fail([SCRIPT_TOO_LARGE]);
  const escalation = escalateRequest(st, run.io);
  if ('error' in escalation) return run.fail([escalation.error], 1);
  if (st.begin !== null && st.deadline !== null && st.deadline < st.begin) {
    return run.exit({ code: 1, stdout: '', stderr: 'sbatch: error: Incompatible begin and deadline time specification\n' });
  }
  const request: SubmitRequest = {
    script: script.text,
    scriptPath: script.path,
    argv: scriptArgs.slice(1),
    name: jobName ?? 'sbatch',
    workDir: st.chdir ?? run.io.cwd,
    stdout: st.stdout,
    stderr: st.stderr,
    stdin: st.stdin,
    openMode: st.openMode,
    partition: st.partition,
    time: st.time,
    nodes,
    ntasks: st.ntasks,
    cpusPerTask: st.cpusPerTask,
    mem: st.mem !== null ? { perNode: st.mem.value } : st.memPerCpu !== null ? { perCpu: st.memPerCpu.value } : null,
    env: built.env,
    hold: st.hold,
    comment: st.comment,
    account: st.account,
    qos: st.qos,
    requeue: st.requeue,
    nice: st.nice,
    signal: st.signal === null ? null : { signal: st.signal.signal, secs: st.signal.secs, batch: st.signal.batch },
    array: st.array,
    dependency: st.dependency,
    killOnInvalidDep: st.killOnInvalidDep,
    escalate: escalation.request,
    begin: st.begin,
    deadline: st.deadline,
    submitHost: run.io.hostname,
    submitSid: run.io.pid,
    testOnly: st.testOnly,
    nodelist: st.nodelist === '' ? null : st.nodelist,
    exclusive: st.exclusive,
  };
  return {
    kind: 'submit', request, parsable: st.parsable, quiet: first.quiet > 0, wait: st.wait,
    pending: [...st.pending.values()], stderr: run.notices.join(''), errorExit: run.errorExit,
  };
}

/**
 * --escalate: a value naming a readable file (or written as a path) is read here, on the
 * submit host, as sbatch reads the script; a bare name is looked up by the controller.
 */
function escalateRequest(st: OptState, io: SbatchIo): { request: EscalateRequest | null } | { error: string } {
  if (st.escalate === null) {
    return st.escalateStart === null ? { request: null } : { error: '--escalate-start needs --escalate=POLICY' };
  }
  const name = st.escalate;
  const path = name.startsWith('/') ? name : `${st.chdir ?? io.cwd}/${name}`;
  const looksLikePath = name.includes('/') || /\.ya?ml$/i.test(name);
  const body = io.readFile(path);
  if (!('error' in body)) return { request: { name, text: body.toString('utf8'), start: st.escalateStart } };
  if (looksLikePath) return { error: `escalation policy ${name}: ${body.error}` };
  return { request: { name, text: null, start: st.escalateStart } };
}

/** Parse sbatch's command line, script and environment into a submit request or an exit. */
export function parseSbatch(argv: string[], io: SbatchIo): SbatchParse {
  const run = new Run(io);
  // Pass 1: the command line on its own (`:` separators of heterogeneous jobs dropped).
  const cli = argv.filter((a) => a !== ':');
  const first = newState();
  const p1 = run.options(first, cli, 'cli', true);
  if ('code' in p1) return run.exit(p1);
  const scriptArgs = cli.slice(p1.optind);
  if (scriptArgs.length > 0 && first.wrap !== null) return run.fail(['Script arguments not permitted with --wrap option']);
  const script = loadScript(run, first, scriptArgs);
  if ('kind' in script) return script;
  // Pass 2: #SBATCH lines < SBATCH_* variables < command line.
  const st = newState();
  if (hetSeparatorInOptions(argv, p1.optind)) st.pending.set('hetjob', { option: 'hetjob', value: null, source: 'cli' });
  if (script.directives) {
    const scan = scanDirectives(script.text, script.label);
    run.notices.push(...scan.notices.map((l) => `${l}\n`));
    if (scan.fatal !== null) return run.exit({ code: 1, stdout: '', stderr: `${scan.fatal}\n` });
    if (scan.hetjob) st.pending.set('hetjob', { option: 'hetjob', value: null, source: 'directive' });
    const d = run.options(st, scan.args, 'directive', false);
    if ('code' in d) return run.exit(d);
    const extra = scan.args[d.optind];
    if (extra !== undefined) return run.exit(stopError(`Invalid directive found in batch script: ${extra}`));
  }
  const envStop = run.environment(st);
  if (envStop) return run.exit(envStop);
  const p2 = run.options(st, cli.slice(0, p1.optind), 'cli', false);
  if ('code' in p2) return run.exit(p2);
  return finish(run, st, first, script, scriptArgs);
}
