# shellcheck shell=bash
# decide_ms.100k(.cold), record_us.per_test: the skipper's planning and
# recording costs on a store of 100,000 tests x 20 files (decide_bench
# prints the BENCH lines; baseline decide.load_rows_ms); decide_ms.100k.functions,
# store_mb.100k.functions, record_us.per_test.functions: the same for
# 100,000 tests x 300 executed functions of a 50,000-function binary
# (decide_functions_bench; baseline decide.functions.load_rows_ms);
# decide_ms.100k.pg, record_us.per_test.pg, record_throughput.pg.16: the
# shared PostgreSQL store on a local server that
# tests/skipper/pg/postgres-server starts (decide_pg_bench; left out with a
# note when no PostgreSQL server is installed). Sourced.

decide_targets() {
  if wants decide || wants record || wants store_mb; then
    echo decide_bench
    echo decide_functions_bench
    echo decide_functions_fixture
  fi
  if wants decide || wants record; then echo decide_pg_bench; fi
}

run_decide_pg() {
  # Its own directory: the server runs as "nobody" under root, and may not
  # enter WORK_DIR.
  local dir=$CLANG_BUILD_DIR/benchmarks/decide conninfo pg
  pg=$(mktemp -d "${TMPDIR:-/tmp}/itr-bench-pg.XXXXXX")
  if ! conninfo=$("$REPO_ROOT/tests/skipper/pg/postgres-server" start "$pg" 2>"$WORK_DIR/pg.log"); then
    log "no PostgreSQL server (apt-get install postgresql): *.pg left out"
    return 0
  fi
  "$dir/decide_pg_bench" "$conninfo" "$WORK_DIR/decide-pg" \
    >> "$WORK_DIR/stdout" || {
    "$REPO_ROOT/tests/skipper/pg/postgres-server" stop "$pg"
    die "decide_pg_bench failed"
  }
  "$REPO_ROOT/tests/skipper/pg/postgres-server" stop "$pg"
}

run_decide() {
  wants decide || wants record || wants store_mb || return 0
  local dir=$CLANG_BUILD_DIR/benchmarks/decide
  "$dir/decide_bench" "$WORK_DIR/decide" \
    > "$WORK_DIR/stdout" || die "decide_bench failed"
  "$dir/decide_functions_bench" "$dir/decide_functions_fixture" \
    "$WORK_DIR/decide" >> "$WORK_DIR/stdout" || die "decide_functions_bench failed"
  run_decide_pg
  local name value unit
  while read -r _ name value unit; do
    emit "$name" "$value" "$unit"
  done < <(grep '^BENCH ' "$WORK_DIR/stdout")
}
