// sbatch's --output/--error/--input filename patterns (Slurm's expand_stdio_fields):
// %% %A %a %b %j %J %N %n %r %s %t %u %x, zero-padding with a width (%4j -> 0128),
// any backslash disables substitution, unknown %c stays literal, relative paths are
// relative to the job's working directory.

export interface PatternContext {
  jobId: number;
  arrayJobId: number | null;
  arrayTaskId: number | null;
  jobName: string;
  user: string;
  /** First node of the allocation; null before the job has nodes. */
  node: string | null;
  restarts: number;
  workDir: string;
}

const NO_VAL = 4294967294;

function pad(n: number, width: number): string {
  const s = String(n);
  return width > 0 ? s.padStart(Math.min(width, 10), '0') : s;
}

export function expandPattern(pattern: string, ctx: PatternContext): string {
  let out: string;
  if (pattern.includes('\\')) {
    out = pattern.replace(/\\/g, '');
  } else {
    out = pattern.replace(/%(\d*)([%AabjJNnrstux])?/g, (whole, w: string, c: string | undefined) => {
      const width = w === '' ? 0 : Number(w);
      switch (c) {
        case '%': return '%';
        case 'A': return pad(ctx.arrayJobId ?? ctx.jobId, width);
        case 'a': return pad(ctx.arrayTaskId ?? NO_VAL, width);
        case 'b': return pad((ctx.arrayTaskId ?? 0) % 10, width);
        case 'j': return pad(ctx.jobId, width);
        case 'J': return pad(ctx.jobId, width);
        case 'N': return ctx.node ?? '';
        case 'n': return pad(0, width);
        case 'r': return pad(ctx.restarts, width);
        case 's': return 'batch';
        case 't': return pad(0, width);
        case 'u': return ctx.user;
        case 'x': return ctx.jobName;
        default: return whole;
      }
    });
  }
  if (out.startsWith('/')) return out;
  return `${ctx.workDir.replace(/\/+$/, '')}/${out}`;
}
