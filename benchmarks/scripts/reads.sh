# shellcheck shell=bash
# open_hook_ns, getenv_hook_ns (and their .baseline and variants): cost of
# read tracking's interposers per call, over the same call made to libc
# directly (read_hooks_bench prints the BENCH lines). Sourced; see README.md.

reads_targets() {
  if wants open_hook_ns || wants getenv_hook_ns; then echo read_hooks_bench; fi
}

run_reads() {
  wants open_hook_ns || wants getenv_hook_ns || return 0
  local dir=$WORK_DIR/reads name value unit
  mkdir -p "$dir/repo"
  ITR_REPO_ROOT=$dir/repo ITR_CACHE_DIR=$WORK_DIR/itr-cache \
    "$CLANG_BUILD_DIR/benchmarks/reads/read_hooks_bench" "$dir" \
    > "$WORK_DIR/stdout" || die "read_hooks_bench failed"
  while read -r _ name value unit; do
    emit "$name" "$value" "$unit"
  done < <(grep '^BENCH ' "$WORK_DIR/stdout")
}
