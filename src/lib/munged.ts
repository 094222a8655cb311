// A private munged for `ratchet cluster up` and tests: its own key, socket, pid, log and
// seed files under one directory, so a cluster (or a test) never touches the system's
// /etc/munge key or /run/munge socket.
//
// munged daemonizes and its first process exits only once the socket is listening and the
// pid file is written, so "exited 0" already means "ready"; one encode probe confirms it.
// --force: munged refuses directories that are group-writable without the sticky bit and
// key files it finds unusual; a private dir made by whoever runs `cluster up` is exactly
// that, and the key is still ours (0400). --force also lets a new munged take the socket
// from a live one, so we look for a live one first and reuse it instead.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeCredential } from './munge.ts';

export interface Munged {
  socket: string;
  pid: number;
  /** Path of the key file. */
  key: string;
}

export interface MungedOptions {
  /** munged worker threads (munged's default is 2; a busy controller decodes in parallel). */
  threads?: number;
  /** How long to wait for the socket to answer. */
  readyTimeoutMs?: number;
}

const SBIN = ['/usr/sbin', '/sbin', '/usr/local/sbin'];

/** munged and mungekey live in sbin, which a non-root PATH often lacks. */
function findTool(name: string): string | null {
  const dirs = [...(process.env['PATH'] ?? '').split(':').filter((d) => d !== ''), ...SBIN];
  for (const d of dirs) {
    try {
      accessSync(join(d, name), constants.X_OK);
      return join(d, name);
    } catch {
      // not here
    }
  }
  return null;
}

function run(cmd: string, args: readonly string[]): Promise<{ status: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
    const err: Buffer[] = [];
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e) => resolve({ status: 127, stderr: e.message }));
    child.on('close', (code) => resolve({ status: code ?? 1, stderr: Buffer.concat(err).toString('utf8').trim() }));
  });
}

function readPid(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 1 ? pid : null;
  } catch {
    return null;
  }
}

/** True if pid is a running (not zombie) munged: the pid may have been reused since. */
export function isMunged(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 1) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ...": comm may hold spaces or parens, so read around the last ')'.
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    return stat.slice(open + 1, close) === 'munged' && stat.slice(close + 2, close + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function answers(socket: string): Promise<boolean> {
  try {
    await encodeCredential({ socket, via: 'native' });
    return true;
  } catch {
    return false;
  }
}

function tail(file: string, lines = 5): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function ensureKey(key: string): Promise<void> {
  if (existsSync(key)) return;
  const mungekey = findTool('mungekey');
  const r = mungekey === null ? null : await run(mungekey, ['--create', `--keyfile=${key}`]);
  if (r === null || r.status !== 0) {
    // munge < 0.5.14 has no mungekey; its documented way is random bytes from the kernel.
    writeFileSync(key, randomBytes(128), { mode: 0o400, flag: 'wx' });
  }
  chmodSync(key, 0o400);
}

/** Starts (or finds already running) the private munged of `dir`. Throws with munged's own complaint. */
export async function startMunged(dir: string, opts: MungedOptions = {}): Promise<Munged> {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const socket = join(dir, 'munge.socket');
  const key = join(dir, 'munge.key');
  const pidFile = join(dir, 'munged.pid');
  const logFile = join(dir, 'munged.log');

  const running = readPid(pidFile);
  if (running !== null && isMunged(running) && await answers(socket)) return { socket, pid: running, key };
  if (await answers(socket)) {
    throw new Error(`a munged not started from ${dir} already serves ${socket}`);
  }

  const munged = findTool('munged');
  if (munged === null) throw new Error('munged not found: install the munge package (apt-get install -y munge)');
  await ensureKey(key);
  const threads = opts.threads ?? 4;
  const r = await run(munged, [
    '--force',
    `--socket=${socket}`,
    `--key-file=${key}`,
    `--pid-file=${pidFile}`,
    `--log-file=${logFile}`,
    `--seed-file=${join(dir, 'munged.seed')}`,
    `--num-threads=${threads}`,
  ]);
  if (r.status !== 0) {
    throw new Error(`munged failed to start (status ${r.status}): ${r.stderr || tail(logFile)}`);
  }
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 5000);
  for (;;) {
    const pid = readPid(pidFile);
    if (pid !== null && isMunged(pid) && await answers(socket)) return { socket, pid, key };
    if (Date.now() > deadline) {
      throw new Error(`munged started but ${socket} does not answer: ${tail(logFile)}`);
    }
    await sleep(20);
  }
}

/**
 * Stops a munged by pid: SIGTERM, then SIGKILL if it lingers. Refuses (false) when pid is
 * not a live munged, so a stale pid file can never kill an unrelated process.
 */
export async function stopMunged(pid: number, timeoutMs = 5000): Promise<boolean> {
  if (!isMunged(pid)) return false;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return !isMunged(pid);
  }
  const deadline = Date.now() + timeoutMs;
  while (isMunged(pid)) {
    if (Date.now() > deadline) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone between the check and the kill
      }
      await sleep(50);
      return !isMunged(pid);
    }
    await sleep(20);
  }
  return true;
}
