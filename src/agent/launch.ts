// Launching a batch script the way slurmstepd does: the script is written to
// <spool>/job<NNNNN>/slurm_script (mode 0700, owned by the job user) and executed directly,
// so the kernel honours its #! and bash's own messages name it ("slurm_script: line 12:
// 19462 Killed ...", golden a_oom).
//
// A two-stage /bin/sh launcher (no Node start-up per job) runs in a new session:
//   stage 1 (root):     writes $$ into every cgroup proc file, so the job is contained
//                       before its first instruction; then drops privileges with
//                       `setpriv --reuid --regid --init-groups` (util-linux) when the job
//                       user is not the agent's user, and execs stage 2;
//   stage 2 (job user): chdir(workDir), opens stdin and stdout/stderr (truncate or append;
//                       one open when both are the same file), closes the status pipe and
//                       execs the script with exactly the requested environment: the shell
//                       exports each NAME=VALUE itself and execs the script when every name
//                       is a shell identifier and this /bin/sh was seen to export nothing of
//                       its own (shellExportsExactly: dash does, bash adds SHLVL); otherwise
//                       it execs `env -i NAME=VALUE... script args` (one exec more, ~0.9 ms of
//                       CPU per job here). The pid never changes, so the agent's child
//                       process *is* the batch shell and its wait status the script's.
// Launch failures are written as one clear line on a status pipe (fd 3) that is closed
// right before the final exec: text there means the script never started, which keeps
// "cannot chdir" apart from a script that exits 1.
//
// Output files are opened with O_APPEND (after an O_TRUNC open in truncate mode) because
// the agent appends its own lines (CANCELLED banners, oom-kill notice) to the same files;
// their exact wording lives at the end of this file.

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { errText, signalNumber } from './proc.ts';
import type { LaunchRequest } from '../api/wire.ts';

export interface LaunchSpec {
  readonly scriptPath: string;
  readonly argv: readonly string[];
  /** The job's complete environment: nothing of the agent's own leaks in. */
  readonly env: Readonly<Record<string, string>>;
  readonly workDir: string;
  readonly stdin: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly openMode: 'truncate' | 'append';
  readonly uid: number;
  readonly gid: number;
  /** Files the launcher writes its pid into before anything else (JobCgroup.procFiles). */
  readonly cgroupProcFiles: readonly string[];
  /** Octal umask for the job (sbatch exports the submitter's as SLURM_UMASK); else inherited. */
  readonly umask?: string | null;
}

/** The batch step's launch from the controller's request: the job's env under the SLURM_* one. */
export function launchSpecOf(launch: LaunchRequest, scriptPath: string, cgroupProcFiles: LaunchSpec['cgroupProcFiles']): LaunchSpec {
  const req = launch.job.req;
  const env = { ...req.env, ...launch.env };
  return {
    scriptPath, argv: req.argv, env, umask: env.SLURM_UMASK ?? null, workDir: req.workDir,
    stdin: launch.stdin, stdout: launch.stdout, stderr: launch.stderr, openMode: req.openMode,
    uid: launch.user.uid, gid: launch.user.gid, cgroupProcFiles,
  };
}

export interface LaunchExit {
  /** Wait status of the batch shell (or of the launcher, when launchError is set). */
  readonly code: number | null;
  readonly signal: number | null;
  /** The script never started; says why. */
  readonly launchError: string | null;
}

export interface Launched {
  /** Pid of the batch shell (also its session and process group id); null if spawn failed. */
  readonly pid: number | null;
  /**
   * Settles when the launcher is done: the status pipe reached EOF, i.e. the final exec
   * (the script now runs) or a launch failure. Signals sent before this would hit the
   * launcher, not the script.
   */
  readonly ready: Promise<void>;
  readonly exit: Promise<LaunchExit>;
}

// Stage 1, as root, with an empty environment (so nothing the user exports, such as
// bash's BASH_FUNC_* or IFS, can steer a root shell): the cgroup proc files up to `--`,
// then the stage 2 text, the setpriv path ('' = stay), uid, gid, and stage 2's arguments.
// When the job runs as the agent's own user there is no privilege to drop, and stage 2 runs
// in the same shell (eval, with the same arguments) instead of a fresh one: one exec less
// per job.
const STAGE1 = `
while [ "$1" != -- ]; do
  { printf '%s\\n' "$$" >"$1"; } 2>/dev/null || { printf 'cgroup: cannot add pid %s to %s\\n' "$$" "$1" >&3; exit 1; }
  shift
done
shift
if [ -n "$2" ]; then exec "$2" --reuid="$3" --regid="$4" --init-groups -- /bin/sh -c "$1" ratchet-job "$@" 2>&3; fi
eval "$1"
`;

// The shell's own way to install the environment: the pairs up to `--`, then exec the rest.
const EXPORT_AND_EXEC = `unset PWD OLDPWD
while [ "$1" != -- ]; do export "$1"; shift; done
shift
exec "$@"
`;

// Stage 2, as the job user, still with an empty environment. After the four stage 1
// arguments: env(1) path ('' = the shell exports), workDir, stdin, stdout, stderr ('' = same
// as stdout), mode (t|a), umask ('' = inherit), then NAME=VALUE pairs (followed by `--` when
// the shell exports them), the script and its arguments. Either way the job's environment is
// exactly the job's: no PWD/OLDPWD from our cd. The export loop uses no shell variable of
// its own, so a job variable of any name cannot disturb it.
// why() turns a failed open into the errno text the kernel would have given; plain sh has
// no strerror.
const STAGE2 = `
fail() { printf '%s\\n' "$1" >&3; exit 1; }
why() {
  if [ -d "$1" ]; then
    if [ "$2" = dir ]; then echo 'Permission denied'; else echo 'Is a directory'; fi
  elif [ -e "$1" ]; then
    if [ "$2" = dir ]; then echo 'Not a directory'; else echo 'Permission denied'; fi
  else
    d=\${1%/*}; [ -n "$d" ] || d=/
    if [ "$2" = out ] && [ -d "$d" ]; then echo 'Permission denied';
    elif [ -e "$d" ] && [ ! -d "$d" ]; then echo 'Not a directory';
    else echo 'No such file or directory'; fi
  fi
}
shift 4
[ -z "$7" ] || umask "$7"
cd -P -- "$2" 2>/dev/null || fail "chdir($2): $(why "$2" dir)"
{ true <"$3"; } 2>/dev/null || fail "open($3): $(why "$3" in)"
if [ "$6" = t ]; then { true >"$4"; } 2>/dev/null; else { true >>"$4"; } 2>/dev/null; fi || fail "open($4): $(why "$4" out)"
if [ -n "$5" ]; then
  if [ "$6" = t ]; then { true >"$5"; } 2>/dev/null; else { true >>"$5"; } 2>/dev/null; fi || fail "open($5): $(why "$5" out)"
fi
exec <"$3" >>"$4"
if [ -n "$5" ]; then exec 2>>"$5"; else exec 2>&1; fi
exec 3>&-
x=$1
shift 7
if [ -n "$x" ]; then exec "$x" -i -- "$@"; fi
${EXPORT_AND_EXEC}`;

/** The first executable of `candidates`; absolute paths only, as the launcher has no PATH. */
export function findExecutable(candidates: readonly string[]): string | null {
  for (const p of candidates) {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // next candidate
    }
  }
  return null;
}

/** util-linux setpriv, needed to run a job as a user other than the agent's. */
export function findSetpriv(): string | null {
  return findExecutable(['/usr/bin/setpriv', '/bin/setpriv', '/usr/sbin/setpriv', '/sbin/setpriv']);
}

/** coreutils env(1), which installs the job's environment at the final exec. */
export function findEnv(): string | null {
  return findExecutable(['/usr/bin/env', '/bin/env']);
}

const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
let shellExportsChecked: boolean | null = null;

/**
 * True when /bin/sh, started with an empty environment, passes on exactly what stage 2
 * exports and nothing of its own after a `cd` (checked once by running the same code; dash
 * passes, bash adds SHLVL). Otherwise every job goes through env(1).
 */
export function shellExportsExactly(envPath: string | null = findEnv()): boolean {
  if (shellExportsChecked !== null) return shellExportsChecked;
  if (envPath === null) return (shellExportsChecked = false);
  const r = spawnSync('/bin/sh', ['-c', `cd -P -- / || exit 1\n${EXPORT_AND_EXEC}`, 'probe', 'A=1 2', 'B=x', '--', envPath],
    { cwd: '/tmp', env: {}, encoding: 'utf8', timeout: 5000 });
  shellExportsChecked = r.status === 0 && r.stdout.split('\n').filter(Boolean).sort().join('\n') === 'A=1 2\nB=x';
  return shellExportsChecked;
}

/** `<spool>/job00042`: slurmd's spool layout (ids are zero-padded to five digits). */
export function jobSpoolDir(spoolDir: string, jobId: number): string {
  return path.join(spoolDir, `job${String(jobId).padStart(5, '0')}`);
}

/**
 * Writes the batch script into a fresh spool directory owned by the job user and returns
 * its path. Throws on I/O errors (the runner turns them into a launch error).
 */
export async function writeBatchScript(spoolDir: string, jobId: number, script: string, uid: number, gid: number): Promise<string> {
  // On the thread pool: directory operations can wait on the file system's journal (which
  // the controller's fsyncs keep busy), and the agent serves every job from one thread. The
  // usual case is two calls: the job's directory, then the script.
  const fsp = fs.promises;
  const dir = jobSpoolDir(spoolDir, jobId);
  try {
    await fsp.mkdir(dir, { mode: 0o700 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      // the node's spool directory itself is not there yet
      await fsp.mkdir(spoolDir, { recursive: true, mode: 0o755 });
    } else if (code === 'EEXIST') {
      // a leftover of an earlier run of this job (requeue, agent crash): start afresh
      await fsp.rm(dir, { recursive: true, force: true });
    } else {
      throw e;
    }
    await fsp.mkdir(dir, { mode: 0o700 });
  }
  const file = path.join(dir, 'slurm_script');
  await fsp.writeFile(file, script, { mode: 0o700 });
  // The file is new, so its mode is 0700 less the agent's umask: only a umask that takes
  // owner bits needs the extra call.
  if ((agentUmask() & 0o700) !== 0) await fsp.chmod(file, 0o700);
  const me = process.getuid?.() ?? 0;
  if (me === 0 && (uid !== 0 || gid !== 0)) {
    await fsp.chown(dir, uid, gid);
    await fsp.chown(file, uid, gid);
  }
  return file;
}

let umaskCache: number | null = null;

/** This process's umask, from /proc (reading it through process.umask() is deprecated). */
function agentUmask(): number {
  if (umaskCache === null) {
    let status = '';
    try {
      status = fs.readFileSync('/proc/self/status', 'utf8');
    } catch {
      // unknown: the chmod is then always made
    }
    const m = /^Umask:\s*([0-7]+)$/m.exec(status);
    umaskCache = m?.[1] === undefined ? 0o777 : parseInt(m[1], 8);
  }
  return umaskCache;
}

/** Removes a job's spool directory, off the event loop; never rejects. */
export async function removeSpoolDir(spoolDir: string, jobId: number): Promise<void> {
  const dir = jobSpoolDir(spoolDir, jobId);
  try {
    // The usual content is the one script: two calls, where a recursive removal walks the
    // directory first.
    await fs.promises.unlink(path.join(dir, 'slurm_script'));
    await fs.promises.rmdir(dir);
  } catch {
    // best effort: a leftover spool directory is harmless and replaced on the next run
    await fs.promises.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

function failed(message: string): Launched {
  return { pid: null, ready: Promise.resolve(), exit: Promise.resolve({ code: null, signal: null, launchError: message }) };
}

/**
 * Starts the batch script; never throws (failures come back as launchError). `shellExport`
 * false makes it use env(1) even where the shell could export the variables itself.
 */
export function launchBatch(spec: LaunchSpec, setprivPath: string | null = findSetpriv(), envPath: string | null = findEnv(),
  shellExport = shellExportsExactly(envPath)): Launched {
  const me = process.getuid?.() ?? 0;
  let priv = '';
  if (spec.uid !== me || (me === 0 && spec.gid !== (process.getgid?.() ?? 0))) {
    if (me !== 0) return failed(`cannot run as uid ${spec.uid}: the agent runs as uid ${me}, not root`);
    if (setprivPath === null) return failed(`cannot run as uid ${spec.uid}: setpriv (util-linux) not found`);
    priv = setprivPath;
  }
  if (envPath === null) return failed('env(1) not found in /usr/bin or /bin');
  const sameFile = spec.stderr === spec.stdout;
  // A name containing '=' cannot exist in an environment; such keys are dropped.
  const names = Object.keys(spec.env).filter((k) => k !== '' && !k.includes('='));
  const pairs = names.map((k) => `${k}=${spec.env[k] ?? ''}`);
  const inShell = shellExport && names.every((k) => SHELL_NAME.test(k));
  if (!inShell && spec.scriptPath.includes('=')) return failed(`script path ${spec.scriptPath} contains '=' (env(1) would take it for a variable)`);
  const args = [
    '-c', STAGE1, 'ratchet-launch',
    ...spec.cgroupProcFiles, '--',
    STAGE2, priv, String(spec.uid), String(spec.gid),
    inShell ? '' : envPath, spec.workDir, spec.stdin, spec.stdout, sameFile ? '' : spec.stderr, spec.openMode === 'append' ? 'a' : 't',
    spec.umask !== undefined && spec.umask !== null && /^[0-7]{1,4}$/.test(spec.umask) ? spec.umask : '',
    ...pairs, ...(inShell ? ['--'] : []), spec.scriptPath, ...spec.argv,
  ];
  let child;
  try {
    child = spawn('/bin/sh', args, {
      cwd: '/',
      env: {},
      detached: true,
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    });
  } catch (err) {
    return failed(`spawn(/bin/sh): ${errText(err)}`);
  }
  const status = child.stdio[3] as Readable | null;
  let text = '';
  status?.setEncoding('utf8');
  status?.on('data', (chunk: string) => {
    if (text.length < 4096) text += chunk;
  });
  const ready = new Promise<void>((resolve) => {
    if (status === null) resolve();
    status?.on('end', resolve);
    status?.on('close', resolve);
    // a reset means the launcher is gone too
    status?.on('error', () => resolve());
  });
  const exit = new Promise<LaunchExit>((resolve) => {
    let spawnError: string | null = null;
    child.on('error', (err) => {
      spawnError = `spawn(/bin/sh): ${errText(err)}`;
      // 'close' does not follow a failed spawn.
      if (child.pid === undefined) {
        status?.destroy();
        resolve({ code: null, signal: null, launchError: spawnError });
      }
    });
    child.on('close', (code, signal) => {
      const msg = text.trim();
      resolve({ code, signal: signalNumber(signal), launchError: spawnError ?? (msg === '' ? null : msg) });
    });
  });
  return { pid: child.pid ?? null, ready, exit };
}

// ---- the job's output files -----------------------------------------------------------

export type TerminateCause = 'cancel' | 'timeout' | 'node_fail' | 'requeue';

/** slurmstepd's banner suffix per termination cause (src/slurmd/slurmstepd/req.c wording). */
const BANNER_SUFFIX: Readonly<Record<TerminateCause, string>> = {
  cancel: '',
  timeout: ' DUE TO TIME LIMIT',
  node_fail: ' DUE TO NODE FAILURE, SEE SLURMCTLD LOG FOR DETAILS',
  requeue: ' DUE TO JOB REQUEUE',
};

/** `%FT%T` in local time, as slurmstepd prints it. */
export function slurmLocalTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function cancelBanner(node: string, jobId: number, cause: TerminateCause, at: number): string {
  return `slurmstepd-${node}: error: *** JOB ${jobId} ON ${node} CANCELLED AT ${slurmLocalTime(at)}${BANNER_SUFFIX[cause]} ***\n`;
}

export function oomNotice(node: string, jobId: number, kills: number): string {
  return `slurmstepd-${node}: error: Detected ${kills} oom-kill event(s) in StepId=${jobId}.batch. Some of your processes may have been killed by the cgroup out-of-memory handler.\n`;
}

/**
 * Appends an agent line (banner, oom notice) to a job's output file. The agent is root and
 * the path is the user's, so never follow a final symlink, never create the file, and
 * write only to a regular file the job user owns. Returns an error text instead of throwing.
 */
export function appendToJobFile(file: string, uid: number, text: string): string | null {
  let fd: number | null = null;
  try {
    fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return null;
    if (st.uid !== uid && uid !== 0) return `not appending to ${file}: owned by uid ${st.uid}, not the job's ${uid}`;
    fs.writeSync(fd, text);
    return null;
  } catch (err) {
    return `cannot append to ${file}: ${errText(err)}`;
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}
