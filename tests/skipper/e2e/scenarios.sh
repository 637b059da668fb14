#!/usr/bin/env bash
# End-to-end scenarios of the embedded Intelligent Test Runner with
# GoogleTest: real builds of examples/calc-suite in a scratch git repository,
# real processes, one real SQLite store.
#   scenarios.sh <itr-cpp source dir> <scratch dir>
set -euo pipefail
source_dir=$1 work=$2
"$source_dir/tools/make-scratch-example" "$work"
cd "$work"
binary=build/calc-suite/textcalc_tests
export ITR_STORE=$work/.itr/itr.sqlite ITR_CACHE_DIR=$work/cache
unset DD_CIVISIBILITY_ITR_ENABLED ITR_UNSKIPPABLE ITR_UNSKIPPABLE_FILE ITR_COLLECT_ONLY

build() { cmake --build build --target textcalc_tests -- -j2 >/dev/null; }
# run [args]: runs the suite; sets RAN (tests that ran, sorted), SUMMARY,
# STATUS; stderr+stdout in $work/last.log.
run() {
  set +e
  "$binary" "$@" > "$work/last.log" 2>&1
  STATUS=$?
  set -e
  RAN=$({ grep -E '^\[ +(OK|FAILED) +\] [^ ]+ \(' "$work/last.log" || true; } |
    sed -E 's/^\[ +(OK|FAILED) +\] ([^ ]+) .*/\2/' | sort -u)
  # A test that crashed printed RUN but neither OK nor FAILED.
  local crashed
  crashed=$(grep -E '^\[ RUN +\] ' "$work/last.log" | tail -1 | sed -E 's/^\[ RUN +\] //' || true)
  if [ "$STATUS" -gt 128 ] && [ -n "$crashed" ]; then
    RAN=$(printf '%s\n%s\n' "$RAN" "$crashed" | sed '/^$/d' | sort -u)
  fi
  SUMMARY=$(grep '^itr: ' "$work/last.log" | grep -v '^itr: warning' | tail -1 || true)
}
source "$source_dir/tests/e2e_checks.sh"
source "$source_dir/tests/skipper/e2e/source_edits.sh"
tests_covering() { tests_covering_in "$work/first.jsonl" "$@"; }
unskippable=LedgerInvariants.BalanceNeverNegative

build
total=$("$binary" --gtest_list_tests | grep -c '^  ')

# 1. First run records everything.
ITR_COVERAGE_EXPORT=$work/first.jsonl run
check first_run_records_all equals "$(count "$RAN")" "$total"
check first_run_summary contains "$SUMMARY" "skipped 0 of $total tests"

# 2. Unchanged: everything but the unskippable test is skipped, which runs
#    as a forced run (parameterized and typed instances included: their
#    identities are stable).
run
check second_run_skips_all_but_unskippable equals "$RAN" "$unskippable"
check second_run_summary contains "$SUMMARY" "skipped $((total - 1)) of $total tests"
check second_run_reports_forced contains "$SUMMARY" "1 unskippable forced to run"
check listing_shows_every_test equals "$("$binary" --gtest_list_tests | grep -c '^  ')" "$total"

# 2b. Skipped tests are reported as skipped in GoogleTest's XML and JSON.
run --gtest_output="xml:$work/report.xml"
check xml_report_lists_skipped_tests equals "$(python3 - "$work/report.xml" <<'PY'
import sys, xml.dom.minidom
doc = xml.dom.minidom.parse(sys.argv[1])
cases = doc.getElementsByTagName("testcase")
skipped = [c for c in cases if c.getAttribute("result") == "skipped"]
print(doc.documentElement.getAttribute("tests"), len(cases), len(skipped))
PY
)" "$total $total $((total - 1))"
run --gtest_output="json:$work/report.json"
check json_report_lists_skipped_tests equals "$(python3 - "$work/report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
cases = [t for s in report["testsuites"] for t in s["testsuite"]]
print(report["tests"], len(cases), sum(t["result"] == "SKIPPED" for t in cases))
PY
)" "$total $total $((total - 1))"

# 3. A comment changes no compiled code: nothing runs. Editing a function
#    runs exactly the tests that executed it.
echo "// a comment" >> calc-suite/src/csv_reader.cpp
build
run
check comment_edit_runs_nothing equals "$RAN" "$unskippable"
csv=calc-suite/src/csv_reader.cpp
lines=$(function_lines $csv 'CsvTable::ColumnIndex\(')
edit_function $csv 'CsvTable::ColumnIndex(std::string_view name) const {'
build
run
expected=$(printf '%s\n%s\n' "$(tests_covering $csv $lines)" "$unskippable" | sort -u)
check edit_function_runs_exactly_its_tests equals "$RAN" "$expected"
run
check after_edit_everything_skips_again equals "$RAN" "$unskippable"

# 4. Editing a header's inline function runs the tests that executed it.
header=calc-suite/include/textcalc/string_utils.h
lines=$(function_lines $header '^inline bool IsBlank\(')
edit_function $header '^inline bool IsBlank(char c) {'
build
run
# Every test that executed its lines runs. Code inlined and folded into a
# test's body has no probe and no line (Trim(" ") in StringUtils tests), but
# that body's compiled code changed: those tests run too. Nothing else.
string_utils_tests=$("$binary" --gtest_list_tests --gtest_filter='StringUtils.*' |
  awk '/^[^ ]/ { suite = $1 } /^  / { print suite $1 }')
check edit_header_runs_its_tests includes_all "$RAN" "$(tests_covering $header $lines)"
check edit_header_runs_no_unrelated_test includes_all \
  "$(printf '%s\n%s\n%s\n' "$(tests_covering $header)" \
     "$string_utils_tests" "$unskippable")" "$RAN"
check header_tests_exist test "$(count "$(tests_covering $header $lines)")" -gt 2

# 5. A failing test keeps running until it passes; a new test runs.
cat >> calc-suite/tests/money_test.cpp <<'CPP'

TEST(MoneyE2E, FailsWhileAsked) { EXPECT_EQ(getenv("ITR_E2E_FAIL"), nullptr); }
TEST(MoneyE2E, CrashesWhenAsked) {
  if (getenv("ITR_E2E_CRASH") != nullptr) raise(SIGSEGV);
}
CPP
sed -i '1i #include <csignal>\n#include <cstdlib>' calc-suite/tests/money_test.cpp
build
ITR_E2E_FAIL=1 run
check new_tests_run contains "$RAN" "MoneyE2E.FailsWhileAsked"
ITR_E2E_FAIL=1 run
check failing_test_runs_again contains "$RAN" "MoneyE2E.FailsWhileAsked"
run
check fixed_test_runs_once_more contains "$RAN" "MoneyE2E.FailsWhileAsked"
run
check passed_test_is_then_skipped equals "$RAN" "$unskippable"

# 6. A test that segfaults runs again next time.
ITR_UNSKIPPABLE='MoneyE2E.CrashesWhenAsked' ITR_E2E_CRASH=1 run --gtest_filter='MoneyE2E.*'
check crash_kills_the_binary test "$STATUS" -gt 128
run --gtest_filter='MoneyE2E.*'
check crashed_test_runs_again contains "$RAN" "MoneyE2E.CrashesWhenAsked"

# 7. --gtest_filter composes with skipping.
lines=$(function_lines $csv '  ParsedCsv Parse\(\) \{')
edit_function $csv '  ParsedCsv Parse() {'
build
run --gtest_filter='CsvReader.*'
expected=$(tests_covering $csv $lines | grep '^CsvReader\.')
check filter_and_skipping_compose equals "$RAN" "$expected"
run
check filtered_out_tests_still_run_later contains "$RAN" "CsvTable.LooksUpColumnsByHeaderName"

# 8. DD_CIVISIBILITY_ITR_ENABLED=false and =0 run everything.
for value in false 0; do
  DD_CIVISIBILITY_ITR_ENABLED=$value run
  check "itr_disabled_$value" equals "$(count "$RAN")" "$((total + 2))"
done

# 9. A corrupt store: warning, everything runs, the store is rebuilt.
cp "$ITR_STORE" "$work/good.sqlite"
rm -f "$ITR_STORE-wal" "$ITR_STORE-shm"
printf 'this is not a database, not at all, really not' > "$ITR_STORE"
run
check corrupt_store_runs_all equals "$(count "$RAN")" "$((total + 2))"
check corrupt_store_warns grep -q "corrupt" "$work/last.log"
check corrupt_store_kept_aside test -n "$(ls "$ITR_STORE".corrupt-* 2>/dev/null)"

# 10. A store from a newer schema: warning, everything runs, file untouched.
sqlite3 "$ITR_STORE" 'PRAGMA user_version = 99'
before=$(sha1sum "$ITR_STORE")
run
check future_store_runs_all equals "$(count "$RAN")" "$((total + 2))"
check future_store_warns grep -q "newer itr-cpp" "$work/last.log"
check future_store_untouched equals "$(sha1sum "$ITR_STORE")" "$before"

# 11. Eight shards in parallel against one store lose no record, and
#     sharding composes with skipping.
rm -f "$ITR_STORE"*
pids=()
for shard in 0 1 2 3 4 5 6 7; do
  GTEST_TOTAL_SHARDS=8 GTEST_SHARD_INDEX=$shard "$binary" > "$work/shard$shard.log" 2>&1 &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || true; done
check parallel_shards_no_lock_errors sh -c "! grep -l 'locked\|cannot record' $work/shard*.log"
ran_in_shards=$(cat "$work"/shard*.log | grep -cE '^\[ +OK +\]')
check parallel_shards_run_each_test_once equals "$ran_in_shards" "$((total + 2))"
recorded=$(sqlite3 "$ITR_STORE" "SELECT COUNT(*) FROM tests WHERE status = 'passed'")
check parallel_shards_lose_no_record equals "$recorded" "$((total + 2))"
run
check after_parallel_run_all_skip equals "$RAN" "$unskippable"
GTEST_TOTAL_SHARDS=3 GTEST_SHARD_INDEX=1 run
check sharded_skip_run_is_a_subset test "$(count "$RAN")" -le 1

# 12. Balanced shards (ITR_SHARDING=balanced): four shards, each planning
#     from its own copy of one store snapshot (CI jobs restoring one
#     cache), together run exactly the tests an unsharded run runs, each
#     once, and report each skipped test once. An edit runs a few tests,
#     forced ones (ITR_UNSKIPPABLE) make enough to split.
edit_function $csv 'CsvTable::ColumnIndex(std::string_view name) const {'
build
export ITR_UNSKIPPABLE='CsvReader.*:Tokenizer.*'
sqlite3 "$ITR_STORE" ".backup '$work/snapshot.sqlite'"
cp "$work/snapshot.sqlite" "$work/unsharded.sqlite"
ITR_STORE=$work/unsharded.sqlite run
to_run=$RAN
skipped_unsharded=$(sed -E 's/^itr: skipped ([0-9]+) of.*/\1/' <<<"$SUMMARY")
ran_in_shards=""
skipped_in_shards=0
for shard in 0 1 2 3; do
  cp "$work/snapshot.sqlite" "$work/shard$shard.sqlite"
  ITR_STORE=$work/shard$shard.sqlite ITR_SHARDING=balanced \
    GTEST_TOTAL_SHARDS=4 GTEST_SHARD_INDEX=$shard run
  cp "$work/last.log" "$work/balanced$shard.log"
  ran_in_shards=$(printf '%s\n%s\n' "$ran_in_shards" "$RAN" | sed '/^$/d')
  skipped_in_shards=$((skipped_in_shards +
    $(sed -E 's/^itr: skipped ([0-9]+) of.*/\1/' <<<"$SUMMARY")))
done
check balanced_shards_need_several_tests test "$(count "$to_run")" -ge 4
check balanced_shards_run_exactly_the_tests_to_run equals \
  "$(sort -u <<<"$ran_in_shards")" "$to_run"
check balanced_shards_run_each_test_once equals \
  "$(count "$ran_in_shards")" "$(count "$to_run")"
check balanced_shards_report_each_skip_once equals \
  "$skipped_in_shards" "$skipped_unsharded"
check balanced_shards_take_over_gtest_sharding sh -c \
  "! grep -l 'warning' $work/balanced*.log"
# A balanced shard on a runner without the skipper library (the runtime
# loaded from a directory that lacks it) cannot read the plan: it runs
# every test, with one warning, instead of GoogleTest's round-robin.
runtime_library=$(ldd "$binary" | sed -nE 's/.*libitr_runtime[^ ]* => ([^ ]+) .*/\1/p')
mkdir -p "$work/no-skipper"
cp "$runtime_library" "$work/no-skipper/"
LD_LIBRARY_PATH=$work/no-skipper ITR_SHARDING=balanced GTEST_TOTAL_SHARDS=4 \
  GTEST_SHARD_INDEX=1 run
check balanced_shard_without_skipper_runs_every_test equals "$(count "$RAN")" \
  "$("$binary" --gtest_list_tests | grep -c '^  ')"
check balanced_shard_without_skipper_warns equals \
  "$(grep -c '^itr: warning' "$work/last.log")" 1
unset ITR_UNSKIPPABLE

echo "$failures scenario check(s) failed"
[ "$failures" -eq 0 ]
