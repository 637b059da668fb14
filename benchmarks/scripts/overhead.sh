# shellcheck shell=bash
# overhead.<variant>: wall-time ratio of an instrumented build of the
# workload to an uninstrumented -O2 build, A/B runs alternated round by
# round, median of the per-round ratios; overhead.<variant>.cpu: the same
# with user + system CPU time, which other load on the machine disturbs
# less. Sourced; see README.md.

OVERHEAD_PAIRS=${OVERHEAD_PAIRS:-11}

# Variant -> workload target, in the clang or the gcc build tree.
declare -A OVERHEAD_CLANG_BUILDS=(
  [function]=workload_clang_function
  [edge]=workload_clang_edge
  [clang_source_based]=workload_clang_source_based
)
declare -A OVERHEAD_GCC_BUILDS=(
  [gcc_trace_pc]=workload_gcc_trace_pc
  [gcov]=workload_gcc_gcov
)

# Targets of the clang tree the selected overhead figures need.
overhead_clang_targets() {
  local variant
  wants overhead || return 0
  echo workload_clang_plain
  for variant in "${!OVERHEAD_CLANG_BUILDS[@]}"; do
    if wants "overhead.$variant"; then echo "${OVERHEAD_CLANG_BUILDS[$variant]}"; fi
  done
}

# Targets of the gcc tree (empty when no gcc figure is selected).
overhead_gcc_targets() {
  local variant
  for variant in "${!OVERHEAD_GCC_BUILDS[@]}"; do
    if wants "overhead.$variant"; then
      echo workload_gcc_plain "${OVERHEAD_GCC_BUILDS[$variant]}"
    fi
  done | tr ' ' '\n' | sort -u
}

# run_workload <binary>: one timed run (REPLY, REPLY_CPU); checks that the
# checksum matches every other run of every variant.
run_workload() {
  time_run "$1"
  local checksum
  checksum=$(grep '^checksum ' "$WORK_DIR/stdout")
  if [[ -z ${OVERHEAD_CHECKSUM:-} ]]; then
    OVERHEAD_CHECKSUM=$checksum
    log "workload $checksum"
  elif [[ $checksum != "$OVERHEAD_CHECKSUM" ]]; then
    die "$1 printed '$checksum', expected '$OVERHEAD_CHECKSUM'"
  fi
}

# measure_overhead <variant binary> <name> <baseline binary> [<name> <baseline>]
# Runs a warm-up round, then OVERHEAD_PAIRS rounds of the baselines and the
# variant, the variant last in even rounds and first in odd ones; emits, per
# name, the median of the per-round ratios variant / baseline.
measure_overhead() {
  local variant=$1
  shift
  local -a names=() baselines=() ratios=() cpu_ratios=() baseline_times=()
  local -a baseline_cpu=()
  while (($# > 0)); do
    names+=("$1")
    baselines+=("$2")
    shift 2
  done
  local round i variant_time variant_cpu
  for ((round = 0; round <= OVERHEAD_PAIRS; ++round)); do
    if ((round % 2 == 1)); then
      run_workload "$variant"
      variant_time=$REPLY variant_cpu=$REPLY_CPU
    fi
    for i in "${!baselines[@]}"; do
      run_workload "${baselines[$i]}"
      baseline_times[i]=$REPLY baseline_cpu[i]=$REPLY_CPU
    done
    if ((round % 2 == 0)); then
      run_workload "$variant"
      variant_time=$REPLY variant_cpu=$REPLY_CPU
    fi
    if ((round == 0)); then  # warm-up
      log "${names[0]}: $(grep -v '^checksum ' "$WORK_DIR/stdout" ||
        echo 'no itr runtime')"
      continue
    fi
    for i in "${!names[@]}"; do
      ratios[i]+="$(divide "$variant_time" "${baseline_times[$i]}" %.4f) "
      cpu_ratios[i]+="$(divide "$variant_cpu" "${baseline_cpu[$i]}" %.4f) "
    done
  done
  for i in "${!names[@]}"; do
    # shellcheck disable=SC2086  # the ratio lists are split on purpose
    emit "${names[$i]}" "$(median ${ratios[$i]} | xargs printf %.3f)" x
    # shellcheck disable=SC2086
    emit "${names[$i]}.cpu" "$(median ${cpu_ratios[$i]} | xargs printf %.3f)" x
    # shellcheck disable=SC2086
    log "${names[$i]}: min / median / max over $OVERHEAD_PAIRS rounds:" \
      "wall $(summary ${ratios[$i]}), cpu $(summary ${cpu_ratios[$i]})"
  done
}

run_overhead() {
  wants overhead || return 0
  local clang_plain=$CLANG_BUILD_DIR/benchmarks/overhead/workload_clang_plain
  local gcc_plain=$GCC_BUILD_DIR/benchmarks/overhead/workload_gcc_plain
  local variant binary
  export ITR_CACHE_DIR=$WORK_DIR/itr-cache
  export LLVM_PROFILE_FILE=$WORK_DIR/workload.profraw
  export GCOV_PREFIX=$WORK_DIR/gcov
  if wants overhead.control; then
    measure_overhead "$clang_plain" overhead.control "$clang_plain"
  fi
  for variant in function edge clang_source_based; do
    wants "overhead.$variant" || continue
    binary=$CLANG_BUILD_DIR/benchmarks/overhead/${OVERHEAD_CLANG_BUILDS[$variant]}
    measure_overhead "$binary" "overhead.$variant" "$clang_plain"
  done
  for variant in gcc_trace_pc gcov; do
    wants "overhead.$variant" || continue
    binary=$GCC_BUILD_DIR/benchmarks/overhead/${OVERHEAD_GCC_BUILDS[$variant]}
    measure_overhead "$binary" "overhead.$variant" "$clang_plain" \
      "overhead.${variant}_vs_gcc" "$gcc_plain"
  done
}
