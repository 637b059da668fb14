# shellcheck shell=bash
# Balanced shards (ITR_SHARDING=balanced) on a suite of skewed durations
# (shard/: 160 tests sleeping 6 ms to 600 ms, in no order of duration).
# The suite is recorded once; then about two thirds of its tests change
# (SHARD_BENCH_EPOCH) and it runs as 4 shards, each from its own copy of
# the recorded store (the same snapshot) and timed alone, one after the
# other:
#   shard_balance.4             balanced: the slowest shard's wall time over
#                               the mean of the 4 (1.0 is perfect)
#   shard_balance.4.roundrobin  the same with GoogleTest's round-robin
#                               (ITR_SHARDING unset: skipping within each
#                               round-robin shard), in the same run
#   shard_balance.4.shared      balanced, the 4 shards on one store (a store
#                               shared live), each planning after the
#                               previous one recorded: they keep the first
#                               shard's plan (one ITR_RUN_ID)
# Fails unless, for each, the union of the shards' tests is exactly the set
# an unsharded run runs, each test once. Sourced; see README.md.

SHARD_COUNT=4

shard_targets() {
  if wants shard_balance; then printf '%s\n' shard_skewed; fi
}

# shard_ran <log>: the tests the log says ran, one per line.
shard_ran() {
  { grep -E '^\[ +(OK|FAILED) +\] [^ ]+ \(' "$1" || true; } |
    sed -E 's/^\[ +(OK|FAILED) +\] ([^ ]+) .*/\2/'
}

# shard_run <name> <store> [VAR=value...]: runs the suite with SHARD_BENCH_EPOCH=2
# on a copy of the recorded store; log in $WORK_DIR/shard/<name>.log, wall
# time in ms in REPLY.
shard_run() {
  local name=$1 store=$2 start
  shift 2
  [[ -n ${SHARD_KEEP_STORE:-} ]] || cp "$WORK_DIR/shard/recorded.sqlite" "$store"
  start=$EPOCHREALTIME
  env ITR_STORE="$store" ITR_CACHE_DIR="$WORK_DIR/shard/cache" \
    SHARD_BENCH_EPOCH=2 "$@" "$SHARD_SUITE" > "$WORK_DIR/shard/$name.log" 2>&1 ||
    die "shard: $name failed (see its log: $(tail -3 "$WORK_DIR/shard/$name.log"))"
  REPLY=$(awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.1f", (e - s) * 1000 }')
}

# shard_balance <label> [VAR=value...]: runs the 4 shards; emits the figure;
# dies unless their union is $SHARD_TO_RUN, each test once.
shard_balance() {
  local label=$1 figure=shard_balance.$SHARD_COUNT
  shift
  [[ $label == balanced ]] || figure=$figure.$label
  local -a times=()
  local i ran="" keep=""
  if [[ $label == shared ]]; then
    cp "$WORK_DIR/shard/recorded.sqlite" "$WORK_DIR/shard/shared.sqlite"
    keep=1
  fi
  for ((i = 0; i < SHARD_COUNT; i++)); do
    local store=$WORK_DIR/shard/$label$i.sqlite
    [[ -z $keep ]] || store=$WORK_DIR/shard/shared.sqlite
    SHARD_KEEP_STORE=$keep shard_run "$label$i" "$store" "$@" \
      GTEST_TOTAL_SHARDS=$SHARD_COUNT GTEST_SHARD_INDEX=$i
    times+=("$REPLY")
    ran+=$(shard_ran "$WORK_DIR/shard/$label$i.log")$'\n'
  done
  ran=$(sed '/^$/d' <<<"$ran" | sort)
  [[ $(sort -u <<<"$ran") == "$SHARD_TO_RUN" ]] ||
    die "shard: the $label shards' union is not the set of tests to run"
  [[ $(wc -l <<<"$ran") == $(wc -l <<<"$SHARD_TO_RUN") ]] ||
    die "shard: a test ran in more than one $label shard"
  log "shard: $label shards ${times[*]} ms"
  local mean slowest
  mean=$(printf '%s\n' "${times[@]}" | awk '{ s += $1 } END { print s / NR }')
  slowest=$(printf '%s\n' "${times[@]}" | sort -g | tail -1)
  emit "$figure" "$(divide "$slowest" "$mean" %.2f)" x
}

run_shard() {
  wants shard_balance || return 0
  SHARD_SUITE=$CLANG_BUILD_DIR/benchmarks/shard/shard_skewed
  mkdir -p "$WORK_DIR/shard"
  # Record every test and its duration.
  ITR_STORE=$WORK_DIR/shard/recorded.sqlite ITR_CACHE_DIR=$WORK_DIR/shard/cache \
    SHARD_BENCH_EPOCH=1 "$SHARD_SUITE" > "$WORK_DIR/shard/record.log" 2>&1 ||
    die "shard: the recording run failed"
  # What an unsharded run runs after the change.
  shard_run unsharded "$WORK_DIR/shard/unsharded.sqlite"
  SHARD_TO_RUN=$(shard_ran "$WORK_DIR/shard/unsharded.log" | sort)
  log "shard: $(wc -l <<<"$SHARD_TO_RUN") of $($SHARD_SUITE --gtest_list_tests | grep -c '^  ') tests to run, unsharded $REPLY ms"
  shard_balance balanced ITR_SHARDING=balanced
  shard_balance roundrobin
  shard_balance shared ITR_SHARDING=balanced ITR_RUN_ID=shard-bench
}
