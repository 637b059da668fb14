# shellcheck shell=bash
# Shared helpers of benchmarks/run: selection by name prefix, output,
# statistics and process timing. Sourced; expects PREFIX and WORK_DIR.

log() { echo "# $*" >&2; }

die() {
  echo "benchmarks/run: $*" >&2
  exit 1
}

# wants <name>: true when the figure <name>, or a figure under the group
# <name>, is selected by the name prefix given on the command line.
wants() { [[ -z $PREFIX || $1 == "$PREFIX"* || $PREFIX == "$1"* ]]; }

# emit <name> <value> <unit>: one result line, if selected.
emit() {
  if [[ $1 == "$PREFIX"* ]]; then
    echo "BENCH $1 $2 $3"
  fi
}

# median <number>...
median() {
  printf '%s\n' "$@" | sort -g | awk '
    { v[NR] = $1 }
    END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# summary <number>...: "min / median / max", for diagnostics.
summary() {
  printf '%s\n' "$@" | sort -g | awk '
    { v[NR] = $1 }
    END {
      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "%.3f / %.3f / %.3f", v[1], m, v[NR]
    }'
}

# divide <a> <b> [printf format]
divide() { awk -v a="$1" -v b="$2" -v f="${3:-%.3f}" 'BEGIN { printf f, a / b }'; }

# seconds_since <$EPOCHREALTIME value>: whole seconds elapsed since then.
seconds_since() {
  awk -v s="$1" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.0f", e - s }'
}

# time_run <command>...: runs the command, its stdout into $WORK_DIR/stdout;
# sets REPLY to its wall time and REPLY_CPU to its user + system CPU time, in
# seconds. Fails when the command fails.
time_run() {
  local TIMEFORMAT='%3R %3U %3S' user system
  { time "$@" > "$WORK_DIR/stdout" 2> "$WORK_DIR/stderr"; } 2> "$WORK_DIR/time" ||
    die "failed: $* ($(cat "$WORK_DIR/stderr"))"
  read -r REPLY user system < "$WORK_DIR/time"
  REPLY_CPU=$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.3f", u + s }')
}
