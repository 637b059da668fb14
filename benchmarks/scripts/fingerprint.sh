# shellcheck shell=bash
# fingerprint_ms.{cold,cached}: the function index of the resolve
# benchmark's ~1M-probe binary (itr_instrument links it with
# -Wl,--emit-relocs and its map): FunctionIndex::Build + WriteFile, then
# ReadFile with verification; medians of FINGERPRINT_RUNS in one process.
# Baselines in the same run: reading the binary's bytes (fingerprint_ms.read)
# and the cold DWARF pass of the same binary (resolve_ms.cold, measured once
# here when the resolve figures are not selected). Sourced; see README.md.

FINGERPRINT_RUNS=${FINGERPRINT_RUNS:-5}

fingerprint_targets() {
  if wants fingerprint; then
    echo fingerprint_bench
    echo resolve_bench
  fi
}

run_fingerprint() {
  wants fingerprint || return 0
  local bench=$CLANG_BUILD_DIR/benchmarks/fingerprint/fingerprint_bench
  local elf=$CLANG_BUILD_DIR/benchmarks/resolve/resolve_bench
  mkdir -p "$WORK_DIR/fingerprint"
  "$bench" "$elf" "$WORK_DIR/fingerprint" "$FINGERPRINT_RUNS" \
    > "$WORK_DIR/stdout" 2> "$WORK_DIR/stderr" ||
    die "fingerprint_bench failed: $(cat "$WORK_DIR/stderr")"
  local -A value
  local name number
  while read -r name number; do value[$name]=$number; done < "$WORK_DIR/stdout"
  log "fingerprint: ${value[functions]} functions, ${value[units]} units," \
    "binary ${value[elf_mb]} MB, index ${value[index_mb]} MB"
  emit fingerprint.functions "${value[functions]}" functions
  emit fingerprint.index_mb "${value[index_mb]}" MB
  emit fingerprint_ms.cold "${value[cold_ms]}" ms
  emit fingerprint_ms.cached "${value[cached_ms]}" ms
  emit fingerprint_ms.read "${value[read_ms]}" ms
  emit fingerprint_ratio.cold_vs_read \
    "$(divide "${value[cold_ms]}" "${value[read_ms]}" %.1f)" x
  if [[ -z ${RESOLVE_COLD_MS:-} ]]; then  # resolve not selected: one run
    RESOLVE_BENCH=$elf
    mkdir -p "$WORK_DIR/fingerprint-resolve-cache"
    resolve_once "$WORK_DIR/fingerprint-resolve-cache" DWARF
    RESOLVE_COLD_MS=$REPLY
    log "resolve_ms.cold baseline (one run): $RESOLVE_COLD_MS ms"
  fi
  emit fingerprint_ratio.cold_vs_resolve_cold \
    "$(divide "${value[cold_ms]}" "$RESOLVE_COLD_MS")" x
}
