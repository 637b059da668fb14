# shellcheck shell=bash
# test_end_us.<N>: cost of itr_test_end_collect_only() with N registered
# flags, against a memset of N bytes; one process per N (test_end_bench
# prints the BENCH lines). Sourced; see README.md.

TEST_END_SIZES=("10k 10000" "100k 100000" "1M 1000000")

# test_end_selected <label>: whether a figure for that size is selected.
test_end_selected() {
  wants "test_end_us.$1" || wants "test_end_ratio.$1" || wants "test_begin_us.$1"
}

test_end_targets() {
  local size
  for size in "${TEST_END_SIZES[@]}"; do
    if test_end_selected "${size%% *}"; then
      echo test_end_bench
      return
    fi
  done
}

run_test_end() {
  local size label flags name value unit
  for size in "${TEST_END_SIZES[@]}"; do
    read -r label flags <<< "$size"
    test_end_selected "$label" || continue
    ITR_CACHE_DIR=$WORK_DIR/itr-cache \
      "$CLANG_BUILD_DIR/benchmarks/test_end/test_end_bench" "$flags" "$label" \
      > "$WORK_DIR/stdout" || die "test_end_bench $flags failed"
    while read -r _ name value unit; do
      emit "$name" "$value" "$unit"
    done < <(grep '^BENCH ' "$WORK_DIR/stdout")
  done
}
