#!/usr/bin/env bash
# End-to-end scenarios of the embedded Intelligent Test Runner with Catch2 v2
# or doctest (the GoogleTest ones are scenarios.sh): real builds of
# examples/<framework>-suite (textcalc's tests) in a scratch git repository,
# real processes, one real SQLite store.
#   framework_scenarios.sh <catch2|doctest> <itr-cpp source dir> <scratch dir>
set -euo pipefail
framework=$1 source_dir=$2 work=$3
# ccache's base-dir rewriting makes __FILE__ and debug paths relative: the
# scratch build must see the real paths, as a user's build does.
unset CCACHE_BASEDIR
ITR_SCRATCH_EXAMPLES="calc-suite $framework-suite" \
  "$source_dir/tools/make-scratch-example" "$work"
cd "$work"
export ITR_STORE=$work/.itr/itr.sqlite ITR_CACHE_DIR=$work/cache
unset DD_CIVISIBILITY_ITR_ENABLED ITR_UNSKIPPABLE ITR_UNSKIPPABLE_FILE ITR_COLLECT_ONLY ITR_VERBOSE

# What differs between the frameworks: the binary, how it prints each test
# case that ran, how to count and filter, and the test cases added below.
case $framework in
  catch2)
    target=textcalc_catch2_tests
    durations=(-d yes)
    only_csv=("[csv]") except_csv=("~[csv]") only_hidden=("[slow]")
    junit=(-r junit -o "$work/report.xml")
    csv_keys='^catch2-suite/tests/csv_test\.cpp\.'
    # Catch2's exit status after listing is the number of test cases.
    count_tests() { { "$binary" --list-test-names-only || true; } | sed '/^$/d' | wc -l | tr -d ' '; }
    # -d prints sections too: keep the lines naming test cases (hidden too).
    test_cases_only() { grep -Fx -f <({ "$binary" --list-test-names-only '*' || true; } | sed 's/^ *//') || true; }
    e2e_tests='
TEST_CASE("E2E fails while asked", "[e2e]") { CHECK(std::getenv("ITR_E2E_FAIL") == nullptr); }
TEST_CASE("E2E crashes when asked", "[e2e]") {
  if (std::getenv("ITR_E2E_CRASH") != nullptr) std::raise(SIGSEGV);
}
TEST_CASE("E2E may fail", "[e2e][!mayfail]") { CHECK(std::getenv("ITR_E2E_FAIL") == nullptr); }'
    ;;
  doctest)
    target=textcalc_doctest_tests
    durations=(--duration=true)
    only_csv=(-ts=csv) except_csv=(-tse=csv) only_hidden=(--no-skip -tc=*slow*)
    junit=(-r=junit --out="$work/report.xml")
    csv_keys='^csv\.'
    test_cases_only() { cat; }
    count_tests() { "$binary" --count | sed -nE 's/.*passing the current filters: ([0-9]+).*/\1/p'; }
    e2e_tests='
TEST_CASE("E2E fails while asked") { CHECK(std::getenv("ITR_E2E_FAIL") == nullptr); }
TEST_CASE("E2E crashes when asked") {
  if (std::getenv("ITR_E2E_CRASH") != nullptr) std::raise(SIGSEGV);
}
TEST_CASE("E2E may fail" * doctest::may_fail()) { CHECK(std::getenv("ITR_E2E_FAIL") == nullptr); }'
    ;;
  *) echo "usage: framework_scenarios.sh <catch2|doctest> <source> <scratch>" >&2; exit 2 ;;
esac
binary=build/$framework-suite/$target
unskippable="Ledger balance never goes negative"

ran_in() { { grep -E '^[0-9.]+ s: ' "$1" || true; } | sed -E 's/^[0-9.]+ s: //' | test_cases_only | sort -u; }
build() { cmake --build build --target "$target" -- -j2 >/dev/null; }
# run [args]: runs the suite; sets RAN (names of the test cases that ran,
# sorted), SUMMARY, STATUS; stdout+stderr in $work/last.log.
run() {
  set +e
  "$binary" "${durations[@]}" "$@" > "$work/last.log" 2>&1
  STATUS=$?
  set -e
  RAN=$(ran_in "$work/last.log")
  SUMMARY=$(grep '^itr: ' "$work/last.log" | grep -v '^itr: warning' | tail -1 || true)
}
CHECK_PREFIX="$framework."
source "$source_dir/tests/e2e_checks.sh"
source "$source_dir/tests/skipper/e2e/source_edits.sh"
# keys_covering FILE [FIRST LAST]: test keys ("<suite>.<name>", the suite a
# source file for Catch2 and suite-less doctest cases, a doctest suite
# otherwise) whose first-run coverage reached those lines.
keys_covering() { tests_covering_in "$work/first.jsonl" "$@"; }
name_of() { sed -E 's/^.*\.cpp\.//; t; s/^[^.]*\.//'; }
with_unskippable() { printf '%s\n%s\n' "$1" "$unskippable" | sed '/^$/d' | sort -u; }

build
total=$(count_tests)
check example_has_15_tests test "$total" -ge 15

# 1. First run records everything.
ITR_COVERAGE_EXPORT=$work/first.jsonl run
check first_run_records_all equals "$(count "$RAN")" "$total"
check first_run_summary contains "$SUMMARY" "skipped 0 of $total tests"

# 2. Unchanged: everything but the unskippable test is skipped; it runs as a
#    forced run. Names with , [ ] * " ? are skipped like any other.
run
check second_run_skips_all_but_unskippable equals "$RAN" "$unskippable"
check second_run_summary contains "$SUMMARY" "skipped $((total - 1)) of $total tests"
check second_run_reports_forced contains "$SUMMARY" "1 unskippable forced to run"
check listing_shows_every_test equals "$(count_tests)" "$total"

# 2b. Skipped test cases are in the JUnit report, as <skipped/>.
run "${junit[@]}"
check junit_report_lists_skipped_tests equals "$(python3 - "$work/report.xml" <<'PY'
import sys, xml.dom.minidom
doc = xml.dom.minidom.parse(sys.argv[1])
cases = doc.getElementsByTagName("testcase")
skipped = [c for c in cases if c.getElementsByTagName("skipped")]
print(len(cases), len(skipped), doc.getElementsByTagName("testsuite")[0].getAttribute("skipped"))
PY
)" "$total $((total - 1)) $((total - 1))"

# 3. Editing a function runs exactly the test cases that executed it.
csv=calc-suite/src/csv_reader.cpp
csv_parse_lines=$(function_lines $csv '  ParsedCsv Parse\(\) \{')
for edit in "$csv|  ParsedCsv Parse() {|  ParsedCsv Parse\(\) \{" \
    "calc-suite/src/string_utils.cpp|EmptyFields empty_fields) {|^std::vector<std::string> Split\("; do
  IFS='|' read -r file body start <<<"$edit"
  lines=$(function_lines "$file" "$start")
  edit_function "$file" "$body"
  build
  run
  expected=$(with_unskippable "$(keys_covering "$file" $lines | name_of)")
  check "edit_$(basename "$file" .cpp)_runs_exactly_its_tests" equals "$RAN" "$expected"
  check "edit_$(basename "$file" .cpp)_runs_some" test "$(count "$expected")" -gt 1
  run
  check "after_edit_$(basename "$file" .cpp)_all_skip_again" equals "$RAN" "$unskippable"
done
check special_name_test_ran_for_its_change contains "$expected" "Split keeps"

# 3b. Tests the framework itself leaves out (Catch2 [.] hidden, doctest
#    skip()) are not planned, and run when asked for.
run "${only_hidden[@]}"
check hidden_test_runs_when_asked contains "$RAN" "slow"

# 4. The user's filter composes: excluded test cases neither run nor count
#    as skipped, and run once included.
edit_function $csv '  ParsedCsv Parse() {'
build
csv_tests=$(keys_covering $csv $csv_parse_lines | grep -E "$csv_keys" | name_of | sort -u)
run "${except_csv[@]}"
check user_exclusion_composes equals "$RAN" "$(with_unskippable "$(keys_covering $csv $csv_parse_lines | grep -vE "$csv_keys" | name_of)")"
run "${only_csv[@]}"
check user_filter_composes equals "$RAN" "$csv_tests"
check user_filter_counts_only_its_tests contains "$SUMMARY" "of $(count "$csv_tests") tests"
run
check filtered_tests_are_then_skipped equals "$RAN" "$unskippable"

# 6. A failing test case runs until it passes; new ones run; [!mayfail] /
#    may_fail() failures are not passes.
printf '%s\n' "$e2e_tests" >> "$framework-suite/tests/money_ledger_test.cpp"
sed -i '1i #include <csignal>\n#include <cstdlib>' "$framework-suite/tests/money_ledger_test.cpp"
build
total=$(count_tests)
ITR_E2E_FAIL=1 run
check new_tests_run contains "$RAN" "E2E crashes when asked"
check failing_run_fails test "$STATUS" -ne 0
ITR_E2E_FAIL=1 run
check failing_test_runs_again contains "$RAN" "E2E fails while asked"
check mayfail_failure_runs_again contains "$RAN" "E2E may fail"
run
check fixed_test_runs_once_more contains "$RAN" "E2E fails while asked"
run
check passed_test_is_then_skipped equals "$RAN" "$unskippable"

# 7. A crash mid-suite: the crashed test case and every test of that
#    unfinished run run again.
edit_function $csv '  ParsedCsv Parse() {'
build
ITR_UNSKIPPABLE="*E2E crashes when asked" ITR_E2E_CRASH=1 run
check crash_kills_the_binary test "$STATUS" -gt 128
ran_before_crash=$RAN
check crashed_test_stays_running equals "$(sqlite3 "$ITR_STORE" "SELECT status FROM tests WHERE name = 'E2E crashes when asked'")" running
check crash_run_ran_csv_tests contains "$ran_before_crash" "$(head -1 <<<"$csv_tests")"
run
check crashed_test_runs_again contains "$RAN" "E2E crashes when asked"
check tests_of_the_crashed_run_run_again equals "$(comm -23 <(echo "$ran_before_crash") <(echo "$RAN"))" ""

# 8. DD_CIVISIBILITY_ITR_ENABLED=false and =0 run everything.
for value in false 0; do
  DD_CIVISIBILITY_ITR_ENABLED=$value run
  check "itr_disabled_$value" equals "$(count "$RAN")" "$total"
done

# 9. Six processes in parallel against one fresh store lose no record.
#    Collect-only: each records every test (otherwise a late starter skips
#    what an early one already recorded).
rm -f "$ITR_STORE"*
pids=()
for process in 0 1 2 3 4 5; do
  ITR_COLLECT_ONLY=1 "$binary" "${durations[@]}" > "$work/parallel$process.log" 2>&1 &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || true; done
check parallel_no_lock_errors sh -c "! grep -l 'locked\|cannot record\|warning' $work/parallel*.log"
check parallel_each_ran_all equals "$(for log in "$work"/parallel*.log; do ran_in "$log"; done | wc -l)" "$((6 * total))"
recorded=$(sqlite3 "$ITR_STORE" "SELECT COUNT(*) FROM tests WHERE status = 'passed'")
check parallel_lose_no_record equals "$recorded" "$total"
run
check after_parallel_all_skip equals "$RAN" "$unskippable"

# 10. Catch2: when the narrowed spec would not select exactly the tests that
#     must run (here a user's own [itr-selected] tag), the user's spec is
#     kept and everything runs, with one warning.
if [ "$framework" = catch2 ]; then
  printf '%s\n' 'TEST_CASE("E2E uses the selection tag", "[itr-selected]") { CHECK(true); }' \
    >> catch2-suite/tests/money_ledger_test.cpp
  build
  total=$(count_tests)
  run
  run
  check unnarrowable_spec_runs_all equals "$(count "$RAN")" "$total"
  check unnarrowable_spec_warns grep -q "cannot narrow" "$work/last.log"
fi

echo "$failures $framework scenario check(s) failed"
[ "$failures" -eq 0 ]
