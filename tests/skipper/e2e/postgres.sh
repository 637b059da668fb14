#!/usr/bin/env bash
# End-to-end scenarios of the shared PostgreSQL store: two "CI runners"
# (fresh checkouts of one commit, built apart) and a real PostgreSQL server
# (tests/skipper/pg/postgres-server: initdb + pg_ctl in a temporary
# directory, a Unix socket only). Records on one runner, skips on the other;
# a branch edit reuses the rest; 16 concurrent shards lose no record;
# balanced shards started one after the other run every test once; a
# server killed mid-run and restarted; a wrong password, a stopped server,
# a server SIGSTOPped before and during a run: one warning, every test
# runs, bounded time; the password never shows.
#   postgres.sh <itr-cpp source dir> <scratch dir> <itr binary>
set -euo pipefail
source_dir=$1 work=$2 itr=$3
server=$source_dir/tests/skipper/pg/postgres-server
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
pg=$work/pg
trap '"$server" stop "$pg"' EXIT
conninfo=$("$server" start "$pg")
password=itr-secret

# The origin repository; each "runner" checks it out fresh at the same
# path, as ephemeral CI runners do (the compiled code of a test file holds
# its absolute path: __FILE__), builds and runs it, and is thrown away.
"$source_dir/tools/make-scratch-example" "$work/origin"
runner=$work/runner/calc
checkout() {
  rm -rf "$work/runner"
  git clone -q "$work/origin" "$runner"
  local launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  cmake -S "$runner" -B "$runner/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ "${launcher[@]}" >/dev/null
}

export ITR_STORE=$conninfo ITR_CACHE_DIR=$work/cache
unset DD_CIVISIBILITY_ITR_ENABLED ITR_RUN_ID ITR_SHARDING ITR_UNSKIPPABLE ITR_UNSKIPPABLE_FILE \
  ITR_COLLECT_ONLY ITR_STORE_REPOSITORY PGPASSWORD PGHOST PGSERVICE
build() { cmake --build "$1/build" --target textcalc_tests -- -j2 >/dev/null; }
# run <runner dir> [args]: runs the suite there; sets RAN (sorted), STATUS,
# SECONDS_TAKEN, WARNINGS (the itr warning lines); output in $work/last.log.
run() {
  local dir=$1
  shift
  local start=$SECONDS
  set +e
  (cd "$dir" && build/calc-suite/textcalc_tests "$@") > "$work/last.log" 2>&1
  STATUS=$?
  set -e
  SECONDS_TAKEN=$((SECONDS - start))
  cat "$work/last.log" >> "$work/all.log"
  RAN=$({ grep -E '^\[ +(OK|FAILED) +\] [^ ]+ \(' "$work/last.log" || true; } |
    sed -E 's/^\[ +(OK|FAILED) +\] ([^ ]+) .*/\2/' | sort -u)
  WARNINGS=$(grep -c '^itr: warning' "$work/last.log" || true)
}
source "$source_dir/tests/e2e_checks.sh"
source "$source_dir/tests/skipper/e2e/source_edits.sh"
sql() { psql "$conninfo" -qAt -c "$1"; }
unskippable=LedgerInvariants.BalanceNeverNegative

checkout
build "$runner"
total=$("$runner/build/calc-suite/textcalc_tests" --gtest_list_tests | grep -c '^  ')

# 1. Runner 1 records every test into the shared store (creating it).
ITR_COVERAGE_EXPORT=$work/first.jsonl run "$runner"
check runner1_records_all equals "$(count "$RAN")" "$total"
check runner1_no_warning equals "$WARNINGS" 0
check store_holds_runner1 equals "$(sql "SELECT count(*) FROM itr.tests WHERE status = 'passed'")" "$total"

# 2. Runner 2, a fresh checkout of the same commit: everything is skipped.
checkout
build "$runner"
run "$runner"
check runner2_skips_all_but_unskippable equals "$RAN" "$unskippable"

# 3. A branch on runner 2 edits one function: exactly its tests run, the
#    rest is reused.
tests_covering() { tests_covering_in "$work/first.jsonl" "$@"; }
csv=calc-suite/src/csv_reader.cpp
lines=$(cd "$runner" && function_lines $csv 'CsvTable::ColumnIndex\(')
(cd "$runner" && edit_function $csv 'CsvTable::ColumnIndex(std::string_view name) const {')
build "$runner"
run "$runner"
expected=$(printf '%s\n%s\n' "$(tests_covering $csv $lines)" "$unskippable" | sort -u)
check branch_edit_runs_exactly_its_tests equals "$RAN" "$expected"
check branch_edit_reuses_the_rest test "$(count "$RAN")" -lt "$((total / 2))"

# 4. 16 concurrent shards (runner 1, a repository key of their own) write
#    into one store and lose no record; then everything skips.
export ITR_STORE_REPOSITORY=shards
pids=()
for shard in $(seq 0 15); do
  (cd "$runner" && GTEST_TOTAL_SHARDS=16 GTEST_SHARD_INDEX=$shard \
    build/calc-suite/textcalc_tests > "$work/shard$shard.log" 2>&1) &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || true; done
cp "$work/shard0.log" "$work/last.log"
check shards_no_warning sh -c "! grep -l '^itr: warning' $work/shard*.log"
check shards_run_each_test_once equals "$(cat "$work"/shard*.log | grep -cE '^\[ +OK +\]')" "$total"
check shards_lose_no_record equals "$(sql "SELECT count(*) FROM itr.tests WHERE repository = 'shards' AND status = 'passed'")" "$total"
run "$runner"
check after_shards_all_skip equals "$RAN" "$unskippable"

# 4b. Balanced shards (ITR_SHARDING=balanced) on the shared store, started
#     one after the other (the worst case: each plans after the others
#     recorded): every test runs in exactly one shard, because every shard
#     uses the first shard's plan. A later pipeline skips all but the
#     unskippable test, which one shard runs.
export ITR_STORE_REPOSITORY=balanced ITR_SHARDING=balanced
balanced_pipeline() {
  ran_in_shards=""
  for shard in 0 1 2 3; do
    GTEST_TOTAL_SHARDS=4 GTEST_SHARD_INDEX=$shard ITR_RUN_ID=$1 run "$runner"
    cp "$work/last.log" "$work/balanced-$1-$shard.log"
    ran_in_shards=$(printf '%s\n%s\n' "$ran_in_shards" "$RAN" | sed '/^$/d')
  done
}
balanced_pipeline pipeline-1
check late_balanced_shards_run_every_test equals "$(sort -u <<<"$ran_in_shards" | grep -c .)" "$total"
check late_balanced_shards_run_each_test_once equals "$(grep -c . <<<"$ran_in_shards")" "$total"
check late_balanced_shards_no_warning sh -c "! grep -l '^itr: warning' $work/balanced-pipeline-1-*.log"
balanced_pipeline pipeline-2
check next_balanced_pipeline_runs_the_unskippable_once equals "$ran_in_shards" "$unskippable"
unset ITR_STORE_REPOSITORY ITR_SHARDING

# 5. The server is killed mid-run (SIGKILL: a crash) and restarted: the run
#    fails open, nothing is corrupt, the next runs are correct.
sql "SELECT count(*) FROM itr.tests" >/dev/null
(cd "$runner" && ITR_COLLECT_ONLY=1 build/calc-suite/textcalc_tests --gtest_repeat=400 \
  > "$work/killed.log" 2>&1) &
victim=$!
sleep 2
check killed_while_running kill -0 "$victim"
"$server" kill "$pg"
wait "$victim" && killed_status=0 || killed_status=$?
cp "$work/killed.log" "$work/last.log"
check killed_server_run_passes equals "$killed_status" 0
check killed_server_warns_once equals "$(grep -c '^itr: warning' "$work/killed.log")" 1
"$server" restart "$pg"
run "$runner"
check after_restart_run_passes equals "$STATUS" 0
run "$runner"
check after_restart_everything_skips equals "$RAN" "$unskippable"

# 6. Wrong password, stopped server, SIGSTOPped server: one warning line,
#    every test runs, bounded time (connect_timeout 2 s).
export ITR_STORE_CONNECT_TIMEOUT_MS=2000 ITR_STORE_STATEMENT_TIMEOUT_MS=2000
ITR_STORE="${conninfo/password=$password/password=not-$password}" run "$runner"
check wrong_password_runs_all equals "$(count "$RAN")" "$total"
check wrong_password_warns_once equals "$WARNINGS" 1
check wrong_password_is_quick test "$SECONDS_TAKEN" -le 10
"$server" pause "$pg"
run "$runner"
"$server" resume "$pg"
check stopped_answering_runs_all equals "$(count "$RAN")" "$total"
check stopped_answering_warns_once equals "$WARNINGS" 1
check stopped_answering_is_bounded test "$SECONDS_TAKEN" -le 15
# A server that stops answering mid-run: the statement deadline (2 s + 1 s)
# ends the wait once; the rest of the run records nothing and waits no more.
start=$SECONDS
(cd "$runner" && ITR_COLLECT_ONLY=1 build/calc-suite/textcalc_tests --gtest_repeat=400 \
  > "$work/paused.log" 2>&1) &
victim=$!
sleep 2
check paused_while_running kill -0 "$victim"
"$server" pause "$pg"
wait "$victim" && paused_status=0 || paused_status=$?
"$server" resume "$pg"
cp "$work/paused.log" "$work/last.log"
cat "$work/paused.log" >> "$work/all.log"
check paused_mid_run_passes equals "$paused_status" 0
check paused_mid_run_warns_once equals "$(grep -c '^itr: warning' "$work/paused.log")" 1
check paused_mid_run_is_bounded test "$((SECONDS - start))" -le 60
"$server" halt "$pg"
run "$runner"
check stopped_server_runs_all equals "$(count "$RAN")" "$total"
check stopped_server_warns_once equals "$WARNINGS" 1
check stopped_server_is_quick test "$SECONDS_TAKEN" -le 10
"$server" restart "$pg"
unset ITR_STORE_CONNECT_TIMEOUT_MS ITR_STORE_STATEMENT_TIMEOUT_MS

# 7. The itr CLI works on the shared store: migrate, status, gc, and the
#    URI form with the password in it.
uri="postgresql://itr:$password@/itr?host=$pg&sslmode=disable"
(cd "$runner" && "$itr" migrate --store "$uri") > "$work/last.log" 2>&1
check cli_migrate grep -q "schema version" "$work/last.log"
cat "$work/last.log" >> "$work/all.log"
(cd "$runner" && ITR_STORE=$uri "$itr" status) > "$work/last.log" 2>&1
check cli_status grep -q "textcalc_tests" "$work/last.log"
cat "$work/last.log" >> "$work/all.log"
(cd "$runner" && ITR_STORE=$uri "$itr" gc) > "$work/last.log" 2>&1
check cli_gc grep -q "deleted" "$work/last.log"
cat "$work/last.log" >> "$work/all.log"
# The run cut short above did not finish: its tests run once more, then
# skip again.
ITR_STORE=$uri run "$runner"
check after_unfinished_run_its_tests_run test "$(count "$RAN")" -gt 1
ITR_STORE=$uri ITR_VERBOSE=2 run "$runner"
check uri_store_skips equals "$RAN" "$unskippable"

# 8. The password never shows, in any of the output above.
cp "$work/all.log" "$work/last.log"
check password_never_shows sh -c "! grep -q -- '$password' '$work/all.log' '$work'/shard*.log '$work/killed.log'"

echo "$failures scenario check(s) failed"
[ "$failures" -eq 0 ]
