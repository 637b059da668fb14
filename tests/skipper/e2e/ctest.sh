#!/usr/bin/env bash
# End-to-end scenarios of `itr ctest`: examples/ctest-suite (plain check
# programs, a script running two of them, an unskippable and an
# uninstrumented test) in a scratch git repository, real builds, real ctest
# processes, one real SQLite store.
#   ctest.sh <itr-cpp source dir> <scratch dir> <itr binary>
set -euo pipefail
source_dir=$1 work=$2 itr=$3
ITR_SCRATCH_EXAMPLES=ctest-suite "$source_dir/tools/make-scratch-example" "$work"
cd "$work/build"
export ITR_STORE=$work/.itr/itr.sqlite ITR_CACHE_DIR=$work/cache CTEST_SUITE_MARKER=$work/marker
unset DD_CIVISIBILITY_ITR_ENABLED ITR_UNSKIPPABLE ITR_UNSKIPPABLE_FILE ITR_COLLECT_ONLY \
  ITR_SHARDING ITR_RUN_ID ITR_TOTAL_SHARDS ITR_SHARD_INDEX \
  ITR_TEST_ID ITR_COVERAGE_EXPORT ITR_REPO_ROOT CTEST_SUITE_FAIL CTEST_SUITE_CRASH ITR_VERBOSE
all="area.circle area.square perimeter.rectangle perimeter.square pipeline smoke units.default units.metre version"

build() {
  ninja area_check perimeter_check units_check smoke_check version_check >/dev/null
}
# run [ctest args]: `itr ctest` in the build tree; sets RAN (tests ctest
# started, sorted, one line), DISABLED (reported "Not Run (Disabled)"),
# STARTED (processes that touched the marker), SUMMARY (itr's line), STATUS.
run() {
  rm -f "$work/marker"
  set +e
  "$itr" ctest "$@" > "$work/last.log" 2>&1
  STATUS=$?
  set -e
  local results
  results=$(grep -E 'Test +#[0-9]+: ' "$work/last.log" || true)
  RAN=$({ grep -v 'Not Run (Disabled)' <<<"$results" || true; } | sed -E 's/.*Test +#[0-9]+: ([^ ]+) .*/\1/' | sort | xargs)
  DISABLED=$({ grep 'Not Run (Disabled)' <<<"$results" || true; } | sed -E 's/.*Test +#[0-9]+: ([^ ]+) .*/\1/' | sort | xargs)
  STARTED=$({ sort "$work/marker" 2>/dev/null || true; } | sed 's/ /:/' | xargs)
  SUMMARY=$(grep '^itr: ' "$work/last.log" | grep -v '^itr: warning' | tail -1 || true)
}
CHECK_LOG_LINES=25
source "$source_dir/tests/e2e_checks.sh"
# edit <file>: changes the compiled code of every function of src/<file>
# (a volatile store the optimizer keeps), not what it computes.
edit() {
  edits=$((${edits:-0} + 1))
  sed -i -E "s/^(double [A-Za-z]+\([^)]*\)) \{/\1 { { volatile int itr_edited = $edits; (void)itr_edited; }/" \
    "$work/ctest-suite/src/$1"
  build
}

build
check help_exits_zero eval '"$itr" ctest --help >/dev/null'

# 1. First run: everything runs and is recorded.
run
check first_run_runs_all equals "$RAN" "$all"
check first_run_passes equals "$STATUS" 0
check first_run_summary contains "$SUMMARY" "skipped 0 of 9 tests"
check user_environment_kept equals "$(grep -cE 'units\.metre \.+ +Passed' "$work/last.log")" 1

# 2. Unchanged: only the unskippable and the uninstrumented tests start; the
#    others show in CTest's summary as not run (disabled), without failing.
run
check unchanged_runs_only_forced_and_uninstrumented equals "$RAN" "smoke version"
check unchanged_processes_not_started equals "$STARTED" "smoke_check:all version_check:-"
check unchanged_others_disabled equals "$DISABLED" "area.circle area.square perimeter.rectangle perimeter.square pipeline units.default units.metre"
check unchanged_passes equals "$STATUS" 0
check unchanged_summary contains "$SUMMARY" "skipped 7 of 9 tests"
check unchanged_forced contains "$SUMMARY" "1 unskippable forced to run"
check ctest_summary_counts_run_tests contains "$(cat "$work/last.log")" "100% tests passed, 0 tests failed out of 2"
check ctest_summary_lists_not_run contains "$(cat "$work/last.log")" "The following tests did not run:"

# CLI: the same store and decisions.
status_out=$("$itr" status 2>&1 || true)
check cli_status_shows_module contains "$status_out" "ctest:build"
explain_out=$("$itr" explain ctest.area.circle --module ctest:build 2>&1 || true)
check cli_explain_skip contains "$explain_out" "decision: skip"
check cli_explain_lists_dependency contains "$explain_out" "libgeometry.a(area.cpp.o)"
explain_out=$("$itr" explain ctest.version --module ctest:build 2>&1 || true)
check cli_explain_uninstrumented_runs contains "$explain_out" "decision: run"

# 3. Edit area.cpp: exactly the tests whose processes executed it run,
#    among them the script running area_check and units_check.
edit area.cpp
run
check area_edit_runs_its_tests equals "$RAN" "area.circle area.square pipeline smoke version"
impacted_out=$("$itr" impacted 2>&1 || true)
run
check after_area_edit_unchanged equals "$RAN" "smoke version"

# 4. Edit units.cpp: the script runs again (its other binary changed).
edit units.cpp
run
check units_edit_runs_its_tests equals "$RAN" "pipeline smoke units.default units.metre version"

# 4b. The script itself (named on the test's command line) is a dependency.
printf '# edited\n' >> "$work/ctest-suite/scripts/pipeline.sh"
run
check script_edit_runs_it equals "$RAN" "pipeline smoke version"
explain_out=$("$itr" explain ctest.pipeline --module ctest:build 2>&1 || true)
check cli_explain_lists_script contains "$explain_out" "ctest-suite/scripts/pipeline.sh"
run
check after_script_edit_unchanged equals "$RAN" "smoke version"

# 5. Every check reads CTEST_SUITE_FAIL: setting it runs them all. A
#    failing test runs until it passes.
edit perimeter.cpp
CTEST_SUITE_FAIL=perimeter_check run
check environment_change_runs_its_readers equals "$RAN" "$all"
check failing_run_fails test "$STATUS" -ne 0
CTEST_SUITE_FAIL=perimeter_check run
check failed_tests_run_again equals "$RAN" "perimeter.rectangle perimeter.square smoke version"
check failing_run_status_nonzero test "$STATUS" -ne 0
run
check environment_back_runs_its_readers equals "$RAN" "$all"
check failed_tests_pass_now equals "$STATUS" 0
run
check passed_tests_skipped_again equals "$RAN" "smoke version"

# 6. A crash is a failure: it runs again (in step 7).
edit units.cpp
CTEST_SUITE_CRASH=units_check run -R '^units\.default$'
check crash_fails equals "$RAN" "units.default"
check crash_status_nonzero test "$STATUS" -ne 0

# 7. -j4 and -R compose with skipping.
run -j4 -R '^(area|units)\.'
check filter_runs_selected_changed equals "$RAN" "units.default units.metre"
check filter_disables_selected_unchanged equals "$DISABLED" "area.circle area.square"
check filter_leaves_others_alone lacks "$(cat "$work/last.log")" "pipeline"
run -j4
check parallel_full_run equals "$RAN" "pipeline smoke version"
check parallel_full_run_status equals "$STATUS" 0

# 7b. Labels select as usual; the user's JUnit report gets every test;
#     verbose mode names the framework and each skipped test.
run -L datadog_itr_unskippable
check label_filter_composes equals "$RAN" "smoke"
ITR_VERBOSE=1 run --output-junit user-report.xml
check user_junit_written equals "$(grep -c '<testcase ' "$work/build/user-report.xml")" 9
check user_junit_shows_disabled equals "$(grep -c 'status="disabled"' "$work/build/user-report.xml")" 7
check verbose_names_framework contains "$(cat "$work/last.log")" "framework ctest 3."
check verbose_lists_skips contains "$(cat "$work/last.log")" "skip ctest.area.square: unchanged"

# 7c. Shards (ITR_TOTAL_SHARDS, ITR_SHARD_INDEX): after an edit, three
#     shards run one after the other on one store, balanced
#     (ITR_SHARDING=balanced: each plans after the previous one recorded,
#     and keeps the first shard's plan) and round-robin: together they run
#     exactly the tests an unsharded run runs, each once.
edit area.cpp
edit perimeter.cpp
sqlite3 "$ITR_STORE" ".backup '$work/snapshot.sqlite'"
cp "$work/snapshot.sqlite" "$work/unsharded.sqlite"
ITR_STORE=$work/unsharded.sqlite run
to_run=$(tr ' ' '\n' <<<"$RAN")
check ctest_shards_have_several_tests test "$(grep -c . <<<"$to_run")" -ge 4
for sharding in balanced framework; do
  cp "$work/snapshot.sqlite" "$work/sharded.sqlite"
  ran_in_shards=""
  for shard in 0 1 2; do
    ITR_STORE=$work/sharded.sqlite ITR_SHARDING=$sharding ITR_RUN_ID=ctest-$sharding \
      ITR_TOTAL_SHARDS=3 ITR_SHARD_INDEX=$shard run
    ran_in_shards=$(printf '%s\n%s\n' "$ran_in_shards" "$(tr ' ' '\n' <<<"$RAN")" | sed '/^$/d')
  done
  check "${sharding}_ctest_shards_run_the_tests_to_run" equals "$(sort -u <<<"$ran_in_shards")" "$(sort <<<"$to_run")"
  check "${sharding}_ctest_shards_run_each_test_once" equals "$(grep -c . <<<"$ran_in_shards")" "$(grep -c . <<<"$to_run")"
done
ITR_TOTAL_SHARDS=3 ITR_SHARD_INDEX=3 run
check invalid_shard_runs_every_changed_test equals "$RAN" "$(sort <<<"$to_run" | xargs)"
check invalid_shard_warns contains "$(cat "$work/last.log")" "ITR_SHARD_INDEX='3'"

# 7d. Two CTest tests of one name (one per directory): ITR cannot tell
#     them apart, so they always run; in shards, both in one shard (the
#     wrapper disables a name, which disables every test of that name).
mkdir -p "$work/dup/a" "$work/dup/b"
printf '%s\n' 'cmake_minimum_required(VERSION 3.16)' 'project(dup NONE)' \
  'enable_testing()' 'add_subdirectory(a)' 'add_subdirectory(b)' \
  'add_test(NAME other COMMAND ${CMAKE_COMMAND} -E echo other)' > "$work/dup/CMakeLists.txt"
for dir in a b; do
  echo 'add_test(NAME same COMMAND ${CMAKE_COMMAND} -E echo same)' > "$work/dup/$dir/CMakeLists.txt"
done
cmake -S "$work/dup" -B "$work/dup/build" >/dev/null
same_ran=0
for shard in 0 1 2; do
  ITR_TOTAL_SHARDS=3 ITR_SHARD_INDEX=$shard run --test-dir "$work/dup/build"
  same_ran=$((same_ran + $(grep -cE 'Test +#[0-9]+: same \.+ +Passed' "$work/last.log" || true)))
done
check same_named_ctest_tests_run_in_one_shard equals "$same_ran" 2

# 8. DD_CIVISIBILITY_ITR_ENABLED=0 runs everything.
DD_CIVISIBILITY_ITR_ENABLED=0 run
check itr_disabled_runs_all equals "$RAN" "$all"
check itr_disabled_says_so contains "$(cat "$work/last.log")" "disabled (DD_CIVISIBILITY_ITR_ENABLED)"

# 9. The tree's own CTestTestfile is untouched: plain ctest still runs all.
set +e
ctest > "$work/last.log" 2>&1
set -e
check plain_ctest_runs_all contains "$(cat "$work/last.log")" "100% tests passed, 0 tests failed out of 9"

# 10. With Datadog configured, the skippable list comes from Datadog and
#     every CTest test is reported (conformance server on 127.0.0.1).
python=/usr/bin/python3
if [ -x "$python" ] && "$python" -c 'import msgpack' 2>/dev/null && command -v jq >/dev/null; then
  "$python" "$source_dir/tests/datadog/conformance_server.py" \
    --port-file "$work/dd-port" --exit-with-parent > "$work/dd-server.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do [ -s "$work/dd-port" ] && break; sleep 0.1; done
  url=http://127.0.0.1:$(cat "$work/dd-port")
  item() { printf '{"type":"test","id":"x","attributes":{"suite":"ctest","name":"%s","configurations":{"test.bundle":"%s"}}}' "$1" "$2"; }
  module=ctest:build
  # Datadog knows commits only: the edits above must be committed first
  # (an uncommitted change skips nothing, see docs/datadog.md).
  git -C "$work" -c user.name=itr -c user.email=itr@example.invalid commit -qam "edits"
  curl -sf -X POST -d "{\"skippable\": [$(item area.circle $module), $(item smoke $module)]}" "$url/_control/scenario" >/dev/null
  DD_CIVISIBILITY_AGENTLESS_ENABLED=1 DD_API_KEY=ctest-e2e-key DD_CIVISIBILITY_AGENTLESS_URL=$url \
    DD_GIT_REPOSITORY_URL=https://example.com/org/ctest-suite.git no_proxy=127.0.0.1 run
  check datadog_skips_the_listed_test equals "$DISABLED" "area.circle"
  check datadog_forces_the_unskippable contains "$SUMMARY" "1 unskippable forced to run"
  requests=$(curl -sf "$url/_control/requests")
  check datadog_reports_every_test equals "$(jq '[.requests[] | select(.route == "/api/v2/citestcycle") | .events_merged[] | select(.type == "test")] | length' <<<"$requests")" 9
  check datadog_framework_is_ctest equals "$(jq -r '[.requests[] | select(.route == "/api/v2/citestcycle") | .events_merged[] | select(.type == "test") | .content.meta["test.framework"]] | unique | join(",")' <<<"$requests")" ctest
  check datadog_marks_the_skip equals "$(jq -r '[.requests[] | select(.route == "/api/v2/citestcycle") | .events_merged[] | select(.content.meta["test.skipped_by_itr"] == "true") | .content.meta["test.name"]] | join(",")' <<<"$requests")" area.circle
  check datadog_no_violations equals "$(jq '.violations | length' <<<"$requests")" 0
  kill "$server" 2>/dev/null || true
else
  echo "(Datadog scenario not run: /usr/bin/python3 with msgpack and jq needed)"
fi

if [ "$failures" -ne 0 ]; then
  echo "FAIL $failures scenario check(s)"
  exit 1
fi
echo "all scenarios passed"
