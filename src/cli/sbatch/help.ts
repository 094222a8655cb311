// Texts for sbatch --help, --usage and --version. Written for Ratchet: they list what this
// version implements; options recognised but not yet implemented are refused at submit.

/** The Slurm release whose client behaviour Ratchet's commands reproduce. */
export const SLURM_COMPAT_VERSION = '22.05.8';
export const RATCHET_VERSION = '0.1.0';

/**
 * `slurm <version>` first, as Slurm prints it, because tools sniff the Slurm release from
 * that shape; what is really answering follows in parentheses.
 */
export const VERSION_TEXT = `slurm ${SLURM_COMPAT_VERSION} (ratchet ${RATCHET_VERSION})\n`;

export const USAGE_TEXT = `Usage: sbatch [-J name] [-p partition] [-t time] [-N nodes] [-n ntasks]
              [-c cpus-per-task] [--mem=size | --mem-per-cpu=size]
              [-o file] [-e file] [-i file] [-D dir] [--open-mode=append|truncate]
              [--export=ALL|NONE|NIL|[ALL,]VAR[=value],...] [--export-file=file]
              [-A account] [-q qos] [--comment=text] [--nice[=n]]
              [--requeue | --no-requeue] [-H] [-W] [--parsable] [-Q] [--test-only]
              [--wrap=command | script [args...]]
`;

export const HELP_TEXT = `Usage: sbatch [OPTIONS...] script [args...]
       sbatch [OPTIONS...] --wrap="command"
Submit a batch script to Ratchet. Options may also be given on #SBATCH lines at the top
of the script and through SBATCH_* environment variables; the command line wins over the
environment, which wins over #SBATCH lines.

Job options:
  -A, --account=name          account to charge
      --comment=text          free-text comment kept with the job
  -c, --cpus-per-task=n       CPUs for each task
  -D, --chdir=dir             working directory of the script
  -e, --error=pattern         standard error file (%j job id, %x name, %u user...)
      --export=list           environment to pass: ALL (default), NONE, NIL or
                              [ALL,]VAR[=value],...
      --export-file=file      read the environment from a NUL-separated file
  -H, --hold                  submit held (scontrol release to run it)
  -i, --input=file            standard input of the script
  -J, --job-name=name         job name
      --mem=size              memory per node (K, M, G or T; MiB by default)
      --mem-per-cpu=size      memory per allocated CPU (not with --mem)
  -n, --ntasks=n              number of tasks
  -N, --nodes=min[-max]       number of nodes
      --nice[=n]              lower the job's priority by n (100 if no value)
      --no-requeue            never requeue the job
  -o, --output=pattern        standard output file (default slurm-%j.out)
      --open-mode=mode        append or truncate the output files
  -p, --partition=name        partition to run in
  -q, --qos=name              quality of service
      --requeue               allow the job to be requeued
  -t, --time=limit            time limit: M, M:S, H:M:S, D-H, D-H:M, D-H:M:S
      --wrap=command          submit "command" wrapped in a /bin/sh script

Submission options:
      --parsable              print only the job id
  -Q, --quiet                 print nothing on success
      --test-only             check the job and report when it would start
  -W, --wait                  wait for the job to end; exit with its exit code
  -v, --verbose               accepted for compatibility
      --mail-type=types       accepted and ignored (Ratchet sends no mail)
      --mail-user=address     accepted and ignored

Help options:
  -h, --help                  show this help
      --usage                 show a short usage summary
  -V, --version               show the version
`;
