// The multi-call entry point (bin/ratchet): dispatch on the name we were called by, or on
// `ratchet <command>`. Each command is imported lazily so a CLI call loads only its own code.

type Main = (argv: string[]) => void | Promise<void>;

const COMMANDS: Record<string, () => Promise<{ main: Main }>> = {
  sbatch: () => import('./cli/sbatch.ts'),
  squeue: () => import('./cli/squeue.ts'),
  scancel: () => import('./cli/scancel.ts'),
  scontrol: () => import('./cli/scontrol.ts'),
  sacct: () => import('./cli/sacct.ts'),
  sinfo: () => import('./cli/sinfo.ts'),
  srun: () => import('./cli/srun.ts'),
  sstat: () => import('./cli/sstat.ts'),
  cluster: () => import('./cli/cluster.ts'),
  escalation: () => import('./cli/escalation.ts'),
  ratchetctld: () => import('./controller/main.ts'),
  ratchetd: () => import('./agent/main.ts'),
};

/** Slurm commands Ratchet will provide but does not yet: refuse clearly, exit 1. */
const NOT_YET: ReadonlySet<string> = new Set(['salloc']);

const USAGE = `usage: ratchet <command> [args]
commands: ${Object.keys(COMMANDS).join(' ')}
`;

async function run(): Promise<void> {
  // bin/ratchet sets NODE_COMPILE_CACHE for start-up speed; it must not leak into job environments.
  if (process.env.NODE_COMPILE_CACHE?.endsWith('/ratchet-compile-cache')) delete process.env.NODE_COMPILE_CACHE;
  const [called = 'ratchet', ...rest] = process.argv.slice(2);
  let name = called;
  let argv = rest;
  if (name === 'ratchet') {
    name = rest[0] ?? '';
    argv = rest.slice(1);
  }
  if (NOT_YET.has(name)) {
    process.stderr.write(`${name}: error: ${name} is not available in this Ratchet version yet\n`);
    process.exitCode = 1;
    return;
  }
  const load = COMMANDS[name];
  if (load === undefined) {
    process.stderr.write(name === '' || name === '--help' ? USAGE : `ratchet: unknown command '${name}'\n${USAGE}`);
    process.exitCode = name === '--help' ? 0 : 2;
    return;
  }
  // A reader that went away (`scontrol show job | head`): stop quietly with the status of a
  // process killed by SIGPIPE (128 + 13), as Slurm's C commands end.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(141);
  });
  const mod = await load();
  await mod.main(argv);
}

await run();
