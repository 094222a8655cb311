// scancel: cancel jobs, or with -s/--signal deliver a signal without cancelling.
// Like Slurm, an unknown or already finished job is not an error unless -v is given.

import type { IndexSet } from '../core/array-spec.ts';
import { parseJobSpec } from './format/array-view.ts';
import type { CancelResult } from '../api/wire.ts';
import { SlurmError } from '../api/wire.ts';
import { parseSignal } from '../core/exit-code.ts';
import { CliError, request, runCli } from './client.ts';
import { has, last, list, parseOpts } from './opts.ts';
import type { Opt } from './opts.ts';
import { userName } from '../lib/users.ts';

const OPTS: readonly Opt[] = [
  { key: 'signal', long: ['signal'], short: 's', arg: 'required' },
  { key: 'batch', long: ['batch'], short: 'b' },
  { key: 'full', long: ['full'], short: 'f' },
  { key: 'user', long: ['user'], short: 'u', arg: 'required' },
  { key: 'me', long: ['me'] },
  { key: 'name', long: ['name', 'jobname'], short: 'n', arg: 'required' },
  { key: 'state', long: ['state'], short: 't', arg: 'required' },
  { key: 'partition', long: ['partition'], short: 'p', arg: 'required' },
  { key: 'account', long: ['account'], short: 'A', arg: 'required' },
  { key: 'quiet', long: ['quiet'], short: 'Q' },
  { key: 'verbose', long: ['verbose'], short: 'v' },
  { key: 'interactive', long: ['interactive'], short: 'i' },
  { key: 'hurry', long: ['hurry'], short: 'H' },
  { key: 'version', long: ['version'], short: 'V' },
  { key: 'help', long: ['help'] },
  { key: 'usage', long: ['usage'] },
];

const SILENT: ReadonlySet<string> = new Set([SlurmError.InvalidJobId, SlurmError.AlreadyDone]);

export async function main(argv: string[]): Promise<void> {
  await runCli(async () => {
    const p = parseOpts('scancel', argv, OPTS);
    if (has(p, 'version')) {
      process.stdout.write('slurm 22.05.8 (ratchet 0.1.0)\n');
      return 0;
    }
    if (has(p, 'help') || has(p, 'usage')) {
      process.stdout.write('Usage: scancel [-A account] [--batch] [--full] [--interactive] [-n job_name]\n' +
        '               [-p partition] [-Q] [-q qos] [--reservation=reservation]\n' +
        '               [-s signal | integer] [-t PENDING | RUNNING | SUSPENDED]\n' +
        '               [--usage] [-u user_name] [-V] [-v] [-w hosts...] [--wckey=wckey]\n' +
        '               [job_id[_array_id][.step_id]]\n');
      return 0;
    }
    const sigText = last(p, 'signal');
    let signal: number | null = null;
    if (sigText !== null) {
      signal = parseSignal(sigText);
      if (signal === null) throw new CliError([`Unknown job signal: ${sigText}`], 1);
    }
    const ids: number[] = [];
    const tasks: { id: number; tasks: IndexSet }[] = [];
    // Commas separate ids except inside an array task list (`12_[1,3]`).
    for (const op of p.operands.flatMap((o) => o.split(/[\s]+|,(?![^[]*\])/)).filter(Boolean)) {
      const spec = parseJobSpec(op.replace(/\.(\d+|batch)$/, ''));
      if (spec === null) throw new CliError([`scancel: error: Invalid job id ${op}`], 1);
      if (spec.tasks === null) ids.push(spec.id);
      else tasks.push({ id: spec.id, tasks: spec.tasks });
    }
    const users = list(p, 'user') ?? (has(p, 'me') ? [userName(process.getuid?.() ?? 0)] : null);
    const filters = users !== null || has(p, 'name') || has(p, 'state') || has(p, 'partition') || has(p, 'account');
    if (ids.length === 0 && tasks.length === 0 && !filters) {
      throw new CliError(['scancel: error: No job identification provided'], 1);
    }
    const verbose = has(p, 'verbose');
    if (verbose) {
      for (const id of ids) process.stderr.write(`scancel: ${signal === null ? 'Terminating' : `Signal ${signal} to`} job ${id}\n`);
    }
    const r = await request<{ results: CancelResult[] }>('scancel', '/v1/cancel', {
      ids, tasks, signal, batch: has(p, 'batch'), full: has(p, 'full'),
      user: users?.[0] ?? null, name: last(p, 'name'), states: list(p, 'state'), partition: last(p, 'partition'),
    });
    let code = 0;
    // A cancel is quiet about jobs already gone; a signal (Slurm 22.05, the peer) reports
    // every failure, and a pending job's refusal exits with ESLURM_TRANSITION_STATE_NO_UPDATE & 0xff.
    const silent = signal === null ? SILENT : new Set<string>();
    for (const res of r.results) {
      if (res.error === null) continue;
      if (silent.has(res.error) && !verbose) continue;
      if (has(p, 'quiet') && res.error === SlurmError.AlreadyDone) continue;
      process.stderr.write(`scancel: error: Kill job error on job id ${res.text ?? res.id}: ${res.error}\n`);
      if (!silent.has(res.error)) code = res.error === SlurmError.TransitionNoUpdate ? 228 : 1;
    }
    return code;
  });
}
