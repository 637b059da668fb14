# shellcheck shell=bash
# decide_ms.100k(.cold), record_us.per_test: the skipper's planning and
# recording costs on a store of 100,000 tests x 20 files (decide_bench
# prints the BENCH lines; baseline decide.load_rows_ms); decide_ms.100k.functions,
# store_mb.100k.functions, record_us.per_test.functions: the same for
# 100,000 tests x 300 executed functions of a 50,000-function binary
# (decide_functions_bench; baseline decide.functions.load_rows_ms). Sourced.

decide_targets() {
  if wants decide || wants record_us || wants store_mb; then
    echo decide_bench
    echo decide_functions_bench
    echo decide_functions_fixture
  fi
}

run_decide() {
  wants decide || wants record_us || wants store_mb || return 0
  local dir=$CLANG_BUILD_DIR/benchmarks/decide
  "$dir/decide_bench" "$WORK_DIR/decide" \
    > "$WORK_DIR/stdout" || die "decide_bench failed"
  "$dir/decide_functions_bench" "$dir/decide_functions_fixture" \
    "$WORK_DIR/decide" >> "$WORK_DIR/stdout" || die "decide_functions_bench failed"
  local name value unit
  while read -r _ name value unit; do
    emit "$name" "$value" "$unit"
  done < <(grep '^BENCH ' "$WORK_DIR/stdout")
}
