// sinfo: node and partition state (formats in src/cli/format/sinfo-*.ts).

import type { NodeInfo, PartitionInfo } from '../api/wire.ts';
import { renderSinfo } from './format/sinfo-report.ts';
import { nodeViewFromConfig, partitionViewFromConfig } from './format/sinfo-view.ts';
import { config, request, runCli } from './client.ts';
import { has, last, parseOpts } from './opts.ts';
import type { Opt } from './opts.ts';

const OPTS: readonly Opt[] = [
  { key: 'format', long: ['format'], short: 'o', arg: 'required' },
  { key: 'Format', long: ['Format'], short: 'O', arg: 'required' },
  { key: 'node', long: ['Node'], short: 'N' },
  { key: 'long', long: ['long'], short: 'l' },
  { key: 'summarize', long: ['summarize'], short: 's' },
  { key: 'reasons', long: ['list-reasons'], short: 'R' },
  { key: 'noheader', long: ['noheader'], short: 'h' },
  { key: 'exact', long: ['exact'], short: 'e' },
  { key: 'dead', long: ['dead'], short: 'd' },
  { key: 'responding', long: ['responding'], short: 'r' },
  { key: 'partition', long: ['partition'], short: 'p', arg: 'required' },
  { key: 'nodes', long: ['nodes'], short: 'n', arg: 'required' },
  { key: 'states', long: ['states'], short: 't', arg: 'required' },
  { key: 'sort', long: ['sort'], short: 'S', arg: 'required' },
  { key: 'all', long: ['all'], short: 'a' },
  { key: 'verbose', long: ['verbose'], short: 'v' },
  { key: 'version', long: ['version'], short: 'V' },
  { key: 'help', long: ['help'] },
  { key: 'usage', long: ['usage'] },
];

export async function main(argv: string[]): Promise<void> {
  await runCli(async () => {
    const p = parseOpts('sinfo', argv, OPTS);
    if (has(p, 'version')) {
      process.stdout.write('slurm 22.05.8 (ratchet 0.1.0)\n');
      return 0;
    }
    if (has(p, 'help') || has(p, 'usage')) {
      process.stdout.write('Usage: sinfo [-adelNRrsv] [-i seconds] [-t states] [-p partition] [-n nodes]\n' +
        '             [-S fields] [-o format] [-O Format] [--usage] [--help]\n');
      return 0;
    }
    const cfg = config('sinfo');
    const [n, pr] = await Promise.all([
      request<{ now: number; nodes: NodeInfo[] }>('sinfo', '/v1/nodes'),
      request<{ partitions: PartitionInfo[] }>('sinfo', '/v1/partitions'),
    ]);
    const nodes = n.nodes.map((x) => nodeViewFromConfig(x, cfg.nodes.find((c) => c.name === x.name)));
    const parts = pr.partitions.map((x) => partitionViewFromConfig(x, cfg.partitions.find((c) => c.name === x.name)));
    const o = last(p, 'format');
    const O = last(p, 'Format');
    const r = renderSinfo(nodes, parts, {
      userFormat: O !== null ? { text: O, long: true } : o !== null ? { text: o, long: false } : null,
      long: has(p, 'long'), nodeOriented: has(p, 'node'), summarize: has(p, 'summarize'), listReasons: has(p, 'reasons'),
      env: process.env, now: n.now, noHeader: has(p, 'noheader'), exact: has(p, 'exact'),
      partitions: last(p, 'partition') ?? process.env.SINFO_PARTITION ?? null, nodes: last(p, 'nodes'),
      states: last(p, 'states'), dead: has(p, 'dead'), responding: has(p, 'responding'),
      sort: last(p, 'sort') ?? process.env.SINFO_SORT ?? null,
    });
    process.stdout.write(r.stdout);
    if (r.stderr.length > 0) process.stderr.write(`${r.stderr.join('\n')}\n`);
    return r.exitCode;
  });
}
