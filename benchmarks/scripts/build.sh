# shellcheck shell=bash
# Configures and builds the benchmark programs. Sourced; expects REPO_ROOT,
# BENCH_JOBS and the helpers of common.sh.

# build_targets <build dir> <c compiler> <c++ compiler> <target>...
# Configures <build dir> (Release, benchmarks on, tests and examples off)
# and builds the targets with ninja; the log goes to <build dir>/bench-build.log.
build_targets() {
  local dir=$1 cc=$2 cxx=$3
  shift 3
  local build_log="$dir/bench-build.log"
  mkdir -p "$dir"
  log "building in $dir with $cxx: $*"
  if ! cmake -S "$REPO_ROOT" -B "$dir" -G Ninja \
      -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
      -DITR_BUILD_TESTS=OFF -DITR_BUILD_EXAMPLES=OFF \
      -DITR_BUILD_BENCHMARKS=ON > "$build_log" 2>&1 ||
    ! ninja -C "$dir" -j "$BENCH_JOBS" "$@" >> "$build_log" 2>&1; then
    tail -n 40 "$build_log" >&2
    die "build failed, see $build_log"
  fi
}
