# shellcheck shell=bash
# decide_ms.100k(.cold), record_us.per_test: the skipper's planning and
# recording costs on a store of 100,000 tests x 20 files (decide_bench
# prints the BENCH lines; baseline decide.load_rows_ms). Sourced.

decide_targets() {
  if wants decide || wants record_us; then echo decide_bench; fi
}

run_decide() {
  wants decide || wants record_us || return 0
  "$CLANG_BUILD_DIR/benchmarks/decide/decide_bench" "$WORK_DIR/decide" \
    > "$WORK_DIR/stdout" || die "decide_bench failed"
  local name value unit
  while read -r _ name value unit; do
    emit "$name" "$value" "$unit"
  done < <(grep '^BENCH ' "$WORK_DIR/stdout")
}
