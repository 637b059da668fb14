#!/usr/bin/env bash
# Adoption end to end (docs/adoption.md): tests/adoption/adopter, a project
# that vendors GoogleTest as source, uses the plain target_link_libraries
# signature, exports its instrumented static library and compiles its tests
# as C++11 with -Werror, adopts itr-cpp with the documented lines only. Its
# build directory is outside the repository; ctest runs the tests; no ITR_*
# variable is set. Then the single-file GoogleTest layout (fused/) and
# itr-cpp with GoogleTest through FetchContent (fetchcontent/).
#   adoption.sh <itr-cpp source dir> <scratch dir> <itr binary>
set -euo pipefail
source_dir=$1 work=$2 itr=$3
unset CCACHE_BASEDIR
prefix=${ITR_SCRATCH_PREFIX:-}
for variable in $(env | sed -n 's/^\(ITR_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$variable"; done
export XDG_CACHE_HOME=$work/cache  # itr-cpp's cache, away from $HOME
rm -rf "$work"
mkdir -p "$work"
repo=$work/repo build=$work/build
# scratch <repo> <build> <fixture> [cmake args]: a git repository holding
# the fixture, configured in <build>.
scratch() {
  local dir=$1 build_dir=$2 fixture=$3
  shift 3
  ITR_SCRATCH_PREFIX=$prefix ITR_SCRATCH_EXAMPLES="$source_dir/tests/adoption/$fixture" \
    ITR_SCRATCH_BUILD=$build_dir "$source_dir/tools/make-scratch-example" "$dir" "$@"
}
echo > "$work/last.log"
source "$source_dir/tests/e2e_checks.sh"
source "$source_dir/tests/skipper/e2e/source_edits.sh"

# exports <repo> <build>: what export() and install(EXPORT) wrote, with
# the two directories' names taken out.
exports() {
  cat "$2/adopter-targets.cmake" "$2"/adopter/CMakeFiles/Export/*/adopter-targets*.cmake |
    sed -e "s|$2|BUILD|g" -e "s|$1|REPO|g"
}
scratch "$work/before" "$work/before/build" adopter -DADOPTER_ITR=OFF
scratch "$repo" "$build" adopter
check exports_unchanged equals "$(exports "$repo" "$build")" \
  "$(exports "$work/before" "$work/before/build")"
rm -rf "$work/before"

set +e
cmake --build "$build" -- -j2 > "$work/last.log" 2>&1
status=$?
set -e
check builds_cxx11_werror equals "$status" 0
# link_line <target> <build>: the libraries ninja links <target> with.
link_line() {
  awk -v target="build $1" 'index($0, target) == 1 && /CXX_EXECUTABLE/ { found = 1 }
    found && /^  LINK_LIBRARIES = / { print; exit }' "$2/build.ninja"
}
for target in area_tests scale_tests; do
  line=$(link_line "adopter/$target" "$build")
  check "${target}_links_the_vendored_gtest" contains "$line" " lib/libgtest.a"
  check "${target}_links_no_other_gtest" lacks "$line" "/usr/lib/x86_64-linux-gnu/libgtest"
done
check only_one_gtest_main lacks "$(link_line adopter/scale_tests "$build")" "libgtest_main"

# run_ctest <ctest args>: plain ctest in the build directory (outside the
# repository); SKIPPED holds each in-process summary line.
run_ctest() {
  set +e
  (cd "$build" && ctest -V "$@") > "$work/last.log" 2>&1
  STATUS=$?
  set -e
  SUMMARIES=$(grep -oE 'itr: skipped [0-9]+ of [0-9]+ tests' "$work/last.log" || true)
}
all_skipped() { ! grep -vE 'skipped ([0-9]+) of \1 tests' <<<"$1" | grep -q .; }
in_process=7  # area_tests, perimeter_tests, 3 scale.*, catch_tests, doctest_tests

run_ctest -L in_process
check first_run_passes equals "$STATUS" 0
check first_run_has_every_session equals "$(count "$SUMMARIES")" "$in_process"
check first_run_skips_nothing equals "$(grep -c 'skipped 0 of' <<<"$SUMMARIES")" "$in_process"
check no_warning lacks "$(cat "$work/last.log")" "itr: warning"
check store_in_the_repository test -f "$repo/.itr/itr.sqlite"

run_ctest -L in_process
check unchanged_rerun_passes equals "$STATUS" 0
check unchanged_rerun_reports_every_session equals "$(count "$SUMMARIES")" "$in_process"
check unchanged_rerun_skips_every_test all_skipped "$SUMMARIES"
check unchanged_rerun_skips_gtest contains "$(cat "$work/last.log")" "itr: skipped 2 of 2 tests"
check unchanged_rerun_skips_catch2_and_doctest equals \
  "$(grep -c 'itr: skipped 3 of 3 tests' "$work/last.log")" 2

version=$(cd "$build" && ITR_VERBOSE=1 adopter/area_tests 2>&1 | grep -o 'framework gtest [^ ,]*' || true)
check gtest_version_is_the_vendored_one equals "$version" "framework gtest 1.12.1"

# The zero-edit route: gtest_discover_tests and `itr ctest`.
run_itr_ctest() {
  set +e
  (cd "$build" && "$itr" ctest "$@") > "$work/last.log" 2>&1
  STATUS=$?
  set -e
  DISABLED=$(grep -c 'Not Run (Disabled)' "$work/last.log" || true)
}
run_itr_ctest -L zero_edit
check itr_ctest_first_run_passes equals "$STATUS" 0
check itr_ctest_first_run_runs_all equals "$DISABLED" 0
run_itr_ctest -L zero_edit
check itr_ctest_unchanged_skips_all equals "$DISABLED" 3

# An edit runs exactly the tests that executed the function.
edit_function "$repo/adopter/src/shapes.cpp" '^double Area(double width, double height) {'
cmake --build "$build" -- -j2 > "$work/last.log" 2>&1
run_ctest -L in_process
check edit_runs_area_tests contains "$(cat "$work/last.log")" "[       OK ] Area.OfASquare"
check edit_runs_the_catch2_area_case contains "$SUMMARIES" "itr: skipped 2 of 3 tests"
check edit_skips_perimeter_tests lacks "$(cat "$work/last.log")" "[       OK ] Perimeter.OfASquare"
run_itr_ctest -L zero_edit
check itr_ctest_edit_runs_its_test equals "$DISABLED" 2
check itr_ctest_edit_runs_name_area contains "$(cat "$work/last.log")" "name.Name.Area"

# itr report: one static page, well-formed (an XML parser reads it whole),
# with every run of the store, the plot, and why each test ran.
set +e
(cd "$repo" && "$itr" report "$work/report.html") > "$work/last.log" 2>&1
status=$?
set -e
check report_written equals "$status" 0
check report_is_complete equals "$(python3 - "$work/report.html" "$repo/.itr/itr.sqlite" <<'PY'
import sqlite3, sys, xml.etree.ElementTree as ET
page = ET.parse(sys.argv[1]).getroot()  # raises on malformed markup
runs = sqlite3.connect(sys.argv[2]).execute("SELECT COUNT(*) FROM run_history").fetchone()[0]
svg = "{http://www.w3.org/2000/svg}"
plot = [e for e in page.iter(svg + "svg") if e.get("id") == "saved-plot"]
points = len(list(plot[0].iter(svg + "circle"))) if plot else -1
rows = [t for t in page.iter("table") if t.get("id") == "runs"]
rows = len(rows[0].find("tbody").findall("tr")) if rows else -1
cells = [" ".join(td.itertext()) for td in page.iter("td")]
reasons = all(any(r in c for c in cells) for r in
              ("new test", "skipped: unchanged", "changed: "))
print(page.tag, runs > 0 and points == runs and rows == runs, reasons)
PY
)" "html True True"

# itr coverage: after a run that skipped tests, the same lines as a full
# run (per file, per line executed or not), and genhtml renders it.
coverage_run() {  # coverage_run <name> [VAR=value...]: a run and its report
  local name=$1
  shift
  rm -f "$work/$name.jsonl"
  (cd "$build" && env "$@" ITR_COVERAGE_EXPORT="$work/$name.jsonl" ctest -V -L in_process) \
    > "$work/last.log" 2>&1 || true
  SUMMARIES=$(grep -oE 'itr: skipped [0-9]+ of [0-9]+ tests' "$work/last.log" || true)
  (cd "$repo" && "$itr" coverage "$work/$name.jsonl" "$work/$name.info" "$work/$name.xml") \
    >> "$work/last.log" 2>&1
}
coverage_run recorded ITR_COLLECT_ONLY=1
# An edit that changes Area's code and moves no line.
sed -i 's/  double area = width \* height;/  double area = width * height + 0.0;/' "$repo/adopter/src/shapes.cpp"
grep -q 'height + 0.0;' "$repo/adopter/src/shapes.cpp"
cmake --build "$build" -- -j2 > "$work/last.log" 2>&1
coverage_run skipping
check coverage_run_skipped_tests contains "$SUMMARIES" "skipped 2 of 2"
check coverage_run_ran_tests contains "$SUMMARIES" "skipped 0 of 2"
coverage_run full ITR_COLLECT_ONLY=1
hits() { grep -E '^(SF|DA):' "$1"; }
check coverage_has_lines test "$(grep -c '^DA:' "$work/full.info")" -gt 10
check coverage_has_unexecuted_lines grep -q '^DA:[0-9]*,0$' "$work/full.info"
check coverage_with_skips_equals_full_run equals "$(hits "$work/skipping.info")" "$(hits "$work/full.info")"
check cobertura_is_xml python3 -c 'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])' "$work/skipping.xml"
if command -v genhtml >/dev/null; then
  check genhtml_renders_it sh -c "cd '$repo' && genhtml -q '$work/skipping.info' -o '$work/html' && test -s '$work/html/index.html'"
else
  echo "(genhtml not installed: tools/setup installs lcov)"
fi

# The single-file layout: GoogleTest compiled from one gmock-gtest-all.cc
# into a target of the project's own, named by ITR_GTEST_TARGET.
scratch "$work/fused" "$work/fused-build" fused -DITR_GTEST_TARGET=gmock_gtest_all
set +e
cmake --build "$work/fused-build" -- -j2 > "$work/last.log" 2>&1
status=$?
set -e
check fused_builds equals "$status" 0
line=$(link_line fused/fused_tests "$work/fused-build")
check fused_links_its_single_file_gtest contains "$line" "libgmock_gtest_all.a"
check fused_links_no_other_gtest lacks "$line" "libgtest"
(cd "$work/fused-build" && fused/fused_tests) > "$work/last.log" 2>&1 || true
(cd "$work/fused-build" && fused/fused_tests) > "$work/last.log" 2>&1 || true
check fused_unchanged_rerun_skips_all contains "$(cat "$work/last.log")" "itr: skipped 2 of 2 tests"

# FetchContent: itr-cpp and GoogleTest both fetched (from local sources),
# configured only: itr::gtest_main links the fetched GoogleTest, and
# itr-cpp adds none of its own tests.
set +e
cmake -S "$source_dir/tests/adoption/fetchcontent" -B "$work/fetched" -G Ninja \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DITR_CPP_SOURCE_DIR="$source_dir" -DGOOGLETEST_SOURCE_DIR=/usr/src/googletest \
  > "$work/last.log" 2>&1
status=$?
set -e
check fetchcontent_configures equals "$status" 0
line=$(link_line fetched_tests "$work/fetched")
check fetchcontent_links_the_fetched_gtest contains "$line" " lib/libgtest.a"
check fetchcontent_links_no_other_gtest lacks "$line" "/usr/lib/x86_64-linux-gnu/libgtest"
check fetchcontent_adds_no_itr_tests equals \
  "$(ctest --test-dir "$work/fetched" -N | grep -c 'Test *#' || true)" 1

echo "$failures adoption check(s) failed"
[ "$failures" -eq 0 ]
