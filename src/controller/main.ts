// ratchetctld: the controller process. `ratchetctld [-f ratchet.conf]`.
// Loads the config (bad values stop the start with file:line), opens the store, rebuilds
// the live state, serves the HTTP API and runs the scheduler. SIGTERM/SIGINT: commit and exit.

import http from 'node:http';
import { loadConfigFile } from '../api/config-file.ts';
import { confPath } from '../lib/conf-file.ts';
import { Controller } from './controller.ts';
import { controllerRoutes } from './routes.ts';

function fatal(msg: string): never {
  process.stderr.write(`ratchetctld: fatal: ${msg}\n`);
  process.exit(1);
}

export function main(argv: string[]): void {
  const file = confPath(argv, process.env);
  const parsed = loadConfigFile(file);
  if (!parsed.ok) fatal(parsed.error);
  for (const w of parsed.warnings) process.stderr.write(`ratchetctld: warning: ${file}:${w.line}: ${w.message}\n`);
  const cfg = parsed.config;
  const ctl = new Controller(cfg);
  const server = http.createServer({ keepAliveTimeout: 30_000 }, controllerRoutes(ctl).listener());
  server.on('error', (e) => fatal(`cannot listen on port ${cfg.controlPort}: ${e.message}`));
  server.listen(cfg.controlPort, () => {
    process.stderr.write(`ratchetctld: listening on port ${cfg.controlPort}, cluster ${cfg.clusterName}\n`);
    ctl.start();
  });
  const stop = (): void => {
    server.close();
    ctl.stop();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

