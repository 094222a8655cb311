// Normalise a peer-scenario transcript (../shared/peer/golden format) so that Slurm's and
// Ratchet's can be compared: job ids become ordinals (J1, J2... in order of submission),
// and times, durations, paths, pids, priorities and measured memory become placeholders.
// Column padding is folded (ids of different lengths shift squeue/sacct columns).

export interface Transcript {
  /** Normalised lines, `#` commentary and the generator line dropped. */
  lines: string[];
}

const SUBMIT = /^Submitted batch job (\d+)$/;

/** Collect job ids in order of first appearance as a submission answer. */
function jobIds(text: string): string[] {
  const ids: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const m = SUBMIT.exec(line);
    if (m?.[1] !== undefined) ids.push(m[1]);
    // --parsable: the line after a `$ sbatch --parsable` command is the bare id.
    if (/^\$ .*sbatch .*--parsable/.test(line) || /^\$ .*\| sbatch --parsable/.test(line)) {
      const next = lines[i + 1] ?? '';
      if (/^\d+$/.test(next)) ids.push(next);
    }
    const env = /^SLURM_JOB_ID=(\d+)$/.exec(line);
    if (env?.[1] !== undefined) ids.push(env[1]);
    const step = /StepId=(\d+)\.\d+/.exec(line);
    if (step?.[1] !== undefined && !ids.includes(step[1])) ids.push(step[1]);
  }
  return [...new Set(ids)];
}

/**
 * The raw ids of array task records (each started task gets one), named by array and task
 * (`J1_3`) from where the transcript pairs them: sacct's `JobID|JobIDRaw` and scontrol's
 * `JobId= ArrayJobId= ArrayTaskId=`.
 */
function taskIds(text: string, J: (d: string) => string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const acct = /^(\d+)_(\d+)(?:\.\S*)?\|(\d+)[|.]/.exec(line);
    if (acct?.[3] !== undefined && acct[3] !== acct[1]) out.set(acct[3], `${J(acct[1] ?? '')}_${acct[2] ?? ''}`);
    const show = /JobId=(\d+) ArrayJobId=(\d+) ArrayTaskId=(\d+)/.exec(line);
    if (show?.[1] !== undefined && show[1] !== show[2]) out.set(show[1], `${J(show[2] ?? '')}_${show[3] ?? ''}`);
  }
  return out;
}

export function normalise(text: string, workDir: RegExp): Transcript {
  const ids = jobIds(text);
  const idMap = new Map(ids.map((id, i) => [id, `J${i + 1}`]));
  const tasks = taskIds(text, (d) => idMap.get(d) ?? d);
  const J = (d: string): string => idMap.get(d) ?? tasks.get(d) ?? d;
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    if (raw.startsWith('#')) continue;
    let l = raw;
    l = l.replace(workDir, '<WORK>');
    l = l.replace(/\/\S*\/job0*\d+\/slurm_script/g, '<SPOOL>/slurm_script');
    // Job ids, only where a job id stands: never a bare number elsewhere ("exit 1").
    l = l.replace(/(JobId=|[Jj]ob |job id |JOB |STEP |StepId=|SLURM_JOB_ID=|SLURM_ARRAY_JOB_ID=|slurm-|out_|ArrayJobId=)(\d+)/g, (_m, p: string, d: string) => p + J(d));
    l = l.replace(/^(\s*)(\d+)(?=$|[ _|.])/, (_m, p: string, d: string) => p + J(d));
    // Dependency targets (`--dependency=afterok:29:30`, `Dependency=afterany:43+5(unfulfilled)`).
    l = l.replace(/\b(after[a-z]*:)(\d[\d_:+*]*)/g, (_m, t: string, ids: string) => t + ids.replace(/(^|:)(\d+)/g, (_n, p: string, d: string) => p + J(d)));
    if (/^\$ (squeue|scancel|scontrol|sacct|sstat)\b/.test(l)) {
      l = l.replace(/(?<=[\s,=])(\d+)(?=$|[\s,.]|_\d|_\[)/g, (d) => J(d));
    }
    // File names carrying a job id (`arr_%A_%a.out`, `list_%A_%a_%j.out`).
    l = l.replace(/(?<=[A-Za-z]_)(\d+)(?=_)|(?<=_)(\d+)(?=\.out\b)/g, (d) => J(d));
    // A job's row (sacct, squeue): ids in other columns (JobIDRaw, %F, %A).
    if (/^\s*J\d+/.test(l)) l = l.replace(/(?<=[\s|])(\d{2,})(?=$|[\s|.])/g, (d) => J(d));
    // Which node a job ran on (squeue's last column) is the scheduler's timing, not semantics.
    if (/^\s*J\d+\S*\s/.test(l)) l = l.replace(/ n\d+$/, ' <NODE>');
    l = l.replace(/\[t\+[\d.]+s\]/g, '');
    l = l.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/g, '<TS>');
    // The date line of `squeue -l` / `sinfo -l` (its format is kept: day zero-padded).
    l = l.replace(/^(?:Sun|Mon|Tue|Wed|Thu|Fri|Sat) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d\d \d\d:\d\d:\d\d \d{4}$/, '<DATE>');
    l = l.replace(/\b(?:\d+-)?\d\d:\d\d:\d\d\b/g, '<DUR>');
    l = l.replace(/(?<=[ |])\d+:\d\d(?= )/g, '<T>');
    l = l.replace(/(Priority=)[1-9]\d*/g, '$1<PRIO>');
    // priority/basic counts down from 0xffff0000, one per job since the controller started:
    // the value says how many jobs the cluster ran before (squeue %Q).
    l = l.replace(/(?<=\|)42949\d{5}(?=\|)/g, '<PRIO>');
    // Run time in a `|`-separated squeue line (%M): timing, like the padded column above.
    l = l.replace(/(?<=\|)\d+:\d\d(?=\|)/g, '<T>');
    // --test-only reports the id the next job would get: how many jobs came before.
    l = l.replace(/^(sbatch: Job )\d+( to start at)/, '$1<NEXTID>$2');
    // The machine's own readings and names: load average, available memory, kernel, host.
    l = l.replace(/(CPULoad=)\d+\.\d\d/g, '$1<LOAD>').replace(/(FreeMem=)\d+/g, '$1<MEM>');
    l = l.replace(/^(\s*OS=).*$/, '$1<OS>').replace(/(NodeHostName=)\S+/g, '$1<HOST>');
    // sinfo -o '... %C %m %e %O': FREE_MEM and CPU_LOAD after the CPU counts and memory.
    l = l.replace(/( \d+\/\d+\/\d+\/\d+ \d+) \d+ \d+\.\d\d$/, '$1 <MEM> <LOAD>');
    // A duration in whole seconds (the run before a suspension): timing, like RunTime; 0 stays.
    l = l.replace(/(SecsPreSuspend=)[1-9]\d*/g, '$1<SECS>');
    l = l.replace(/(AllocNode:Sid=)\S+/g, '$1<SID>');
    l = l.replace(/(line \d+:)\s+\d+\s+(Killed)/g, '$1 <PID> $2');
    // Measured memory on step rows (MaxRSS): Slurm polls every 30 s, Ratchet reads the cgroup peak.
    if (/^J\d+\.(batch|\d+)[| ]/.test(l)) {
      l = l.replace(/(?<=[| ])\d+(?:\.\d+)?[KMG]?(?=[| ]|$)/g, '<N>');
      // The same measurements inside TRESUsageIn*/Out* (`mem=536K,pages=1,vmem=4K`).
      l = l.replace(/(?<=\b(?:mem|vmem|pages|fs\/disk)=)\d+(?:\.\d+)?[KMGT]?(?=[,|]|$)/g, '<N>');
    }
    l = l.replace(/(slurmstepd-n\d: error: )/g, 'slurmstepd-<NODE>: error: ');
    l = l.replace(/ ON n\d /g, ' ON <NODE> ');
    l = l.replace(/[ \t]+/g, ' ').trimEnd();
    out.push(l);
  }
  return { lines: out };
}

export interface Difference {
  line: number;
  golden: string;
  ours: string;
}

/** Line-by-line differences after aligning on the `$ command` lines. */
export function compare(golden: Transcript, ours: Transcript): Difference[] {
  const blocks = (t: Transcript): Map<string, string[]>[] => {
    const res: Map<string, string[]>[] = [];
    let cur: string[] | null = null;
    const counts = new Map<string, number>();
    const m = new Map<string, string[]>();
    for (const l of t.lines) {
      if (l.startsWith('$ ')) {
        const n = (counts.get(l) ?? 0) + 1;
        counts.set(l, n);
        cur = [];
        m.set(`${l} #${n}`, cur);
      } else if (cur !== null) cur.push(l);
    }
    res.push(m);
    return res;
  };
  const g = blocks(golden)[0] ?? new Map<string, string[]>();
  const o = blocks(ours)[0] ?? new Map<string, string[]>();
  const diffs: Difference[] = [];
  let i = 0;
  for (const [cmd, gl] of g) {
    i++;
    const ol = o.get(cmd);
    if (ol === undefined) {
      diffs.push({ line: i, golden: cmd, ours: '(command not run)' });
      continue;
    }
    const n = Math.max(gl.length, ol.length);
    for (let k = 0; k < n; k++) {
      if ((gl[k] ?? '') !== (ol[k] ?? '')) diffs.push({ line: i, golden: `${cmd} | ${gl[k] ?? ''}`, ours: `${cmd} | ${ol[k] ?? ''}` });
    }
  }
  return diffs;
}
