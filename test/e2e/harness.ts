// e2e harness: a real cluster (controller + agents as processes, real cgroups, real
// SQLite) in a temp dir, and the real CLI run as processes against it. Waiting is done
// by polling the cluster's own client commands with a deadline, never by fixed sleeps.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterUp, clusterDown, ROOT } from '../../src/cli/cluster.ts';
import type { ClusterHandle, ClusterOptions } from '../../src/cli/cluster.ts';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class TestCluster {
  readonly h: ClusterHandle;
  readonly work: string;

  private constructor(h: ClusterHandle, work: string) {
    this.h = h;
    this.work = work;
  }

  static async start(o: Partial<ClusterOptions> = {}): Promise<TestCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'ratchet-e2e-'));
    chmodSync(dir, 0o755);
    const h = await clusterUp({
      dir, nodes: o.nodes ?? 2, cpus: o.cpus ?? 2, mem: o.mem ?? 3000, set: o.set ?? [], timeResolution: o.timeResolution ?? 'seconds',
    });
    const work = join(dir, 'work');
    await run('mkdir', ['-p', work], {});
    chmodSync(work, 0o1777);
    return new TestCluster(h, work);
  }

  get env(): Record<string, string> {
    return { ...process.env as Record<string, string>, ...this.h.env };
  }

  /** Run a shell command line in the work dir with the cluster's environment. */
  sh(cmd: string, opts: { input?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
    return run('bash', ['-c', cmd], { cwd: this.work, env: { ...this.env, ...opts.env }, ...(opts.input !== undefined ? { input: opts.input } : {}) });
  }

  /** A file in the work directory, '' while it does not exist. */
  read(file: string): string {
    try {
      return readFileSync(join(this.work, file), 'utf8');
    } catch {
      return '';
    }
  }

  /** `scontrol show job ID`'s text. */
  async show(id: number): Promise<string> {
    return (await this.sh(`scontrol show job ${id}`)).stdout;
  }

  /** Run a command line as another local user (uid, gid and groups). */
  as(user: string, cmd: string): Promise<RunResult> {
    return this.sh(`setpriv --reuid=${user} --regid=${user} --init-groups bash -c ${JSON.stringify(cmd)}`);
  }

  async submitAs(user: string, args: string): Promise<number> {
    const r = await this.as(user, `sbatch --parsable ${args}`);
    if (r.code !== 0) throw new Error(`sbatch as ${user} ${args} failed (${r.code}): ${r.stderr}`);
    return Number(r.stdout.trim());
  }

  async submit(args: string): Promise<number> {
    const r = await this.sh(`sbatch --parsable ${args}`);
    if (r.code !== 0) throw new Error(`sbatch ${args} failed (${r.code}): ${r.stderr}`);
    return Number(r.stdout.trim());
  }

  /** scontrol's JobState= (empty string when the job is unknown). */
  async state(id: number): Promise<string> {
    const r = await this.sh(`scontrol show job ${id}`);
    return /JobState=(\S+)/.exec(r.stdout)?.[1] ?? '';
  }

  async waitState(id: number, states: string[], timeoutMs = 60_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    let s = '';
    while (Date.now() < until) {
      s = await this.state(id);
      if (states.includes(s)) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`job ${id}: waited ${timeoutMs} ms for ${states.join('|')}, state is ${s}`);
  }

  async waitDone(id: number, timeoutMs = 60_000): Promise<string> {
    return this.waitState(id, ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'DEADLINE'], timeoutMs);
  }

  async stop(): Promise<void> {
    await clusterDown(this.h.dir);
    if (!process.env.RATCHET_KEEP) rmSync(this.h.dir, { recursive: true, force: true });
  }
}

export function run(cmd: string, args: string[], o: { cwd?: string; env?: Record<string, string>; input?: string }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: o.cwd ?? ROOT, env: o.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code, sig) => resolve({ code: code ?? (sig ? 128 : 1), stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(o.input ?? '');
  });
}

export const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll `cond` every `everyMs` until it holds; throws after `ms`. */
export async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 20_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(everyMs);
  }
}

export function field(text: string, key: string): string {
  return new RegExp(`(?:^|\\s)${key.replace(/[/]/g, '\\/')}=(\\S*)`).exec(text)?.[1] ?? '';
}

/** A command that touches 200 MiB: OUT_OF_MEMORY under a smaller --mem. */
export const EAT_200M = `python3 -c '
a = bytearray(200 * 1024 * 1024)
for i in range(0, len(a), 4096):
    a[i] = 1
'`;

/** The two local users the multi-user tests share. */
export const TEST_USERS = ['rtest-alice', 'rtest-bob'] as const;

/** uid from /etc/passwd, read fresh (the users may have just been created). */
export function localUid(name: string): number | undefined {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  return line === undefined ? undefined : Number(line.split(':')[2]);
}

/** Create the test users where they do not exist yet. */
export async function ensureTestUsers(): Promise<void> {
  for (const u of TEST_USERS) {
    if (localUid(u) !== undefined) continue;
    const r = await run('useradd', ['--create-home', '--user-group', '--shell', '/bin/bash', u], {});
    if (r.code !== 0) throw new Error(`useradd ${u}: ${r.stderr}`);
  }
}
