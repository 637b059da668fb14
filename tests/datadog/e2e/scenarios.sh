#!/usr/bin/env bash
# End-to-end scenarios of the Datadog backend: the example GoogleTest suite
# (a scratch git copy of examples/calc-suite, with a CODEOWNERS) against
# conformance_server.py on 127.0.0.1, agentless and through the fake
# Agent's EVP proxy. The server checks every request and, per run, what the
# run sent against what it was answered (docs/datadog.md, "Conformance
# server"): each scenario expects no violation.
#   scenarios.sh <itr-cpp source dir> <scratch dir> <system python3>
set -euo pipefail
source_dir=$1 work=$2 python=$3
"$source_dir/tools/make-scratch-example" "$work"
cd "$work"
# Owners for test.codeowners: the tests' own rule comes last and wins.
printf '* @org/calc\ncalc-suite/tests/ @org/calc-testers @qa-lead\n' > CODEOWNERS
git add CODEOWNERS
git -c user.name=itr -c user.email=itr@example.invalid commit -qm "codeowners"
binary=build/calc-suite/textcalc_tests
cmake --build build --target textcalc_tests -- -j2 >/dev/null
unset DD_CIVISIBILITY_ITR_ENABLED ITR_UNSKIPPABLE ITR_UNSKIPPABLE_FILE \
  ITR_COLLECT_ONLY DD_TRACE_AGENT_URL DD_AGENT_HOST ITR_BACKEND DD_SERVICE DD_ENV \
  DD_TAGS DD_TEST_SESSION_NAME ITR_NETWORK_BUDGET_MS ITR_INTAKE_MAX_PAYLOAD_BYTES
export ITR_STORE=$work/.itr/itr.sqlite ITR_CACHE_DIR=$work/cache
export no_proxy=127.0.0.1,localhost
api_key=e2e-secret-key-0123456789

"$python" "$source_dir/tests/datadog/conformance_server.py" \
  --port-file "$work/port" --exit-with-parent > "$work/server.log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(cat "$work/port")
url=http://127.0.0.1:$port

control() {  # control <path> [json body]
  if [ $# -gt 1 ]; then
    curl -sf -X POST -H 'Content-Type: application/json' -d "$2" "$url$1" >/dev/null
  else
    curl -sf "$url$1"
  fi
}
agentless() {
  export DD_CIVISIBILITY_AGENTLESS_ENABLED=1 DD_API_KEY=$api_key \
    DD_CIVISIBILITY_AGENTLESS_URL=$url
  unset DD_TRACE_AGENT_URL
}
through_agent() {
  unset DD_CIVISIBILITY_AGENTLESS_ENABLED DD_API_KEY DD_CIVISIBILITY_AGENTLESS_URL
  export DD_TRACE_AGENT_URL=$url
}
# The scratch repository has no remote: name one, as a CI checkout would.
export DD_GIT_REPOSITORY_URL=https://example.com/org/calc-suite.git

# run [args]: runs the suite; sets RAN (tests that ran), SUMMARY, STATUS.
run() {
  set +e
  "$binary" "$@" > "$work/last.log" 2>&1
  STATUS=$?
  set -e
  RAN=$({ grep -E '^\[ +(OK|FAILED) +\] [^ ]+ \(' "$work/last.log" || true; } |
    sed -E 's/^\[ +(OK|FAILED) +\] ([^ ]+) .*/\2/' | sort -u)
  SUMMARY=$(grep '^itr: skipped' "$work/last.log" | tail -1 || true)
  WARNINGS=$(grep -c '^itr: warning' "$work/last.log" || true)
}
source "$source_dir/tests/e2e_checks.sh"
# requests <jq filter>: applies the filter to the recorded requests.
requests() { control /_control/requests | jq -r "$1"; }

total=$("$binary" --gtest_list_tests | grep -c '^  ')
unskippable=LedgerInvariants.BalanceNeverNegative
# The backend lists every CsvReader test and the unskippable one.
csv_tests=$("$binary" --gtest_list_tests --gtest_filter='CsvReader.*' | grep '^  ' | sed 's/^ *//' | sed 's/^/CsvReader./')
items=$(for t in $csv_tests $unskippable; do
  printf '{"type":"test","id":"x","attributes":{"suite":"%s","name":"%s","configurations":{"test.bundle":"textcalc_tests"}}}\n' "${t%%.*}" "${t#*.}"
done | jq -s -c .)
skippable_scenario="{\"skippable\": $items, \"correlation_id\": \"corr-e2e-1\"}"
listed=$(count "$csv_tests")

# 1. Agentless: listed tests are skipped, the unskippable one is forced.
agentless
control /_control/reset '{}'
control /_control/scenario "$skippable_scenario"
control /_control/scenario '{"expect": {"dd_service_set": false, "exit_code": 0}}'
run
check agentless_skips_listed_tests equals "$(count "$RAN")" "$((total - listed))"
check agentless_summary contains "$SUMMARY" "skipped $listed of $total tests"
check agentless_forced_run contains "$SUMMARY" "1 unskippable forced to run"
check agentless_forced_test_ran contains "$RAN" "$unskippable"
check agentless_exit_code equals "$STATUS" 0
check agentless_no_violations equals "$(requests '.violations | length')" 0
check agentless_settings_then_skippable equals \
  "$(requests '[.requests[] | select(.route | test("setting|skippable")) | .route] | join(",")')" \
  "/api/v2/libraries/tests/services/setting,/api/v2/ci/tests/skippable"
check agentless_sends_api_key equals "$(requests '[.requests[] | select(.api_key_present)] | length > 0')" true
check agentless_skippable_request_names_configuration equals \
  "$(requests '[.requests[] | select(.route == "/api/v2/ci/tests/skippable")][0].body.data.attributes.configurations["runtime.name"]')" clang
check api_key_never_printed equals "$(grep -c "$api_key" "$work/last.log" || true)" 0
# What Datadog received: one event per test (run or skipped), the session.
events='[.requests[] | select(.route == "/api/v2/citestcycle") | .events_merged[]]'
check report_has_every_test equals "$(requests "[$events[] | select(.type == \"test\")] | length")" "$total"
check report_marks_skipped_tests equals \
  "$(requests "[$events[] | select(.type == \"test\" and .content.meta[\"test.skipped_by_itr\"] == \"true\" and .content.meta[\"test.status\"] == \"skip\")] | length")" "$listed"
check report_marks_the_forced_run equals \
  "$(requests "[$events[] | select(.content.meta[\"test.itr.forced_run\"] == \"true\") | .content.meta[\"test.name\"]] | join(\",\")")" "${unskippable#*.}"
check report_echoes_correlation_id equals \
  "$(requests "[$events[] | select(.type == \"test\") | .content.itr_correlation_id] | unique | join(\",\")")" corr-e2e-1
check report_session_counts_skips equals \
  "$(requests "[$events[] | select(.type == \"test_session_end\") | .content.metrics[\"test.itr.tests_skipping.count\"], .content.meta[\"_dd.ci.itr.tests_skipped\"]] | map(tostring) | join(\",\")")" "$listed,true"
check report_framework_is_gtest equals \
  "$(requests "[$events[] | select(.type == \"test\") | .content.meta[\"test.framework\"]] | unique | join(\",\")")" gtest
check report_bundle_is_the_binary equals \
  "$(requests "[$events[] | select(.type == \"test_module_end\") | .content.meta[\"test.module\"]] | join(\",\")")" textcalc_tests
check report_git_tags equals \
  "$(requests "[$events[] | select(.type == \"test_session_end\") | .content.meta[\"git.commit.sha\"]][0]")" "$(git rev-parse HEAD)"
coverage='[.requests[] | select(.route == "/api/v2/citestcov") | .body[] | select(.name | startswith("coverage")) | .data.coverages[]]'
check coverage_for_every_test_that_ran equals "$(requests "$coverage | length")" "$((total - listed))"
# Code that ran outside every test (main, static registration) belongs to
# every test's dependencies: editing it must invalidate them all.
check coverage_includes_session_code equals \
  "$(requests "[$coverage[] | select([.files[].filename] | index(\"calc-suite/tests/main.cpp\") | not)] | length")" 0
check coverage_names_repository_files equals \
  "$(requests "[$coverage[] | .files[].filename | select(startswith(\"calc-suite/src/\"))] | length > 0")" true

# What the official clients tag (issue 13): the final status, the TIA
# capability, where each test starts, who owns it, the exit code, the
# build flavour as a configuration of its own.
tests_events="[$events[] | select(.type == \"test\") | .content]"
check report_final_status_on_every_test equals \
  "$(requests "[$tests_events[] | select(.meta[\"test.final_status\"] == .meta[\"test.status\"])] | length")" "$total"
check report_capability_on_every_test equals \
  "$(requests "[$tests_events[] | .meta[\"_dd.library_capabilities.test_impact_analysis\"]] | unique | join(\",\")")" 1
check report_source_lines_on_every_test equals \
  "$(requests "[$tests_events[] | select(.metrics[\"test.source.start\"] > 0)] | length")" "$total"
check report_codeowners_on_every_test equals \
  "$(requests "[$tests_events[] | .meta[\"test.codeowners\"]] | unique | join(\",\")")" '["@org/calc-testers", "@qa-lead"]'
check report_exit_code equals \
  "$(requests "[$events[] | select(.type == \"test_session_end\") | .content.metrics[\"test.exit_code\"]] | join(\",\")")" 0
check report_build_flavor_is_a_configuration equals \
  "$(requests '[.requests[] | select(.route == "/api/v2/libraries/tests/services/setting")][0].body.data.attributes.configurations.custom | tojson')" \
  '{"build_flavor":"optimized NDEBUG"}'
check report_runtime_version_is_bare equals \
  "$(requests "[$events[] | .content.meta[\"runtime.version\"] | test(\"^[0-9.]+$\")] | unique | join(\",\")")" true

# 1b. Balanced shards with Datadog's backend (no store to share a plan
#     through): one warning, the tests dealt round-robin by position;
#     together the shards run what an unsharded run runs, each test once.
ran_in_shards=""
for shard in 0 1 2; do
  ITR_SHARDING=balanced GTEST_TOTAL_SHARDS=3 GTEST_SHARD_INDEX=$shard run
  ran_in_shards=$(printf '%s\n%s\n' "$ran_in_shards" "$RAN" | sed '/^$/d')
  check "datadog_balanced_shard${shard}_warns" contains "$(cat "$work/last.log")" "needs the local store"
done
check datadog_balanced_shards_run_each_test_once equals "$(count "$ran_in_shards")" "$((total - listed))"
check datadog_balanced_shards_run_the_tests_to_run equals "$(count "$(sort -u <<<"$ran_in_shards")")" "$((total - listed))"

# 2. Through the Agent's EVP proxy (v4 advertised by /info), with DD_TAGS
#    configurations and DD_SERVICE: every event carries the DD_TAGS, and the
#    same custom configurations are asked for.
through_agent
control /_control/reset '{}'
control /_control/scenario "$skippable_scenario"
control /_control/scenario '{"expect": {"dd_service_set": true}}'
DD_TAGS="test.configuration.board:rev2,team:core" DD_SERVICE=calc-service run
check evp_skips_listed_tests equals "$(count "$RAN")" "$((total - listed))"
check evp_used_v4 equals "$(requests '[.requests[] | select(.route == "/api/v2/ci/tests/skippable")][0].mode')" evp_v4
check evp_sends_no_api_key equals "$(requests '[.requests[] | select(.api_key_present)] | length')" 0
check evp_no_violations equals "$(requests '.violations | length')" 0
check dd_tags_custom_configurations equals \
  "$(requests '[.requests[] | select(.route == "/api/v2/ci/tests/skippable")][0].body.data.attributes.configurations.custom | tojson')" \
  '{"board":"rev2","build_flavor":"optimized NDEBUG"}'
check dd_tags_on_every_event equals \
  "$(requests "[$events[] | .content.meta | [.[\"test.configuration.board\"], .team] | join(\"/\")] | unique | join(\",\")")" rev2/core
check dd_tags_tests_still_skipped equals "$(count "$RAN")" "$((total - listed))"

# 3. Suite level: a listed suite is skipped whole, reported as one skipped
#    suite (dd-trace-py's suite mode), with and without DD_TAGS.
suite_level() {  # suite_level <name> [env...]
  local name=$1
  shift
  control /_control/reset '{}'
  control /_control/scenario '{"skippable": [{"type":"suite","id":"s","attributes":{"suite":"CsvReader","configurations":{"test.bundle":"textcalc_tests"}}}], "correlation_id": "corr-suite"}'
  set +e
  env DD_TESTOPTIMIZATION_TIA_TEST_SKIPPING_MODE=suite "$@" "$binary" > "$work/last.log" 2>&1
  set -e
  RAN=$({ grep -E '^\[ +(OK|FAILED) +\] [^ ]+ \(' "$work/last.log" || true; } | sed -E 's/^\[ +(OK|FAILED) +\] ([^ ]+) .*/\2/' | sort -u)
  check "${name}_skips_the_suite" equals "$(count "$RAN")" "$((total - listed))"
  check "${name}_asks_for_suites" equals \
    "$(requests '[.requests[] | select(.route == "/api/v2/ci/tests/skippable")][0].body.data.attributes.test_level')" suite
  check "${name}_no_violations" equals "$(requests '.violations | length')" 0
  check "${name}_skipped_suite_event" equals \
    "$(requests "[$events[] | select(.type == \"test_suite_end\" and .content.meta[\"test.suite\"] == \"CsvReader\") | [.content.meta[\"test.status\"], .content.meta[\"test.skipped_by_itr\"], .content.itr_correlation_id] | join(\"/\")] | join(\",\")")" skip/true/corr-suite
  check "${name}_no_test_events_of_the_suite" equals \
    "$(requests "[$events[] | select(.type == \"test\" and .content.meta[\"test.suite\"] == \"CsvReader\")] | length")" 0
  check "${name}_counts_suites" equals \
    "$(requests "[$events[] | select(.type == \"test_session_end\") | .content.metrics[\"test.itr.tests_skipping.count\"], .content.meta[\"test.itr.tests_skipping.type\"]] | map(tostring) | join(\",\")")" 1,suite
  check "${name}_suite_coverage_without_span_id" equals \
    "$(requests "[$coverage[] | select(has(\"span_id\"))] | length")" 0
  check "${name}_coverage_per_suite" equals \
    "$(requests "[$coverage[] | .test_suite_id] | (length == (unique | length)) and length > 0")" true
}
agentless
suite_level suite_level
suite_level suite_level_dd_tags DD_TAGS="test.configuration.board:rev2"
check suite_level_dd_tags_on_suites equals \
  "$(requests "[$events[] | select(.type == \"test_suite_end\") | .content.meta[\"test.configuration.board\"]] | unique | join(\",\")")" rev2

# 4. require_git: the backend lacks the commits → search_commits, packfile
#    upload, settings asked again.
control /_control/reset '{}'
control /_control/scenario "{\"settings\": {\"require_git\": true}, \"skippable\": $items}"
run
check require_git_asks_settings_twice equals \
  "$(requests '[.requests[] | select(.route == "/api/v2/libraries/tests/services/setting")] | length')" 2
check require_git_searches_commits equals \
  "$(requests '[.requests[] | select(.route == "/api/v2/git/repository/search_commits")] | length > 0')" true
check require_git_uploads_a_pack equals \
  "$(requests '[.requests[] | select(.route == "/api/v2/git/repository/packfile") | .body[] | select(.name == "packfile") | .starts_with_pack] | all')" true
check require_git_pushed_sha_is_head equals \
  "$(requests '[.requests[] | select(.route == "/api/v2/git/repository/packfile") | .body[] | select(.name == "pushedSha") | .data.data.id][0]')" \
  "$(git rev-parse HEAD)"
check require_git_no_violations equals "$(requests '.violations | length')" 0
# Known commits: nothing to upload.
control /_control/reset '{}'
control /_control/scenario "{\"known_commits\": [\"$(git rev-parse HEAD)\"], \"skippable\": $items}"
run
check known_commits_upload_nothing equals \
  "$(requests '[.requests[] | select(.route == "/api/v2/git/repository/packfile")] | length')" 0

# 5. Fail open: every failure runs every test, with warnings, exit code 0.
fail_open() {  # fail_open <name> <scenario json> [env...]
  local name=$1 scenario=$2
  shift 2
  control /_control/reset '{}'
  control /_control/scenario "$scenario"
  local started=$SECONDS
  env "$@" "$binary" > "$work/last.log" 2>&1 && STATUS=0 || STATUS=$?
  RAN=$({ grep -E '^\[ +(OK|FAILED) +\] [^ ]+ \(' "$work/last.log" || true; } | sed -E 's/^\[ +(OK|FAILED) +\] ([^ ]+) .*/\2/' | sort -u)
  check "${name}_runs_all" equals "$(count "$RAN")" "$total"
  check "${name}_exit_code_is_the_tests" equals "$STATUS" 0
  check "${name}_warns" test "$(grep -c '^itr: warning' "$work/last.log" || true)" -ge 1
  check "${name}_bounded" test $((SECONDS - started)) -le 30
  check "${name}_no_api_key" equals "$(grep -c "$api_key" "$work/last.log" || true)" 0
  if [ -n "${ERROR_TAG:-}" ]; then
    check "${name}_tags_the_error" equals \
      "$(requests "[.requests[] | select(.route == \"/api/v2/citestcycle\") | .events_merged[] | .content.meta[\"_dd.ci.library_configuration_error.$ERROR_TAG\"]] | unique | join(\",\")")" true
  fi
}
ERROR_TAG=settings fail_open settings_500 "{\"skippable\": $items, \"failures\": [{\"path_prefix\": \"/api/v2/libraries\", \"status\": 500, \"count\": -1}]}" \
  ITR_NETWORK_BUDGET_MS=3000
fail_open settings_garbage "{\"skippable\": $items, \"failures\": [{\"path_prefix\": \"/api/v2/libraries\", \"status\": 200, \"body\": \"<html>\", \"count\": -1}]}"
ERROR_TAG=skippable_tests fail_open skippable_partial_json "{\"skippable\": $items, \"failures\": [{\"path_prefix\": \"/api/v2/ci/tests/skippable\", \"status\": 200, \"body\": \"{\\\"data\\\": [{\\\"type\\\"\", \"count\": -1}]}"
fail_open settings_403 "{\"skippable\": $items, \"failures\": [{\"path_prefix\": \"/api/v2/libraries\", \"status\": 403, \"count\": -1}]}"
fail_open slow_backend "{\"skippable\": $items, \"failures\": [{\"path_prefix\": \"/api/v2/libraries\", \"delay_ms\": 20000, \"count\": -1}]}" \
  ITR_NETWORK_BUDGET_MS=2000
fail_open server_down "{}" DD_CIVISIBILITY_AGENTLESS_URL=http://127.0.0.1:9 ITR_NETWORK_BUDGET_MS=2000
fail_open agent_without_evp "{\"info_endpoints\": [\"/v0.4/traces\"], \"skippable\": $items}" \
  DD_CIVISIBILITY_AGENTLESS_ENABLED= DD_API_KEY= DD_TRACE_AGENT_URL=$url

# 5b. A skippable answer slower than its 20 s budget is abandoned then, and
#     the warning names that budget.
control /_control/reset '{}'
control /_control/scenario "{\"skippable\": $items, \"failures\": [{\"path_prefix\": \"/api/v2/ci/tests/skippable\", \"delay_ms\": 25000, \"count\": 1}]}"
started=$SECONDS
run
check slow_skippable_runs_all equals "$(count "$RAN")" "$total"
check slow_skippable_within_its_budget test $((SECONDS - started)) -le 24
check slow_skippable_warning_names_the_budget contains "$(cat "$work/last.log")" \
  "no answer within 20s, the skippable request's budget"

# 5c. A large skippable response (20 MB, 80 000 items for other modules)
#     after a slow settings answer: each request has its own budget (the
#     old shared 15 s would have run out), and the list is used.
control /_control/reset '{}'
control /_control/scenario "{\"skippable\": $items, \"large_skippable\": 20000000, \"failures\": [{\"path_prefix\": \"/api/v2/libraries\", \"delay_ms\": 7000, \"count\": 1}, {\"path_prefix\": \"/api/v2/ci/tests/skippable\", \"delay_ms\": 9000, \"count\": 1}]}"
started=$SECONDS
run
check large_skippable_is_used equals "$(count "$RAN")" "$((total - listed))"
check large_skippable_was_large test \
  "$(requests '[.requests[] | select(.route == "/api/v2/ci/tests/skippable")][0].answered_bytes')" -ge 20000000
check large_skippable_bounded test $((SECONDS - started)) -le 40
check large_skippable_no_violations equals "$(requests '.violations | length')" 0

# 5d. An intake that fails one request mid-session loses that payload only:
#     small batches, the first test cycle request answered 500 on each of
#     its 4 attempts; the later ones, the session's end included, arrive.
control /_control/reset '{}'
control /_control/scenario "{\"skippable\": $items, \"failures\": [{\"path_prefix\": \"/api/v2/citestcycle\", \"status\": 500, \"count\": 4}]}"
ITR_INTAKE_MAX_PAYLOAD_BYTES=8192 run
cycle='[.requests[] | select(.route == "/api/v2/citestcycle")]'
check failed_intake_exit_code equals "$STATUS" 0
check failed_intake_retried_one_payload equals \
  "$(requests "$cycle | .[0:4] | [.[].answered] + [(map(.body) | unique | length)] | map(tostring) | join(\",\")")" 500,500,500,500,1
check failed_intake_later_requests_sent equals \
  "$(requests "$cycle | .[4:] | (length > 1) and (map(.answered) | unique == [202])")" true
check failed_intake_session_end_arrives equals \
  "$(requests "[$cycle | .[4:] | .[].events_merged[] | select(.type == \"test_session_end\" or .type == \"test_module_end\") | .type] | sort | join(\",\")")" \
  test_module_end,test_session_end
check failed_intake_loses_only_that_payload equals \
  "$(requests "$cycle | ([.[4:] | .[].events_merged | length] | add) + (.[0].events_merged | length)")" \
  "$(requests "[$cycle | .[].events_merged[] | [.type, .content.span_id, .content.test_suite_id, .content.test_module_id] | tostring] | unique | length")"
check failed_intake_every_test_accounted equals \
  "$(requests "[$cycle | .[].events_merged[] | select(.type == \"test\") | .content.resource] | unique | length")" "$total"
check failed_intake_warns contains "$(cat "$work/last.log")" "a request failed, its events are dropped"

# 5e. No credential in any URL tag: a repository URL with a token and a
#     GitLab job whose pipeline, job and project URLs carry some.
control /_control/reset '{}'
control /_control/scenario "$skippable_scenario"
DD_GIT_REPOSITORY_URL=https://user:token-123@example.com/org/calc-suite.git \
  GITLAB_CI=true CI_COMMIT_SHA="$(git rev-parse HEAD)" CI_JOB_NAME=unit \
  CI_PIPELINE_ID=7 CI_JOB_ID=9 \
  CI_PIPELINE_URL=https://u:pipeline-secret@gitlab.example.com/org/calc/-/pipelines/7 \
  CI_JOB_URL=https://gitlab-ci-token:job-secret@gitlab.example.com/org/calc/-/jobs/9 \
  CI_PROJECT_URL=https://u:project-secret@gitlab.example.com/org/calc run
check credentials_no_violations equals "$(requests '.violations | length')" 0
check credentials_nowhere equals \
  "$(control /_control/requests | grep -cE 'token-123|pipeline-secret|job-secret|project-secret' || true)" 0
check credentials_urls_kept equals \
  "$(requests "[$events[] | select(.type == \"test_session_end\") | .content.meta[\"ci.job.url\"]] | join(\",\")")" \
  https://gitlab.example.com/org/calc/-/jobs/9
check session_name_is_job_and_command equals \
  "$(requests "[$events[] | .content.meta[\"test_session.name\"]] | unique | map(startswith(\"unit-\")) | join(\",\")")" true

# 6. The service's settings turn skipping off: everything runs, quietly.
control /_control/reset '{}'
control /_control/scenario "{\"settings\": {\"tests_skipping\": false}, \"skippable\": $items}"
run
check skipping_off_runs_all equals "$(count "$RAN")" "$total"
check skipping_off_asks_no_skippable_list equals \
  "$(requests '[.requests[] | select(.route == "/api/v2/ci/tests/skippable")] | length')" 0
check skipping_off_no_violations equals "$(requests '.violations | length')" 0
check skipping_off_no_skipping_tags equals \
  "$(requests "[$events[] | select(.content.meta[\"test.itr.tests_skipping.type\"] or .content.metrics[\"test.itr.tests_skipping.count\"])] | length")" 0
# ITR off in the settings: no skipping or ITR tag, no coverage (the server
# checks the rest).
control /_control/reset '{}'
control /_control/scenario "{\"settings\": {\"itr_enabled\": false}, \"skippable\": $items}"
run
check itr_off_runs_all equals "$(count "$RAN")" "$total"
check itr_off_no_violations equals "$(requests '.violations | length')" 0
check itr_off_no_coverage equals \
  "$(requests '[.requests[] | select(.route == "/api/v2/citestcov")] | length')" 0
check itr_off_tags equals \
  "$(requests "[$events[] | select(.type == \"test_session_end\") | .content.meta[\"test.itr.tests_skipping.enabled\"], .content.meta[\"test.code_coverage.enabled\"]] | join(\",\")")" false,false

# 7. An uncommitted edit is invisible to Datadog: nothing is skipped.
control /_control/reset '{}'
control /_control/scenario "$skippable_scenario"
echo "// uncommitted" >> calc-suite/src/csv_reader.cpp
run
check dirty_tree_runs_all equals "$(count "$RAN")" "$total"
check dirty_tree_warns contains "$(cat "$work/last.log")" "uncommitted change"
git checkout -q calc-suite/src/csv_reader.cpp

# 8. DD_CIVISIBILITY_ITR_ENABLED=0 makes no request at all.
control /_control/reset '{}'
DD_CIVISIBILITY_ITR_ENABLED=0 run
check itr_disabled_runs_all equals "$(count "$RAN")" "$total"
check itr_disabled_no_requests equals "$(requests '.requests | length')" 0

echo "$failures failure(s)"
[ "$failures" -eq 0 ]
