#!/usr/bin/env bash
# Builds and runs a downstream project against itr-cpp.
#   run_consumer.sh find_package <itr build dir> <itr source dir> <work dir>
#   run_consumer.sh add_subdirectory <itr build dir> <itr source dir> <work dir>
#   run_consumer.sh makefile <itr build dir> <itr source dir> <work dir>
set -euo pipefail
how=$1 build=$2 source=$3 work=$4
rm -rf "$work" && mkdir -p "$work"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
export ITR_CACHE_DIR="$work/cache"
case "$how" in
  find_package)
    cmake --install "$build" --prefix "$work/prefix" >/dev/null
    CXX=${CXX:-clang++} cmake -S "$source/tests/packaging/consumer" -B "$work/b" \
      "${generator[@]}" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
    cmake --build "$work/b" >/dev/null
    binary=$work/b/consumer
    export ITR_REPO_ROOT="$source/tests/packaging/consumer"
    expected="covered consumer_lib.cpp"
    # The pkg-config file of the same installed tree.
    PKG_CONFIG_PATH=$(dirname "$(find "$work/prefix" -name itr-cpp.pc)") \
      pkg-config --cflags --libs itr-cpp | grep -q -- "-litr_runtime" ||
      { echo "pkg-config itr-cpp: no -litr_runtime" >&2; exit 1; } ;;
  add_subdirectory)
    CXX=${CXX:-clang++} cmake -S "$source/tests/packaging/consumer" -B "$work/b" \
      "${generator[@]}" -DITR_CPP_SOURCE_DIR="$source" >/dev/null
    cmake --build "$work/b" >/dev/null
    binary=$work/b/consumer
    export ITR_REPO_ROOT="$source/tests/packaging/consumer"
    expected="covered consumer_lib.cpp" ;;
  makefile)
    make -s -C "$source/examples/makefile" ITR_CONFIG="$build/itr-config" \
      BUILD="$work" CXX="${CXX:-clang++}" >/dev/null
    binary=$work/calc_test
    export ITR_REPO_ROOT="$source/examples/makefile"
    expected="covered calc.cpp" ;;
  *) echo "unknown mode $how" >&2; exit 2 ;;
esac
# The link wrote the map and `itr index` the function index beside it.
for suffix in .itr.map .itridx; do
  [ -s "$binary$suffix" ] || { echo "missing: $binary$suffix" >&2; exit 1; }
done
output=$("$binary")
echo "$output"
grep -qx "$expected" <<<"$output" || { echo "missing: $expected" >&2; exit 1; }
