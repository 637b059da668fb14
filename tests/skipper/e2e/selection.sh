#!/usr/bin/env bash
# End-to-end scenarios of function-level selection (docs/skipper.md): real
# builds of tests/skipper/e2e/selection-suite in a scratch git repository,
# its tests run by GoogleTest, Catch2, doctest (in process) and `itr ctest`
# (one CTest test per GoogleTest test), each scenario asserting exactly which
# tests ran under every runner. A scenario that breaks a test then reverts
# the edit: the failed test runs again, and passes.
#   selection.sh <itr-cpp source dir> <scratch dir> <itr binary>
set -euo pipefail
source_dir=$1 work=$2 itr=$3
# ccache's base-dir rewriting makes __FILE__ and debug paths relative: the
# scratch build must see the real paths, as a user's build does.
unset CCACHE_BASEDIR
ITR_SCRATCH_EXAMPLES="$source_dir/tests/skipper/e2e/selection-suite" \
  "$source_dir/tools/make-scratch-example" "$work"
cd "$work"
export ITR_STORE=$work/.itr/itr.sqlite ITR_CACHE_DIR=$work/cache
unset DD_CIVISIBILITY_ITR_ENABLED ITR_UNSKIPPABLE ITR_UNSKIPPABLE_FILE ITR_COLLECT_ONLY \
  ITR_VERBOSE ITR_GRANULARITY ITR_TEST_ID ITR_COVERAGE_EXPORT ITR_REPO_ROOT SEL_MODE
suite=$work/selection-suite
bin=$work/build/selection-suite
runners="gtest catch2 doctest ctest"

build() {
  cmake --build build --target sel_gtest sel_catch2 sel_doctest -- -j2 >/dev/null
}
# run_<runner>: runs the suite; prints the tests that ran, sorted, one per
# line; the output goes to $work/<runner>.log.
run_gtest() {
  "$bin/sel_gtest" > "$work/gtest.log" 2>&1 || true
  { grep -E '^\[ +(OK|FAILED) +\] [^ ]+ \(' "$work/gtest.log" || true; } |
    sed -E 's/^\[ +(OK|FAILED) +\] ([^ ]+) .*/\2/' | sort -u
}
run_catch2() {
  "$bin/sel_catch2" -d yes > "$work/catch2.log" 2>&1 || true
  { grep -E '^[0-9.]+ s: ' "$work/catch2.log" || true; } |
    sed -E 's/^[0-9.]+ s: //' | sort -u
}
run_doctest() {
  "$bin/sel_doctest" --duration=true > "$work/doctest.log" 2>&1 || true
  { grep -E '^[0-9.]+ s: ' "$work/doctest.log" || true; } |
    sed -E 's/^[0-9.]+ s: //' | sort -u
}
run_ctest() {
  (cd build && "$itr" ctest > "$work/ctest.log" 2>&1) || true
  { grep -E 'Test +#[0-9]+: ' "$work/ctest.log" || true; } |
    { grep -v 'Not Run (Disabled)' || true; } |
    sed -E 's/.*Test +#[0-9]+: ([^ ]+) .*/\1/' | sort -u
}
source "$source_dir/tests/e2e_checks.sh"
source "$source_dir/tests/skipper/e2e/source_edits.sh"
CHECK_LOG_LINES=25

# expect <scenario> <tests...>: runs every runner; each must have run
# exactly those tests (for `itr ctest`, EXPECT_CTEST overrides the list).
expect() {
  local scenario=$1
  shift
  local expected
  expected=$(printf '%s\n' "$@" | sed '/^$/d' | sort -u)
  for runner in $runners; do
    local ran wanted=$expected
    ran=$(run_$runner)
    if [ "$runner" = ctest ] && [ -n "${EXPECT_CTEST+set}" ]; then
      wanted=$(printf '%s\n' $EXPECT_CTEST | sed '/^$/d' | sort -u)
    fi
    ln -sf "$work/$runner.log" "$work/last.log"
    check "$runner.$scenario" equals "$ran" "$wanted"
  done
}
# revert <file...>: back to the committed version.
revert() { git checkout -q -- "$@"; }

all="Body.Edited Data.Csv Data.Words Env.Mode Limits.Folded Limits.Level
Limits.Limit Limits.Scale Other.One Other.Two Registry.Entries Text.Alpha
Text.Beta Text.Greeting"

build
expect first_run_runs_everything $all
expect unchanged_runs_nothing

# A constexpr constant in a header: no executable line, but the code that
# uses it changed.
sed -i 's/kLimit = 16;/kLimit = 17;/' "$suite/include/sel/limits.h"
build
expect constexpr_edit Limits.Limit
revert "$suite/include/sel/limits.h"
build
expect constexpr_revert_reruns_the_failed_test Limits.Limit

# A macro.
sed -i 's/^#define SEL_SCALE 3$/#define SEL_SCALE 4/' "$suite/include/sel/limits.h"
build
expect macro_edit Limits.Scale
revert "$suite/include/sel/limits.h"
build
expect macro_revert Limits.Scale

# A compile definition (every source of the library is recompiled).
sed -i 's/SEL_LEVEL=1/SEL_LEVEL=2/' "$suite/CMakeLists.txt"
build
expect compile_definition_edit Limits.Level
revert "$suite/CMakeLists.txt"
build
expect compile_definition_revert Limits.Level

# A template whose call the optimizer folded into a constant in the test's
# own code: no instruction of the template is left.
sed -i 's/value > high ? high : value;/value > high ? high + 1 : value;/' \
  "$suite/include/sel/limits.h"
build
expect folded_template_edit Limits.Folded
revert "$suite/include/sel/limits.h"
build
expect folded_template_revert Limits.Folded

# A string literal.
sed -i 's/return "hello";/return "hallo";/' "$suite/src/text.cpp"
build
expect string_literal_edit Text.Greeting
revert "$suite/src/text.cpp"
build
expect string_literal_revert Text.Greeting

# Data files read at run time, through std::ifstream and through fopen.
echo "d,4" >> "$suite/data/table.csv"
expect ifstream_data_edit Data.Csv
revert "$suite/data/table.csv"
expect ifstream_data_revert Data.Csv
sed -i 's/^alpha$/omega/' "$suite/data/words.txt"
expect fopen_data_edit Data.Words
revert "$suite/data/words.txt"
expect fopen_data_revert Data.Words

# An environment variable a test reads.
SEL_MODE=other expect environment_set Env.Mode
expect environment_unset Env.Mode
SEL_MODE=default expect environment_other_value Env.Mode
expect environment_unset_again Env.Mode

# A comment-only edit of a library source: no compiled code changed.
sed -i 's|// A comment that an edit may change.|// The comment, edited.|' "$suite/src/text.cpp"
build
expect comment_edit_runs_nothing
# One of two functions of one source: only the tests that executed it.
edit_function "$suite/src/text.cpp" 'int Alpha(int x) {'
build
expect one_function_edit Text.Alpha
revert "$suite/src/text.cpp"
build
expect one_function_revert Text.Alpha

# One test's body. (An edit the optimizer folds away changes no code: in
# GoogleTest, EXPECT_EQ(1 + 1, 2) -> EXPECT_EQ(2 + 2, 4) compiles to the
# same instructions, and skipping that test is right.)
sed -i 's/(1 + 1, 2)/(sel::Beta(1), 2)/; s/(1 + 1 == 2)/(sel::Beta(1) == 2)/' \
  "$suite"/tests/{gtest,catch2,doctest}_test.cpp
build
expect test_body_edit Body.Edited

# A global object's constructor: the tests that reach what it built. Under
# `itr ctest` each test is a process whose exit runs the object's destructor,
# a function of the same unit: every process of the binary depends on it.
sed -i 's/Registry() { entries.push_back(1); }/Registry() { entries.push_back(1); entries.push_back(2); }/' \
  "$suite/src/registry.cpp"
build
EXPECT_CTEST=$all expect global_constructor_edit Registry.Entries
revert "$suite/src/registry.cpp"
build
EXPECT_CTEST=$all expect global_constructor_revert Registry.Entries

# A test added to a file: it runs; the other tests of its file may.
printf '%s\n' 'TEST(Other, Three) { EXPECT_EQ(3, 3); }' >> "$suite/tests/gtest_other_test.cpp"
for framework in catch2 doctest; do
  printf '%s\n' 'TEST_CASE("Other.Three") { CHECK(3 == 3); }' >> "$suite/tests/${framework}_other_test.cpp"
done
sed -i 's/Other.One Other.Two)/Other.One Other.Two Other.Three)/' "$suite/CMakeLists.txt"
build
for runner in $runners; do
  ran=$(run_$runner)
  ln -sf "$work/$runner.log" "$work/last.log"
  check "$runner.test_added_runs" includes_all "$ran" Other.Three
  # Its file's registration changed: that file's tests may run, no other.
  check "$runner.test_added_runs_only_its_file" includes_all \
    "$(printf '%s\n' Other.One Other.Two Other.Three)" "$ran"
done

echo "$failures scenario check(s) failed"
[ "$failures" -eq 0 ]
