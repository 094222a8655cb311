// The batch script: found like Slurm's sbatch finds it (a bare name is looked for in the
// working directory, then along PATH), read through the caller's I/O, and checked with
// Slurm's messages before anything is sent. `--wrap` builds the script instead.

import { posix } from 'node:path';
import { isCSpace } from './c-number.ts';

export type ReadFile = (path: string) => Buffer | { error: string };

export interface FoundScript {
  readonly body: Buffer;
  /** The path Slurm would record: absolute, as found. */
  readonly path: string;
}

/**
 * Slurm's search_path(chdir, name, check_cwd_last=false, R_OK, test_exec=false): names
 * starting with `/` or `.` are used as given; any other name is tried in `chdir` and then in
 * each PATH entry. Falls back to the name as given, relative to the submit directory.
 */
export function findScript(
  name: string, chdir: string, cwd: string, pathVar: string | undefined, readFile: ReadFile,
): FoundScript | { error: string } {
  if (!name.startsWith('/') && !name.startsWith('.')) {
    const dirs = [chdir, ...(pathVar ?? '').split(':').filter((d) => d !== '')];
    for (const [i, dir] of dirs.entries()) {
      const candidate = i > 0 && dir.startsWith('.') ? `${chdir}/${dir}/${name}` : `${dir}/${name}`;
      const abs = posix.resolve(cwd, candidate);
      const body = readFile(abs);
      if (Buffer.isBuffer(body)) return { body, path: candidate.startsWith('/') ? candidate : abs };
    }
  }
  const abs = posix.resolve(cwd, name);
  const body = readFile(abs);
  if (!Buffer.isBuffer(body)) return { error: `Unable to open file ${name}` };
  return { body, path: abs };
}

const NUL = 0;
const CR = 13;
const LF = 10;

/** Only C whitespace up to the first NUL (Slurm tests the buffer as a C string). */
function onlyWhitespace(body: Buffer): boolean {
  for (const byte of body) {
    if (byte === NUL) return true;
    if (!isCSpace(String.fromCharCode(byte))) return false;
  }
  return true;
}

function hasDosLineBreak(body: Buffer): boolean {
  for (let i = 1; i < body.length; i++) {
    if (body[i] === LF && body[i - 1] === CR) return true;
  }
  return false;
}

/** Slurm's sanity checks on a script file or stdin, in its order: the error lines, or null. */
export function scriptProblem(body: Buffer): string[] | null {
  if (body.length === 0) return ['Batch script is empty!'];
  if (onlyWhitespace(body)) return ['Batch script contains only whitespace!'];
  if (body.length < 2 || body[0] !== 0x23 || body[1] !== 0x21) {
    return [
      'This does not look like a batch script.  The first',
      'line must start with #! followed by the path to an interpreter.',
      'For instance: #!/bin/sh',
    ];
  }
  if (body.includes(NUL)) {
    return ['The Slurm controller does not allow scripts that', "contain a NULL character '\\0'."];
  }
  if (hasDosLineBreak(body)) {
    return ['Batch script contains DOS line breaks (\\r\\n)', 'instead of expected UNIX line breaks (\\n).'];
  }
  return null;
}

/** The script sbatch --wrap submits. */
export const wrapScript = (command: string): string =>
  `#!/bin/sh\n# This script was created by sbatch --wrap.\n\n${command}\n`;

/** Slurm's default max_script_size (SchedulerParameters): 4 MiB. */
export const MAX_SCRIPT_BYTES = 4 * 1024 * 1024;

/** The controller's answer to a bigger script (ESLURM_PATHNAME_TOO_LONG), as sbatch prints it. */
export const SCRIPT_TOO_LARGE = 'Batch job submission failed: Pathname of a file, directory or other parameter too long';

export const baseName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
