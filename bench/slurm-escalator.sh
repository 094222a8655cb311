#!/bin/bash
# A resource escalator written for Slurm, the way sites bolt one on (modelled on seed 003's
# mem-escalate.sh / mem-escalate-handler.sh): it uses only Slurm's client commands (sbatch,
# sacct) with standard options, plus coreutils and awk. bench/escalation.ts runs it on
# Ratchet unchanged to compare it with native escalation; it runs on a real Slurm as it is.
#
#   slurm-escalator.sh submit LEVELS STATEDIR ARRAYSPEC SCRIPT [sbatch options for every round...]
#
# LEVELS: one rung per line, `partition mem time` (e.g. `day 2G 00:02:00`), lowest first.
# Round 0 is `sbatch --array=ARRAYSPEC` on the first rung; a handler job waits on it with
# --dependency=afternotok (a success job with afterok writes STATEDIR/done). The handler reads
# `sacct -X -P` for the round, resubmits only the OUT_OF_MEMORY / TIMEOUT tasks (and exit
# code 137) as a new array on the next rung, with the index spec stride-compressed
# (`8-4998:10`) and, when longer than ESC_MAX_SPEC_LEN, split into batches of ESC_BATCH_TASKS
# tasks whose next handler then waits with afterany on all of them. Exit-1 failures are not
# retried. Every sbatch call is logged in STATEDIR/sbatch.log, each round in rounds.log.
set -euo pipefail
shopt -s inherit_errexit

MAX_SPEC_LEN=${ESC_MAX_SPEC_LEN:-10000}
BATCH_TASKS=${ESC_BATCH_TASKS:-500}

# Client commands can fail for a moment (a busy controller, "Socket timed out"): a chain
# whose handler dies is lost, so every call is tried a few times before giving up.
retry() {
  local try out
  for try in 1 2 3 4 5; do
    if out=$("$@"); then printf '%s\n' "$out"; return 0; fi
    echo "$1 failed (try $try of 5)" >&2
    sleep $((try * 2))
  done
  return 1
}

sb() {
  local out
  out=$(retry sbatch --parsable "$@")
  echo "sbatch $*" >> "$ESC_DIR/sbatch.log"
  echo "${out%%;*}"
}

rung() { # rung LEVEL FIELD(1=partition 2=mem 3=time)
  awk -v l="$1" -v f="$2" '!/^#/ && NF >= 3 { if (n++ == l) { print $f; exit } }' "$ESC_LEVELS"
}

rungs() { awk '!/^#/ && NF >= 3' "$ESC_LEVELS" | wc -l; }

# Sorted task indices on stdin -> comma-joined spec: arithmetic runs of 3+ become a-b[:step].
compress() {
  sort -n -u | awk '
    { v[n++] = $1 + 0; left[$1 + 0] = 1 }
    END {
      out = ""
      for (i = 0; i < n; i++) {
        x = v[i]; if (!(x in left)) continue
        best = 1; step = 0; k = 0
        for (j = i + 1; j < n && k < 20; j++) {
          y = v[j]; if (!(y in left)) continue
          k++; d = y - x; len = 1; z = x + d
          while (z in left) { len++; z += d }
          if (len > best) { best = len; step = d }
        }
        if (best >= 3) {
          last = x + (best - 1) * step
          for (z = x; z <= last; z += step) delete left[z]
          piece = step == 1 ? x "-" last : x "-" last ":" step
        } else { delete left[x]; piece = x }
        out = out == "" ? piece : out "," piece
      }
      print out
    }'
}

# submit_round LEVEL INDEXFILE -> job ids, space separated (one per batch)
submit_round() {
  local level=$1 file=$2 spec ids=() part mem time
  part=$(rung "$level" 1); mem=$(rung "$level" 2); time=$(rung "$level" 3)
  spec=$(compress < "$file")
  local -a specs=("$spec")
  if [ "${#spec}" -gt "$MAX_SPEC_LEN" ]; then
    specs=()
    local chunk
    chunk=$(mktemp -d "$ESC_DIR/chunks.XXXXXX")
    sort -n -u "$file" | split -l "$BATCH_TASKS" - "$chunk/c."
    for f in "$chunk"/c.*; do specs+=("$(compress < "$f")"); done
    rm -rf "$chunk"
  fi
  for s in "${specs[@]}"; do
    # shellcheck disable=SC2086 # the round options are words on purpose
    ids+=("$(sb --array="$s" --partition="$part" --mem="$mem" --time="$time" $ESC_JOB_OPTS "$ESC_SCRIPT")")
  done
  echo "level=$level tasks=$(sort -u "$file" | wc -l) spec_len=${#spec} batches=${#specs[@]} jobs=${ids[*]}" >> "$ESC_DIR/rounds.log"
  echo "${ids[*]}"
}

# submit_handlers LEVEL IDS...: afternotok (+ afterok success job) for one job, afterany for batches.
submit_handlers() {
  local level=$1; shift
  local opts=(--job-name=esc-handler --mem=100M --time=10:00 --output="$ESC_DIR/handler-%j.out")
  if [ $# -eq 1 ]; then
    sb "${opts[@]}" --dependency="afternotok:$1" "$ESC_SELF" handle "$level" "$1" > /dev/null
    sb --job-name=esc-success --mem=100M --time=10:00 --output=/dev/null --dependency="afterok:$1" \
      --wrap="echo success level $level >> $ESC_DIR/done" > /dev/null
  else
    local dep="" id
    for id in "$@"; do dep="${dep:+$dep,}afterany:$id"; done
    sb "${opts[@]}" --dependency="$dep" "$ESC_SELF" handle "$level" "$@" > /dev/null
  fi
}

handle() {
  local level=$1; shift
  local ids
  ids=$(IFS=,; echo "$*")
  local esc="$ESC_DIR/escalate.$level" nr="$ESC_DIR/noretry.$level"
  # JobID|State|ExitCode: 806_1|OUT_OF_MEMORY|0:125, 806_3|FAILED|1:0, 806_4|CANCELLED by 0|0:0
  retry sacct -j "$ids" -X -P -n --format=JobID,State,ExitCode | awk -F'|' -v esc="$esc" -v nr="$nr" '
    $1 ~ /_[0-9]+$/ {
      split($1, id, "_"); split($2, st, " "); split($3, ec, ":")
      if (st[1] == "COMPLETED") next
      if (st[1] == "OUT_OF_MEMORY" || st[1] == "TIMEOUT" || st[1] == "DEADLINE" || ec[1] == 137) print id[2] > esc
      else print id[2] > nr
    }'
  touch "$esc" "$nr"
  echo "handler level=$level jobs=$ids escalate=$(wc -l < "$esc") not_retried=$(wc -l < "$nr") sacct=${SECONDS}s" >> "$ESC_DIR/rounds.log"
  if [ ! -s "$esc" ]; then echo "finished level $level" >> "$ESC_DIR/done"; return; fi
  local next=$((level + 1))
  if [ "$next" -ge "$(rungs)" ]; then echo "exhausted at level $level: $(wc -l < "$esc") tasks" >> "$ESC_DIR/done"; return; fi
  # shellcheck disable=SC2046 # one word per job id
  submit_handlers "$next" $(submit_round "$next" "$esc")
}

case "${1:-}" in
  submit)
    [ $# -ge 5 ] || { echo "usage: $0 submit LEVELS STATEDIR ARRAYSPEC SCRIPT [sbatch options]" >&2; exit 2; }
    ESC_LEVELS=$(realpath "$2"); ESC_DIR=$(realpath "$3"); spec=$4; ESC_SCRIPT=$(realpath "$5"); shift 5
    ESC_SELF=$(realpath "$0"); ESC_JOB_OPTS="$*"
    export ESC_LEVELS ESC_DIR ESC_SCRIPT ESC_SELF ESC_JOB_OPTS ESC_MAX_SPEC_LEN ESC_BATCH_TASKS
    mkdir -p "$ESC_DIR"
    part=$(rung 0 1); mem=$(rung 0 2); time=$(rung 0 3)
    # shellcheck disable=SC2086
    id=$(sb --array="$spec" --partition="$part" --mem="$mem" --time="$time" $ESC_JOB_OPTS "$ESC_SCRIPT")
    echo "level=0 spec=$spec jobs=$id" >> "$ESC_DIR/rounds.log"
    submit_handlers 0 "$id"
    echo "$id"
    ;;
  handle)
    shift
    handle "$@"
    ;;
  *)
    echo "usage: $0 submit LEVELS STATEDIR ARRAYSPEC SCRIPT [sbatch options]" >&2
    exit 2
    ;;
esac
