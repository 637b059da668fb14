# shellcheck shell=bash
# Fixed costs per test process, on a Debug GoogleTest binary of more than
# 20 MB of debug info (startup/; the same tests built plain and
# instrumented), medians of STARTUP_RUNS:
#   startup_ms.disabled  instrumented, DD_CIVISIBILITY_ITR_ENABLED=false,
#                        --gtest_filter=-*  minus  plain, --gtest_filter=-*
#   startup_ms.skip_all  instrumented, unchanged, every test skipped
#                        minus  plain, --gtest_filter=-*
#   first_run_ratio      the first ITR run of the freshly built binary
#                        (empty store and cache: everything runs and is
#                        recorded)  over  the same binary with ITR off
#   index_s              `itr index` of that binary (what its link adds)
# Baselines in the same run: startup.plain_none_ms, startup.itr_off_ms.
# Sourced; see README.md.

STARTUP_RUNS=${STARTUP_RUNS:-15}

# Every figure of this script, whichever of its prefixes was asked for.
startup_emit() {
  if [[ -z $PREFIX ]] || wants startup || wants first_run || wants index_s; then
    echo "BENCH $1 $2 $3"
  fi
}

startup_targets() {
  if wants startup || wants first_run || wants index_s; then
    printf '%s\n' startup_plain startup_itr itr
  fi
}

# wall_ms <command>...: the command's wall time in ms (stdout and stderr
# discarded); fails when it fails.
wall_ms() {
  local start=$EPOCHREALTIME
  "$@" > /dev/null 2>&1 || die "failed: $*"
  awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.3f", (e - s) * 1000 }'
}

# median_ms <runs> <command>...
median_ms() {
  local runs=$1 i
  shift
  local -a times=()
  for ((i = 0; i < runs; i++)); do times+=("$(wall_ms "$@")"); done
  log "$(basename "$1")${2:+ $2}: $(summary "${times[@]}") ms"
  median "${times[@]}"
}

run_startup() {
  wants startup || wants first_run || wants index_s || return 0
  local dir=$CLANG_BUILD_DIR/benchmarks/startup
  local plain=$dir/startup_plain itr=$dir/startup_itr
  local state=$WORK_DIR/startup
  local debug_mb
  debug_mb=$(size -A "$itr" | awk '/^\.debug_/ { s += $2 } END { printf "%.1f", s / 1048576 }')
  log "startup: $($plain --gtest_list_tests | grep -c '^  ') tests, debug info $debug_mb MB"
  startup_emit startup.debug_info_mb "$debug_mb" MB

  local none off skip
  none=$(median_ms "$STARTUP_RUNS" "$plain" --gtest_filter=-*)
  off=$(DD_CIVISIBILITY_ITR_ENABLED=false median_ms "$STARTUP_RUNS" "$itr" --gtest_filter=-*)
  startup_emit startup.plain_none_ms "$none" ms
  startup_emit startup_ms.disabled "$(awk -v a="$off" -v b="$none" 'BEGIN { printf "%.1f", a - b }')" ms

  # First runs: each from an empty store and cache, as after a fresh build.
  local -a first=() itr_off=()
  local i
  for ((i = 0; i < 3; i++)); do
    rm -rf "$state" && mkdir -p "$state"
    first+=("$(ITR_STORE=$state/itr.sqlite ITR_CACHE_DIR=$state/cache wall_ms "$itr")")
    itr_off+=("$(DD_CIVISIBILITY_ITR_ENABLED=false wall_ms "$itr")")
  done
  log "startup: first ITR run $(summary "${first[@]}") ms, ITR off $(summary "${itr_off[@]}") ms"
  startup_emit startup.itr_off_ms "$(median "${itr_off[@]}")" ms
  startup_emit first_run_ratio "$(divide "$(median "${first[@]}")" "$(median "${itr_off[@]}")" %.2f)" x

  skip=$(ITR_STORE=$state/itr.sqlite ITR_CACHE_DIR=$state/cache \
    median_ms "$STARTUP_RUNS" "$itr")
  local summary
  summary=$(ITR_STORE=$state/itr.sqlite ITR_CACHE_DIR=$state/cache "$itr" 2>&1 | grep '^itr: skipped')
  grep -q "itr: skipped \([0-9]*\) of \1 tests" <<<"$summary" ||
    die "startup: not every test was skipped ($summary)"
  startup_emit startup_ms.skip_all "$(awk -v a="$skip" -v b="$none" 'BEGIN { printf "%.1f", a - b }')" ms

  local -a index=()
  for ((i = 0; i < 3; i++)); do index+=("$(wall_ms "$CLANG_BUILD_DIR/cli/itr" index "$itr")"); done
  startup_emit index_s "$(awk -v ms="$(median "${index[@]}")" 'BEGIN { printf "%.2f", ms / 1000 }')" s
}
