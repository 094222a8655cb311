#!/usr/bin/env bash
# `npm run demo`: start a local cluster (controller + 2 agents, embedded SQLite, real
# cgroups) under ./cluster and run one job through it.
set -euo pipefail
cd "$(dirname "$0")/.."
bin/ratchet cluster up --dir "$PWD/cluster"
. cluster/env.sh
mkdir -p cluster/work && cd cluster/work
sbatch --wait -J hello --mem=100M --time=1 -o hello-%j.out \
  --wrap 'echo "hello from job $SLURM_JOB_ID on $SLURMD_NODENAME"; sleep 1'
cat hello-*.out
sacct --format=JobID,JobName,State,ExitCode,Elapsed,MaxRSS,ReqMem
echo
echo "The cluster keeps running: '. cluster/env.sh' to use it, 'bin/ratchet cluster down --dir cluster' to stop it."
