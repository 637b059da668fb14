# shellcheck shell=bash
# resolve_ms.{cold,cached}: time of itr_coverage_resolve_all() in a real
# ~1M-edge binary, with an empty cache directory (DWARF pass, then cache
# write) and again with the cache that run wrote; medians over RESOLVE_RUNS
# fresh cache directories. Optional baseline: llvm-symbolizer on 100k of the
# binary's PCs. Sourced; see README.md.

RESOLVE_RUNS=${RESOLVE_RUNS:-3}
RESOLVE_SYMBOLIZER_PCS=100000

resolve_targets() {
  if wants resolve; then echo resolve_bench; fi
}

# resolve_once <cache dir> <expected source: DWARF|cache>: one process; sets
# REPLY to its resolve time in ms and RESOLVE_PROBES to the probe count.
resolve_once() {
  local cache_dir=$1 expected=$2
  ITR_CACHE_DIR=$cache_dir ITR_VERBOSE=1 "$RESOLVE_BENCH" \
    > "$WORK_DIR/stdout" 2> "$WORK_DIR/stderr" ||
    die "resolve_bench failed: $(cat "$WORK_DIR/stderr")"
  grep -q "resolved .* from $expected" "$WORK_DIR/stderr" ||
    die "resolve_bench did not resolve from $expected: $(cat "$WORK_DIR/stderr")"
  RESOLVE_PROBES=$(awk '$1 == "probes" { print $2 }' "$WORK_DIR/stdout")
  REPLY=$(awk '$1 == "resolve_ms" { print $2 }' "$WORK_DIR/stdout")
}

# Sets SYMBOLIZER_MS to the median wall time of llvm-symbolizer (file and
# line only) over RESOLVE_SYMBOLIZER_PCS PCs sampled from the binary; leaves
# it empty when llvm-symbolizer is missing.
measure_symbolizer() {
  local symbolizer run resolved
  local -a times=()
  SYMBOLIZER_MS=
  symbolizer=$(command -v llvm-symbolizer-14 || command -v llvm-symbolizer) ||
    return 0
  "$RESOLVE_BENCH" --sample-pcs "$RESOLVE_SYMBOLIZER_PCS" > "$WORK_DIR/pcs"
  for ((run = 0; run < RESOLVE_RUNS; ++run)); do
    time_run "$symbolizer" --obj="$RESOLVE_BENCH" --functions=none \
      --no-inlines < "$WORK_DIR/pcs"
    times+=("$(divide "$REPLY" 0.001 %.1f)")
  done
  resolved=$(grep -c 'branchy_' "$WORK_DIR/stdout" || true)
  log "llvm-symbolizer placed $resolved of $(wc -l < "$WORK_DIR/pcs") PCs" \
    "in generated files"
  SYMBOLIZER_MS=$(median "${times[@]}")
}

run_resolve() {
  wants resolve || return 0
  RESOLVE_BENCH=$CLANG_BUILD_DIR/benchmarks/resolve/resolve_bench
  local run cache_dir cache_bytes
  local -a cold=() cached=()
  for ((run = 0; run < RESOLVE_RUNS; ++run)); do
    cache_dir=$WORK_DIR/resolve-cache-$run
    mkdir "$cache_dir"
    resolve_once "$cache_dir" DWARF
    cold+=("$REPLY")
    resolve_once "$cache_dir" cache
    cached+=("$REPLY")
  done
  cache_bytes=$(cat "$cache_dir"/* | wc -c)
  log "resolve_ms cold: ${cold[*]}; cached: ${cached[*]}"
  emit resolve.probes "$RESOLVE_PROBES" probes
  RESOLVE_COLD_MS=$(median "${cold[@]}")
  emit resolve_ms.cold "$RESOLVE_COLD_MS" ms
  emit resolve_ms.cached "$(median "${cached[@]}")" ms
  emit resolve.cache_mb "$(divide "$cache_bytes" 1000000 %.2f)" MB
  if wants resolve_ms.symbolizer_100k || wants resolve_ratio; then
    measure_symbolizer
    if [[ -n $SYMBOLIZER_MS ]]; then
      emit resolve_ms.symbolizer_100k "$SYMBOLIZER_MS" ms
      emit resolve_ratio.cold_vs_symbolizer_100k \
        "$(divide "$(median "${cold[@]}")" "$SYMBOLIZER_MS")" x
    else
      log "llvm-symbolizer not found: no symbolizer baseline"
    fi
  fi
}
