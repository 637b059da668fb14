#!/usr/bin/env bash
# The fault-injection suite (issue 11, docs/skipper.md "Failure modes"):
# real processes of a small instrumented GoogleTest binary against real
# stores, caches and loopback servers, each scenario a fault as a hostile
# environment would make it. Every scenario asserts: every test that must
# run ran, nothing recorded is lost, the time stays bounded, and the user
# reads one clear warning (naming the file or variable it is about).
#   faults.sh <scenario> <scratch dir>
# with FAULT_SUITE (the test binary), FAULT_STATE_PROGRAM, ITR_CLI,
# SOURCE_DIR and PYTHON (the system python3) in the environment.
# "FAIL <check>" lines fail the ctest test (FAIL_REGULAR_EXPRESSION).
set -euo pipefail
scenario=$1 work=$2
binary=$FAULT_SUITE itr_cli=$ITR_CLI
rm -rf "$work"
mkdir -p "$work"
cd "$work"
# The environment of an ordinary local run; each scenario adds its fault.
for name in $(env | sed -n 's/^\(\(DD\|ITR\)_[A-Z0-9_]*\)=.*/\1/p'); do
  unset "$name"
done
export ITR_REPO_ROOT=$SOURCE_DIR ITR_STORE=$work/.itr/itr.sqlite \
  ITR_CACHE_DIR=$work/cache no_proxy=127.0.0.1,localhost
touch "$work/last.log"
source "$SOURCE_DIR/tests/e2e_checks.sh"

# run [VAR=value...]: runs the suite with those variables; sets RAN (tests
# that ran), SKIPPED (the summary's count), WARNINGS (the warning lines),
# ELAPSED (seconds, one decimal) and STATUS. Output in $work/last.log.
# AS_USER (e.g. "unshare -U") runs it as another user.
run() {
  local start end
  start=$(date +%s.%N)
  set +e
  env "$@" ${AS_USER:-} "$binary" > "$work/last.log" 2>&1
  STATUS=$?
  set -e
  end=$(date +%s.%N)
  ELAPSED=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }')
  RAN=$({ grep -E '^\[ +(OK|FAILED) +\] [^ ]+ \(' "$work/last.log" || true; } |
    sed -E 's/^\[ +(OK|FAILED) +\] ([^ ]+) .*/\2/' | sort -u)
  SKIPPED=$(sed -n 's/^itr: skipped \([0-9]*\) of .*/\1/p' "$work/last.log" | tail -1)
  WARNINGS=$(grep '^itr: warning' "$work/last.log" || true)
}
ALL=$("$binary" --gtest_list_tests | awk '/^[^ ]/ { s = $1 } /^  / { print s $1 }' | sort)
TOTAL=$(count "$ALL")
all_ran() { equals "$RAN" "$ALL"; }
none_ran() { equals "$(count "$RAN")" 0; }
one_warning() {  # one_warning <text it contains>
  equals "$(count "$WARNINGS")" 1 && contains "$WARNINGS" "$1"
}
no_warning() { equals "$WARNINGS" ""; }
within() { awk -v e="$ELAPSED" -v m="$1" 'BEGIN { exit !(e < m) }' ||
  { echo "    took ${ELAPSED}s, bound ${1}s"; return 1; }; }
sql() { sqlite3 "$ITR_STORE" "$@"; }
# Records everything, then checks that an unchanged rerun skips it all.
baseline() {
  run "$@"
  check baseline_runs_everything all_ran
  run "$@"
  check baseline_then_skips_everything none_ran
}
finish() {
  echo "$scenario: $failures failed check(s)"
  [ "$failures" -eq 0 ]
}

# 1. A tampered probe-to-line cache is rebuilt, never trusted: file names
#    swapped, or a file's probes pointed at a header outside the
#    repository, in an entry of the same size.
scenario_cache_tamper() {
  ITR_GRANULARITY=file ITR_COVERAGE_EXPORT=$work/good.jsonl run
  check records_everything all_ran
  local entry ledger rates outside
  entry=$(ls "$ITR_CACHE_DIR"/*.itrmap | head -1)
  ledger=$SOURCE_DIR/tests/fault/suite/ledger.cpp
  rates=$SOURCE_DIR/tests/fault/suite/rates.cpp
  # Same length as ledger.cpp's path, outside the repository.
  outside=/tmp/$(printf '%*s' $((${#ledger} - 5)) '' | tr ' ' x)
  for tamper in swap outside; do
    cp "$entry" "$work/entry.bak"
    "$PYTHON" - "$entry" "$ledger" "$rates" "$outside" "$tamper" <<'PY'
import sys
path, ledger, rates, outside, how = sys.argv[1:]
data = open(path, "rb").read()
a, b = ledger.encode(), rates.encode()
if how == "swap":
    assert a in data and b in data, "both names are in the entry"
    data = data.replace(a, b"\0MARK\0").replace(b, a).replace(b"\0MARK\0", b)
else:
    assert len(outside) == len(a)
    data = data.replace(a, outside.encode())
open(path, "wb").write(data)
PY
    check "${tamper}_keeps_the_size" equals "$(stat -c %s "$entry")" \
      "$(stat -c %s "$work/entry.bak")"
    rm -f "$work/tampered.jsonl"
    ITR_GRANULARITY=file ITR_VERBOSE=2 ITR_COLLECT_ONLY=1 \
      ITR_COVERAGE_EXPORT=$work/tampered.jsonl run
    check "${tamper}_is_not_resolved_from_cache" lacks "$(cat last.log)" "from cache"
    check "${tamper}_rebuilds_from_dwarf" contains "$(cat last.log)" "from DWARF"
    check "${tamper}_records_the_true_files" equals \
      "$("$PYTHON" -c 'import json,sys; print(sorted(f for l in open(sys.argv[1]) for f in json.loads(l)["files"]))' "$work/tampered.jsonl")" \
      "$("$PYTHON" -c 'import json,sys; print(sorted(f for l in open(sys.argv[1]) for f in json.loads(l)["files"]))' "$work/good.jsonl")"
    check "${tamper}_ledger_tests_depend_on_ledger_cpp" equals \
      "$(sql "SELECT COUNT(DISTINCT t.id) FROM tests t JOIN test_dependencies d ON d.test_id = t.id JOIN fingerprints f ON f.id = d.fingerprint_id WHERE t.suite = 'Ledger' AND f.key = 'tests/fault/suite/ledger.cpp'")" 4
    check "${tamper}_heals_the_entry" test "$(cmp -s "$entry" "$work/entry.bak"; echo $?)" = 0
  done
}

# 2. ITR_UNSKIPPABLE_FILE that is no readable list: every test runs, at
#    once, with one warning naming the variable.
scenario_unskippable_file() {
  baseline
  mkdir -p "$work/list-dir"
  mkfifo "$work/list-fifo"
  head -c 2000000 /dev/zero | tr '\0' 'x' > "$work/list-big"
  for list in "$work/list-dir" /dev/zero "$work/list-fifo" "$work/list-big" \
              "$work/none"; do
    run ITR_UNSKIPPABLE_FILE="$list"
    local name
    name=$(basename "$list")
    check "${name}_runs_everything" all_ran
    check "${name}_warns_once" one_warning "ITR_UNSKIPPABLE_FILE '$list'"
    check "${name}_is_quick" within 10
  done
  printf '# the one that must run\nRates.Fee*\n' > "$work/list.txt"
  run ITR_UNSKIPPABLE_FILE="$work/list.txt"
  check a_readable_list_still_works equals "$RAN" ""
}

# 3. Custom configurations that used to share one key.
scenario_configurations() {
  baseline DD_TAGS=test.configuration.a:1,test.configuration.b:2
  for tags in 'test.configuration.a:1;b=2' 'test.configuration.a=1;b:2'; do
    run DD_TAGS="$tags"
    check "other_configuration_runs_everything[$tags]" all_ran
  done
  run DD_TAGS=test.configuration.a:1,test.configuration.b:2
  check the_same_configuration_still_skips none_ran
}

# 4. An unreadable skipping switch runs everything (it used to skip).
scenario_invalid_switch() {
  baseline
  for value in disabled n garbage; do
    run DD_CIVISIBILITY_ITR_ENABLED=$value
    check "${value}_runs_everything" all_ran
    check "${value}_warns_once" one_warning "DD_CIVISIBILITY_ITR_ENABLED='$value' is not a boolean"
  done
  run ITR_COLLECT_ONLY=sometimes
  check unreadable_collect_only_runs_everything all_ran
  check unreadable_collect_only_warns one_warning "ITR_COLLECT_ONLY='sometimes'"
  run DD_CIVISIBILITY_ITR_ENABLED=0
  check off_runs_everything all_ran
  check off_is_no_warning no_warning
}

# 5. Random page damage: never used for skipping; one warning; the damaged
#    file kept aside. DAMAGE_TRIALS trials (more under the long label).
scenario_damaged_store() {
  local trials=${DAMAGE_TRIALS:-3} trial
  for trial in $(seq "$trials"); do
    rm -rf "$work/.itr"
    baseline
    "$PYTHON" - "$ITR_STORE" "$trial" <<'PY'
import os, random, sys
path, seed = sys.argv[1], int(sys.argv[2])
rng = random.Random(seed)
size = os.path.getsize(path)
pages = size // 4096
with open(path, "r+b") as f:
    for _ in range(rng.randint(1, 3)):
        page = rng.randint(1, max(1, pages - 1))
        f.seek(page * 4096 + rng.randint(0, 3000))
        f.write(bytes(rng.getrandbits(8) for _ in range(rng.randint(8, 1000))))
PY
    local integrity
    integrity=$(sqlite3 "$ITR_STORE" 'PRAGMA integrity_check' 2>&1 | head -1 || true)
    [ "$integrity" = ok ] && { echo "trial $trial: the damage missed every page in use"; continue; }
    run
    check "trial${trial}_runs_everything" all_ran
    check "trial${trial}_warns_once" one_warning "is damaged"
    check "trial${trial}_keeps_the_damaged_file" test -n "$(ls "$ITR_STORE".corrupt-* 2>/dev/null)"
    run
    check "trial${trial}_the_new_store_skips_again" none_ran
  done
}

# 6. itr-cpp leaves the test process's state as it found it.
scenario_caller_state() {
  local mode
  for mode in record skip collect off; do
    mkdir -p "$work/$mode"
    local extra=(ITR_VERBOSE=2)
    [ $mode = collect ] && extra+=(ITR_COLLECT_ONLY=1)
    [ $mode = off ] && extra+=(DD_CIVISIBILITY_ITR_ENABLED=0)
    set +e
    env "${extra[@]}" "$FAULT_STATE_PROGRAM" "$work/$mode" \
      > "$work/$mode.out" 2> "$work/$mode.err"
    local status=$?
    set -e
    cp "$work/$mode.err" "$work/last.log"
    check "${mode}_keeps_the_callers_state" equals "$status" 0
    check "${mode}_flushes_stdout_once" equals "$(grep -c 'pending on stdout' "$work/$mode.out")" 1
    check "${mode}_keeps_unflushed_data" equals "$(cat "$work/$mode/pending.txt")" pending
  done
  # A name with ": " in it (Catch2 allows any text) is quoted.
  cp "$work/record.err" "$work/last.log"
  check odd_names_are_quoted grep -qF 'itr: run  "Ledger.Odd: name": ' "$work/record.err"
  cp "$work/skip.err" "$work/last.log"
  check odd_names_are_quoted_when_skipped grep -qF 'itr: skip "Ledger.Odd: name": ' "$work/skip.err"
}

# 7. Three damaged stores within one second: three files kept aside.
scenario_move_aside() {
  mkdir -p "$work/.itr"
  local i
  for i in 1 2 3; do
    echo "damaged store number $i" > "$ITR_STORE"
    run
    check "damage${i}_runs_everything" all_ran
    check "damage${i}_warns_once" one_warning "moved to $ITR_STORE.corrupt-"
  done
  local copies
  copies=$(ls "$ITR_STORE".corrupt-* | grep -v -- '-wal$\|-shm$')
  check three_copies_kept equals "$(cat $copies | sort)" \
    "$(printf 'damaged store number %s\n' 1 2 3)"
}

# 8. Another program's database, a device, a directory: refused, untouched,
#    nothing created beside them; itr status writes nothing.
scenario_foreign_store() {
  sqlite3 "$work/app.db" 'CREATE TABLE things (x); INSERT INTO things VALUES (1);'
  sqlite3 "$work/marked.db" 'PRAGMA application_id = 7; CREATE TABLE t (x);'
  local store before listing
  for store in "$work/app.db" "$work/marked.db" "$work/a-directory" /dev/null; do
    mkdir -p "$work/a-directory"
    before=$(sha1sum "$store" 2>/dev/null || echo dir)
    listing=$(ls -a "$(dirname "$store")")
    run ITR_STORE="$store"
    check "$(basename "$store")_runs_everything" all_ran
    check "$(basename "$store")_warns_once" one_warning "the store $store"
    check "$(basename "$store")_is_untouched" equals "$(sha1sum "$store" 2>/dev/null || echo dir)" "$before"
    if [ "$store" = /dev/null ]; then
      check null_has_no_journal test ! -e /dev/null-journal -a ! -e /dev/null-wal
    else
      check "$(basename "$store")_nothing_beside_it" equals "$(ls -a "$(dirname "$store")")" "$listing"
    fi
    set +e
    "$itr_cli" status --store "$store" > "$work/status.log" 2>&1
    local status=$?
    set -e
    check "$(basename "$store")_status_refuses" equals "$status" 3
    check "$(basename "$store")_status_leaves_it" equals "$(sha1sum "$store" 2>/dev/null || echo dir)" "$before"
  done
  baseline
  sql 'PRAGMA user_version = 2; PRAGMA application_id = 0;'
  before=$(sha1sum "$ITR_STORE")
  "$itr_cli" status --store "$ITR_STORE" > "$work/status.log" 2>&1
  check status_reads_an_old_store grep -q "tests: $TOTAL recorded" "$work/status.log"
  check status_writes_nothing equals "$(sha1sum "$ITR_STORE")" "$before"
  check status_migrates_nothing equals "$(sql 'PRAGMA user_version')" 2
}

# 9/10. Slow, oversized, garbage and nested Datadog answers: bounded time,
#    every test runs, one warning, the key never printed.
start_server() {  # start_server <script> [args]: sets url
  rm -f "$work/port"
  "$PYTHON" "$@" --port-file "$work/port" > "$work/server.log" 2>&1 &
  server_pid=$!
  trap 'kill $server_pid 2>/dev/null || true' EXIT
  local _
  for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
  url=http://127.0.0.1:$(cat "$work/port")
}
datadog_env=(DD_CIVISIBILITY_AGENTLESS_ENABLED=1 DD_API_KEY=fault-secret-key-0123
  DD_GIT_REPOSITORY_URL=https://example.com/org/itr-cpp.git)
# A clean checkout of one commit for the Datadog scenarios (Datadog skips
# nothing in a work tree with changes).
clean_repo() {
  mkdir -p "$work/repo"
  git -C "$work/repo" init -q
  echo x > "$work/repo/file.txt"
  git -C "$work/repo" add file.txt
  git -C "$work/repo" -c user.name=itr -c user.email=itr@example.invalid \
    commit -qm one
  export ITR_REPO_ROOT=$work/repo
}
scenario_exit_budget() {
  clean_repo
  start_server "$SOURCE_DIR/tests/fault/drip_server.py" --interval 0.5
  # Start-up capped at 3 s, the exit at 4 s: the drips never end.
  run "${datadog_env[@]}" DD_CIVISIBILITY_AGENTLESS_URL="$url" \
    ITR_NETWORK_BUDGET_MS=3000 ITR_EXIT_NETWORK_BUDGET_MS=4000
  check slow_backend_runs_everything all_ran
  echo "slow backend: ${ELAPSED}s (start-up cap 3 s, exit budget 4 s)"
  check slow_backend_exits_within_both_budgets within 14
  check slow_backend_warns contains "$WARNINGS" "Datadog settings unavailable"
  check key_never_printed lacks "$(cat last.log)" fault-secret-key
}
scenario_response_limits() {
  clean_repo
  start_server "$SOURCE_DIR/tests/datadog/conformance_server.py" --exit-with-parent
  local control=(curl -sf -X POST -H 'Content-Type: application/json')
  local skippable='{"type":"test","id":"x","attributes":{"suite":"Ledger","name":"UnknownAccountIsZero","configurations":{"test.bundle":"fault_suite_tests"}}}'
  "${control[@]}" -d "{\"skippable\": [$skippable], \"large_skippable\": 3000000}" "$url/_control/scenario" >/dev/null
  run "${datadog_env[@]}" DD_CIVISIBILITY_AGENTLESS_URL="$url" ITR_MAX_RESPONSE_MB=1
  check oversized_runs_everything all_ran
  check oversized_warns_once one_warning "larger than allowed (1 MiB"
  check oversized_is_quick within 20
  "$PYTHON" -c 'import json; print(json.dumps({"failures": [{"path_prefix": "/api/v2/ci/tests/skippable", "status": 200, "count": -1, "body": "[" * 200000 + "]" * 200000}]}))' > "$work/nested.json"
  "${control[@]}" -d '{}' "$url/_control/reset" >/dev/null
  "${control[@]}" -d @"$work/nested.json" "$url/_control/scenario" >/dev/null
  run "${datadog_env[@]}" DD_CIVISIBILITY_AGENTLESS_URL="$url"
  check nested_runs_everything all_ran
  check nested_warns_once one_warning "nests deeper than 64 levels"
  "${control[@]}" -d '{}' "$url/_control/reset" >/dev/null
  "${control[@]}" -d '{"failures": [{"path_prefix": "/api/v2/libraries", "status": 200, "count": -1, "body": "{\"data\": garbage"}]}' "$url/_control/scenario" >/dev/null
  run "${datadog_env[@]}" DD_CIVISIBILITY_AGENTLESS_URL="$url"
  check garbage_runs_everything all_ran
  check garbage_warns_once one_warning "Datadog settings unavailable"
  # A redirect elsewhere is an answer, not followed: the key stays here.
  "${control[@]}" -d '{}' "$url/_control/reset" >/dev/null
  "${control[@]}" -d '{"failures": [{"path_prefix": "/api/v2/libraries", "status": 307, "count": -1, "headers": {"Location": "http://127.0.0.1:9/steal"}}]}' "$url/_control/scenario" >/dev/null
  run "${datadog_env[@]}" DD_CIVISIBILITY_AGENTLESS_URL="$url"
  check redirect_runs_everything all_ran
  check redirect_warns_once one_warning "answered HTTP 307"
  check key_never_printed lacks "$(cat last.log)" fault-secret-key
}

# 11. The cache directory stays within its limit, under concurrent
#     processes, and what they record is right.
scenario_cache_bound() {
  mkdir -p "$ITR_CACHE_DIR"
  local i
  for i in $(seq 40); do
    head -c 100000 /dev/urandom > "$ITR_CACHE_DIR/old$i.itrmap"
    touch -d "-$((i % 5 + 1)) days" "$ITR_CACHE_DIR/old$i.itrmap"
  done
  head -c 100000 /dev/urandom > "$ITR_CACHE_DIR/ancient.itridx"
  touch -d '-40 days' "$ITR_CACHE_DIR/ancient.itridx"
  ITR_COVERAGE_EXPORT=$work/one.jsonl run ITR_CACHE_MAX_MB=1
  check first_run_records all_ran
  # Every process resolves again and writes the entry, and prunes, at once.
  rm -f "$ITR_CACHE_DIR"/*.itrmap
  for i in $(seq 20); do
    head -c 100000 /dev/urandom > "$ITR_CACHE_DIR/again$i.itrmap"
  done
  local pids=() n
  for n in $(seq 6); do
    ITR_STORE=$work/s$n.sqlite ITR_CACHE_MAX_MB=1 ITR_COLLECT_ONLY=1 \
      ITR_COVERAGE_EXPORT=$work/c$n.jsonl "$binary" > "$work/c$n.log" 2>&1 &
    pids+=($!)
  done
  local failed=0
  for n in "${pids[@]}"; do wait "$n" || failed=$((failed + 1)); done
  check concurrent_processes_succeed equals "$failed" 0
  check directory_within_its_limit test "$(du -sb "$ITR_CACHE_DIR" | cut -f1)" -le $((1 << 20))
  check ancient_entry_evicted test ! -e "$ITR_CACHE_DIR/ancient.itridx"
  for n in $(seq 6); do
    check "process${n}_recorded_the_same_files" equals \
      "$(jq -c '.files | keys' "$work/c$n.jsonl" | sort)" "$(jq -c '.files | keys' "$work/one.jsonl" | sort)"
  done
}

# 12. After a run the store is one file: a copy of it alone keeps all.
scenario_checkpoint() {
  baseline
  check wal_is_empty test ! -s "$ITR_STORE-wal"
  mkdir -p "$work/copy"
  cp "$ITR_STORE" "$work/copy/itr.sqlite"
  run ITR_STORE="$work/copy/itr.sqlite"
  check copy_of_the_file_alone_skips_everything none_ran
}

# 13. A store another process holds locked: planning does not wait; the
#     recording waits once, bounded, then gives up with one warning.
scenario_locked_store() {
  baseline
  "$PYTHON" - "$ITR_STORE" <<'PY' &
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
open(sys.argv[1] + ".held", "w").close()
time.sleep(12)
db.execute("COMMIT")
PY
  local holder=$!
  local _
  for _ in $(seq 100); do [ -e "$ITR_STORE.held" ] && break; sleep 0.1; done
  run ITR_STORE_RECORD_WAIT_MS=2000
  check locked_store_still_skips none_ran
  check planning_does_not_wait within 5
  run ITR_STORE_RECORD_WAIT_MS=2000 ITR_COLLECT_ONLY=1
  check collect_only_runs_everything all_ran
  check recording_gives_up_once one_warning "locked by another process for 2.0 s"
  check the_warning_names_the_store contains "$WARNINGS" "$ITR_STORE"
  check recording_is_bounded within 8
  wait "$holder"
  run
  check records_of_earlier_runs_survive none_ran
}

# 14. Messages: outside a git repository, a missing or non-git
#     ITR_REPO_ROOT, ITR_VERBOSE out of range: each says so, once.
scenario_messages() {
  # Outside every git repository: run from a directory outside the source
  # tree, a copy of the binary without the debug information that names
  # its sources (the scratch directory is inside the source tree).
  no_git=$(mktemp -d /tmp/itr-fault-no-git.XXXXXX)
  trap 'rm -rf "$no_git"' EXIT
  objcopy --strip-debug "$binary" "$no_git/suite"
  (cd "$no_git" && env -u ITR_REPO_ROOT ITR_STORE="$work/ng.sqlite" \
    ./suite > "$work/last.log" 2>&1) || true
  WARNINGS=$(grep '^itr: warning' "$work/last.log" || true)
  check outside_git_says_why one_warning "no git repository (.git) above the sources this binary was compiled from or the working directory"
  run ITR_REPO_ROOT="$no_git"
  check non_git_root_says_why one_warning "ITR_REPO_ROOT '$no_git' is not in a git repository"
  run ITR_REPO_ROOT="$work/nonexistent"
  check missing_root_says_so contains "$WARNINGS" "ITR_REPO_ROOT '$work/nonexistent' does not exist"
  run ITR_VERBOSE=999
  check verbose_out_of_range_says_so one_warning "ITR_VERBOSE='999' is not 0, 1 or 2; using 2"
  run ITR_VERBOSE=-1
  check verbose_negative_says_so one_warning "ITR_VERBOSE='-1' is not 0, 1 or 2; using 0"
}

# Faults that already ended as promised, kept so: corrupt and truncated
# stores, a read-only one, a full disk, kill -9, concurrent writers.
scenario_corrupt_store() {
  mkdir -p "$work/.itr"
  printf 'this is not a database, not at all, really not' > "$ITR_STORE"
  run
  check garbage_store_runs_everything all_ran
  check garbage_store_warns_once one_warning "is not an SQLite database"
  rm -rf "$work/.itr"
  baseline
  truncate -s 8192 "$ITR_STORE"
  run
  check truncated_store_runs_everything all_ran
  check truncated_store_warns_once one_warning "$ITR_STORE"
}
scenario_readonly_store() {
  baseline
  # The store file alone, as a restored cache may leave it, read-only in a
  # read-only directory.
  rm -f "$ITR_STORE-wal" "$ITR_STORE-shm"
  chmod a-w "$ITR_STORE" "$work/.itr"
  # root writes whatever the modes say: the process runs as nobody then.
  [ "$(id -u)" = 0 ] && AS_USER="unshare -U"
  run ITR_COLLECT_ONLY=1
  AS_USER=
  chmod u+w "$ITR_STORE" "$work/.itr"
  check readonly_runs_everything all_ran
  check readonly_warns_once one_warning "$ITR_STORE"
  check readonly_says_each_thing_once lacks "$WARNINGS" \
    "unable to open database file: unable to open database file"
  run
  check then_skips_everything_again none_ran
}
scenario_disk_full() {
  baseline
  # SIGXFSZ ignored: a write beyond the limit fails with EFBIG, as on a
  # full disk. 40 KiB: room for the store's shared-memory index (32 KiB),
  # not for the log of the run's records (a few batched transactions).
  (trap '' XFSZ; ulimit -f 40; run ITR_COLLECT_ONLY=1
   echo "$RAN" > "$work/ran"; echo "$WARNINGS" > "$work/warnings")
  RAN=$(cat "$work/ran") WARNINGS=$(cat "$work/warnings")
  check full_disk_runs_everything all_ran
  check full_disk_warns_once one_warning "cannot record results"
  check full_disk_names_the_store contains "$WARNINGS" "$ITR_STORE"
  check store_intact_after equals "$(sqlite3 "$ITR_STORE" 'PRAGMA integrity_check')" ok
  # Tests whose record the failed run overwrote run once more; nothing else
  # is lost: the run after that skips everything.
  run
  check records_intact_after none_ran_or_some "$RAN"
  run
  check then_skips_everything_again none_ran
}
none_ran_or_some() { includes_all "$ALL" "$1"; }
scenario_kill9() {
  local kills=${KILL_TRIALS:-3} k
  for k in $(seq "$kills"); do
    rm -rf "$work/.itr"
    run
    ITR_COLLECT_ONLY=1 "$binary" --gtest_repeat=5000 > /dev/null 2>&1 &
    local pid=$! _
    # Once its tests record (a second run row), at a different point each
    # trial.
    for _ in $(seq 200); do
      [ "$(sql 'SELECT COUNT(*) FROM runs' 2>/dev/null || echo 0)" -ge 2 ] && break
      sleep 0.05
    done
    sleep "0.$(( (k * 37) % 9 + 1 ))"
    kill -9 "$pid" 2>/dev/null || true
    local status=0
    wait "$pid" 2>/dev/null || status=$?
    check "kill${k}_killed_in_the_middle" equals "$status" 137
    check "kill${k}_store_intact" equals "$(sqlite3 "$ITR_STORE" 'PRAGMA integrity_check')" ok
    run
    check "kill${k}_nothing_skipped_on_a_killed_run" all_ran
    run
    check "kill${k}_then_skips_again" none_ran
  done
}
scenario_concurrent_writers() {
  local writers=${WRITERS:-8} n pids=()
  for n in $(seq "$writers"); do
    ITR_COLLECT_ONLY=1 "$binary" > "$work/w$n.log" 2>&1 &
    pids+=($!)
  done
  local failed=0
  for n in "${pids[@]}"; do wait "$n" || failed=$((failed + 1)); done
  check writers_succeed equals "$failed" 0
  check writers_warn_nothing equals "$(cat "$work"/w*.log | grep -c '^itr: warning' || true)" 0
  check every_record_kept equals "$(sql "SELECT COUNT(*) FROM tests WHERE status = 'passed'")" "$TOTAL"
  check every_run_finished equals "$(sql 'SELECT COUNT(*) FROM runs WHERE finished_at IS NOT NULL')" "$writers"
  run
  check then_skips_everything none_ran
}

"scenario_$scenario"
finish
