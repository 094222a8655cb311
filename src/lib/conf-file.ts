// Where a process finds ratchet.conf: `-f PATH`, else $RATCHET_CONF, else
// /etc/ratchet/ratchet.conf. Shared by the daemons and the CLI.

export const DEFAULT_CONF = '/etc/ratchet/ratchet.conf';

export function confPath(argv: readonly string[], env: Record<string, string | undefined>): string {
  const i = argv.indexOf('-f');
  if (i >= 0 && argv[i + 1] !== undefined) return argv[i + 1] as string;
  const eq = argv.find((a) => a.startsWith('--conf='));
  if (eq !== undefined) return eq.slice('--conf='.length);
  return env.RATCHET_CONF ?? DEFAULT_CONF;
}
