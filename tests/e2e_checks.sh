# shellcheck shell=bash
# Assertions shared by the end-to-end scripts (tests/skipper/e2e/*.sh,
# tests/datadog/e2e/scenarios.sh). Sourced after $work is set: a failing
# check prints the end of $work/last.log and counts in $failures.
# CHECK_PREFIX prefixes check names ("catch2."); CHECK_LOG_LINES is how much
# of the log a failure shows (15).
failures=0

count() { if [ -z "$1" ]; then echo 0; else wc -l <<<"$1" | tr -d ' '; fi; }
check() {  # check <name> <condition...>
  local name=${CHECK_PREFIX:-}$1
  shift
  if "$@"; then
    echo "PASS $name"
  else
    echo "FAIL $name"
    failures=$((failures + 1))
    sed 's/^/    | /' "$work/last.log" | tail -"${CHECK_LOG_LINES:-15}"
  fi
}
equals() {
  [ "$1" = "$2" ] && return 0
  if [ "$(wc -l <<<"$1")" -gt 1 ] || [ "$(wc -l <<<"$2")" -gt 1 ]; then
    # Line sets: what is missing and what is extra says more than both.
    echo "    missing: $(comm -13 <(sort <<<"$1") <(sort <<<"$2") | tr '\n' ' ')"
    echo "    extra:   $(comm -23 <(sort <<<"$1") <(sort <<<"$2") | tr '\n' ' ')"
  else
    echo "    expected [$2], got [$1]"
  fi
  return 1
}
# includes_all <lines> <lines>: every line of the second is in the first.
includes_all() {
  local missing
  missing=$(comm -13 <(sort -u <<<"$1") <(sort -u <<<"$2") | sed '/^$/d')
  [ -z "$missing" ] || { echo "    missing: $(tr '\n' ' ' <<<"$missing")"; return 1; }
}
contains() { grep -qF -- "$2" <<<"$1" || { echo "    [$1] lacks [$2]"; return 1; }; }
lacks() { ! grep -qF -- "$2" <<<"$1" || { echo "    [$1] has [$2]"; return 1; }; }
