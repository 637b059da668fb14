#!/usr/bin/python3
"""A Datadog Test Optimization backend for tests (docs/datadog.md).

Serves the agentless intake paths and, at the same time, a fake Datadog Agent
(GET /info, /evp_proxy/v2|v4/<intake path> routed by X-Datadog-EVP-Subdomain).
Every request is decoded (gzip / deflate / none; JSON, msgpack, multipart),
checked against the shapes of /work/shared/docs/datadog-protocol.md
(sections 2, 3, 5, 6, 7.2, 12, 13) and recorded. Shape violations are
collected, never fatal: GET /_control/requests returns them with the
requests, together with the session checks (what a whole run sent against
the settings and skippable answers it was given: configurations on every
event, suite- or test-level shapes, no skipping tags without a list).
Runs on /usr/bin/python3 (stdlib + python3-msgpack).

  /usr/bin/python3 conformance_server.py [--port 0] [--port-file FILE]
                                         [--exit-with-parent]

Control API (JSON):
  POST /_control/scenario  set any of: settings (attribute overrides),
       skippable (response items), correlation_id, coverage (meta.coverage),
       large_skippable (bytes: filler items up to that size),
       known_commits (shas), known_tests, info_endpoints (null: no /info),
       failures ([{path_prefix, status, count, delay_ms, body, headers}]),
       expect ({dd_service_set: bool, exit_code: int}: checked on events)
  POST /_control/reset     forget scenario, requests and violations
  GET  /_control/requests  {"requests": [...], "violations": [...]}
"""

import argparse
import base64
import copy
import email.parser
import email.policy
import gzip
import json
import os
import re
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import msgpack

# --- Protocol constants ------------------------------------------------------

SETTINGS = "/api/v2/libraries/tests/services/setting"
SKIPPABLE = "/api/v2/ci/tests/skippable"
KNOWN_TESTS = "/api/v2/ci/libraries/tests"
TEST_MANAGEMENT = "/api/v2/test/libraries/test-management/tests"
SEARCH_COMMITS = "/api/v2/git/repository/search_commits"
PACKFILE = "/api/v2/git/repository/packfile"
CITESTCYCLE = "/api/v2/citestcycle"
CITESTCOV = "/api/v2/citestcov"

SUBDOMAIN = {CITESTCYCLE: "citestcycle-intake", CITESTCOV: "citestcov-intake"}
for _api_path in (SETTINGS, SKIPPABLE, KNOWN_TESTS, TEST_MANAGEMENT,
                  SEARCH_COMMITS, PACKFILE):
    SUBDOMAIN[_api_path] = "api"

DEFAULT_SETTINGS = {
    "itr_enabled": True, "code_coverage": True, "tests_skipping": True,
    "require_git": False, "flaky_test_retries_enabled": False,
    "known_tests_enabled": False,
    "early_flake_detection": {
        "enabled": False,
        "slow_test_retries": {"5s": 10, "10s": 5, "30s": 3, "5m": 2},
        "faulty_session_threshold": 30},
    "test_management": {"enabled": False, "attempt_to_fix_retries": 20},
    "impacted_tests_enabled": False, "coverage_report_upload_enabled": False,
    "di_enabled": False,
}
DEFAULT_INFO_ENDPOINTS = ["/v0.4/traces", "/evp_proxy/v2/", "/evp_proxy/v4/"]

EVENT_IDS = {  # required ids per citestcycle event type (section 5.3)
    "test": ("trace_id", "span_id", "test_session_id", "test_module_id",
             "test_suite_id"),
    "test_suite_end": ("test_session_id", "test_module_id", "test_suite_id"),
    "test_module_end": ("test_session_id", "test_module_id"),
    "test_session_end": ("test_session_id",),
    "span": ("trace_id", "span_id", "parent_id"),
}
YEAR_2000_NS = 946684800 * 10**9
# Credentials in a URL, anywhere in a value (dd-trace-go's filterSensitiveInfo).
CREDENTIALS_RE = re.compile(r"(https?|ssh)://[^/\s\"]*@")
URL_TAGS = ("git.repository_url", "ci.pipeline.url", "ci.job.url",
            "_dd.ci.env_vars")
# How long the clients wait for an answer (dd-trace-py's timeouts; itr-cpp
# sizes its per-request budgets the same).
CLIENT_BUDGET_MS = {"/api/v2/libraries/tests/services/setting": 15000,
                    "/api/v2/ci/tests/skippable": 20000}
# Numbers the backend reads from metrics, never from meta.
METRIC_TAGS = ("test.itr.tests_skipping.count", "test.exit_code",
               "test.source.start", "test.source.end",
               "test.code_coverage.lines_pct")
CAPABILITY_PREFIX = "_dd.library_capabilities."
# The configurations the settings and skippable requests key lists by; the
# events must say the same.
CONFIGURATION_KEYS = ("os.platform", "os.version", "os.architecture",
                      "runtime.name", "runtime.version")
VERSION_RE = re.compile(r"^\d+(\.\d+)*$")
SKIPPING_TAGS = ("test.itr.tests_skipping.type",
                 "test.itr.tests_skipping.tests_skipped",
                 "_dd.ci.itr.tests_skipped")
ITR_TEST_TAGS = ("test.skipped_by_itr", "test.itr.unskippable",
                 "test.itr.forced_run")
SHA_RE = re.compile(r"^([0-9a-f]{40}|[0-9a-f]{64})$")
EVP_RE = re.compile(r"^/evp_proxy/(v\d+)(/.*)$")


# --- Shape checks: each returns nothing and appends to `problems` ------------

def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_api_request(body, data_type, problems, required=()):
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        return problems.append("body.data must be an object")
    if data.get("type") != data_type:
        problems.append(f"data.type must be {data_type!r}, "
                        f"got {data.get('type')!r}")
    attributes = data.get("attributes")
    if not isinstance(attributes, dict):
        return problems.append("data.attributes must be an object")
    for key in required:
        if not isinstance(attributes.get(key), str) or not attributes[key]:
            problems.append(f"attributes.{key} must be a non-empty string")
    if CREDENTIALS_RE.search(str(attributes.get("repository_url", ""))):
        problems.append("attributes.repository_url carries credentials")
    if "test_level" in attributes and \
            attributes["test_level"] not in ("test", "suite"):
        problems.append("attributes.test_level must be 'test' or 'suite'")
    if "configurations" in required or "configurations" in attributes:
        check_configurations(attributes.get("configurations"), problems)


def check_configurations(configurations, problems):
    if not isinstance(configurations, dict):
        return problems.append("attributes.configurations must be an object")
    for key, value in configurations.items():
        if key == "custom":
            if not isinstance(value, dict) or \
                    not all(isinstance(v, str) for v in value.values()):
                problems.append("configurations.custom must map to strings")
        elif not isinstance(value, str):
            problems.append(f"configurations.{key} must be a string")


def check_settings(body, problems):
    check_api_request(body, "ci_app_test_service_libraries_settings", problems,
                      ("service", "env", "repository_url", "sha"))
    check_api_request_configurations_required(body, problems)


def check_skippable(body, problems):
    check_api_request(body, "test_params", problems,
                      ("test_level", "service", "env", "repository_url", "sha"))
    check_api_request_configurations_required(body, problems)


def check_api_request_configurations_required(body, problems):
    attributes = (body.get("data") or {}).get("attributes") \
        if isinstance(body, dict) else None
    if isinstance(attributes, dict) and "configurations" not in attributes:
        problems.append("attributes.configurations is required")


def check_event(index, event, problems):
    where = f"events[{index}]"
    if not isinstance(event, dict):
        return problems.append(f"{where} must be a map")
    kind = event.get("type")
    if kind not in EVENT_IDS:
        return problems.append(f"{where}.type {kind!r} is not an event type")
    where = f"{where} ({kind})"
    expected_version = 2 if kind == "test" else 1
    if event.get("version") != expected_version:
        problems.append(f"{where}.version must be {expected_version}, "
                        f"got {event.get('version')!r}")
    content = event.get("content")
    if not isinstance(content, dict):
        return problems.append(f"{where}.content must be a map")
    for key in EVENT_IDS[kind]:
        if not is_int(content.get(key)) or not 0 < content[key] < 2**64:
            problems.append(f"{where}.content.{key} must be a uint64 > 0")
    for key in ("name", "resource"):
        if not isinstance(content.get(key), str) or not content[key]:
            problems.append(f"{where}.content.{key} must be a non-empty string")
    start, duration = content.get("start"), content.get("duration")
    if not is_int(start) or start < YEAR_2000_NS:
        problems.append(f"{where}.content.start must be ns since epoch >= 2000")
    if not is_int(duration) or not 0 <= duration <= 2**63 - 1:
        problems.append(f"{where}.content.duration must be ns in [0, 2^63)")
    if content.get("error") not in (0, 1) or isinstance(content.get("error"),
                                                         bool):
        problems.append(f"{where}.content.error must be 0 or 1")
    meta, metrics = content.get("meta", {}), content.get("metrics", {})
    if not isinstance(meta, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in meta.items()):
        problems.append(f"{where}.content.meta must map strings to strings")
    if not isinstance(metrics, dict) or not all(
            isinstance(k, str) and is_number(v) for k, v in metrics.items()):
        problems.append(f"{where}.content.metrics must map strings to numbers")
    if "itr_correlation_id" in content and \
            not isinstance(content["itr_correlation_id"], str):
        problems.append(f"{where}.content.itr_correlation_id must be a string")


def check_citestcycle(body, problems):
    if not isinstance(body, dict):
        return problems.append("citestcycle body must be a map")
    if body.get("version") != 1:
        problems.append(f"envelope version must be 1, got "
                        f"{body.get('version')!r}")
    if not isinstance(body.get("metadata", {}), dict):
        problems.append("envelope metadata must be a map")
    events = body.get("events")
    if not isinstance(events, list) or not events:
        return problems.append("envelope events must be a non-empty array")
    for index, event in enumerate(events):
        check_event(index, event, problems)


def merged_events(body):
    """Events with metadata["*"] and metadata[type] merged into meta, as the
    backend does (event values win)."""
    if not isinstance(body, dict) or not isinstance(body.get("events"), list):
        return []
    metadata = body.get("metadata") if isinstance(body.get("metadata"),
                                                   dict) else {}
    result = []
    for event in body["events"]:
        if not isinstance(event, dict) or not isinstance(event.get("content"),
                                                         dict):
            continue
        content = copy.deepcopy(event["content"])
        meta = dict(metadata.get("*") or {})
        meta.update(metadata.get(event.get("type")) or {})
        meta.update(content.get("meta") or {})
        content["meta"] = meta
        result.append({"type": event.get("type"), "content": content})
    return result


def check_merged_event(index, event, problems):
    """What each event says once metadata is merged into its meta."""
    kind = event.get("type")
    content = event["content"]
    meta, metrics = content.get("meta") or {}, content.get("metrics") or {}
    where = f"events[{index}] ({kind})"
    if kind == "test":
        final = meta.get("test.final_status")
        if final not in ("pass", "fail", "skip"):
            problems.append(f"{where} test.final_status must be pass, fail "
                            f"or skip, got {final!r}")
        elif final != meta.get("test.status"):
            problems.append(f"{where} test.final_status {final!r} differs "
                            f"from test.status {meta.get('test.status')!r}")
        if meta.get(CAPABILITY_PREFIX + "test_impact_analysis") != "1":
            problems.append(f"{where} lacks {CAPABILITY_PREFIX}"
                            "test_impact_analysis=1")
        owners = meta.get("test.codeowners")
        if owners is not None:
            try:
                parsed = json.loads(owners)
            except ValueError:
                parsed = None
            if not isinstance(parsed, list) or not parsed or \
                    not all(isinstance(o, str) for o in parsed):
                problems.append(f"{where} test.codeowners must be a JSON "
                                f"array of owners, got {owners!r}")
    else:
        if "test.final_status" in meta:
            problems.append(f"{where} test.final_status is for tests only")
    for key in meta:
        if key.startswith(CAPABILITY_PREFIX) and \
                (kind != "test" or key != CAPABILITY_PREFIX +
                 "test_impact_analysis"):
            problems.append(f"{where} has capability {key}, which itr-cpp "
                            "does not implement")
    for key in METRIC_TAGS:
        if key in meta:
            problems.append(f"{where} {key} must be a metric, not meta")
    resource_of = {"test_suite_end": "test.suite",
                   "test_module_end": "test.module"}.get(kind)
    if resource_of and content.get("resource") != meta.get(resource_of):
        problems.append(f"{where} resource {content.get('resource')!r} must "
                        f"be the {resource_of} name {meta.get(resource_of)!r}")
    for key in URL_TAGS:
        if CREDENTIALS_RE.search(str(meta.get(key, ""))):
            problems.append(f"{where} {key} carries credentials")
    version = meta.get("runtime.version")
    if version is not None and not VERSION_RE.match(version):
        problems.append(f"{where} runtime.version {version!r} is not a bare "
                        "version")
    provided = meta.get("_dd.test.is_user_provided_service")
    if provided not in (None, "true", "false"):
        problems.append(f"{where} _dd.test.is_user_provided_service must be "
                        f"'true' or 'false', got {provided!r}")


def check_coverage_payload(payload, problems):
    if not isinstance(payload, dict) or payload.get("version") != 2:
        return problems.append("coverage payload must be a map with version 2")
    coverages = payload.get("coverages")
    if not isinstance(coverages, list) or not coverages:
        return problems.append("coverages must be a non-empty array")
    for index, entry in enumerate(coverages):
        where = f"coverages[{index}]"
        if not isinstance(entry, dict):
            problems.append(f"{where} must be a map")
            continue
        required = ["test_session_id", "test_suite_id"]
        if "span_id" in entry:  # omitted for suite-level coverage
            required.append("span_id")
        for key in required:
            if not is_int(entry.get(key)) or entry[key] <= 0:
                problems.append(f"{where}.{key} must be a uint64 > 0")
        files = entry.get("files")
        if not isinstance(files, list):
            problems.append(f"{where}.files must be an array")
            continue
        for file_index, file in enumerate(files):
            if not isinstance(file, dict) or \
                    not isinstance(file.get("filename"), str) or \
                    not file["filename"]:
                problems.append(f"{where}.files[{file_index}].filename "
                                "must be a non-empty string")
            elif "bitmap" in file and \
                    not isinstance(file["bitmap"], (bytes, str)):
                problems.append(f"{where}.files[{file_index}].bitmap must be "
                                "bin (msgpack) or base64 (JSON)")


def check_citestcov(parts, problems):
    coverage = [p for p in parts if p["name"].startswith("coverage")]
    event = [p for p in parts if p["name"] == "event"]
    if not coverage:
        problems.append("citestcov needs a part named coverage*")
    for part in coverage:
        check_coverage_payload(part.get("data"), problems)
    if not event or not isinstance(event[0].get("data"), dict) or \
            not event[0]["data"]:
        problems.append("citestcov needs an 'event' part with a non-empty "
                        "JSON object")


def check_packfile(parts, problems):
    by_name = {p["name"]: p for p in parts}
    pushed = by_name.get("pushedSha", {}).get("data")
    if not isinstance(pushed, dict):
        problems.append("packfile upload needs a JSON part 'pushedSha'")
    else:
        data, meta = pushed.get("data") or {}, pushed.get("meta") or {}
        if data.get("type") != "commit" or \
                not SHA_RE.match(str(data.get("id", ""))):
            problems.append("pushedSha.data must be {id: <sha>, type: commit}")
        if not isinstance(meta.get("repository_url"), str):
            problems.append("pushedSha.meta.repository_url must be a string")
        elif CREDENTIALS_RE.search(meta["repository_url"]):
            problems.append("pushedSha.meta.repository_url carries "
                            "credentials")
    pack = by_name.get("packfile")
    if pack is None or not pack.get("starts_with_pack"):
        problems.append("packfile upload needs a part 'packfile' starting "
                        "with PACK")


def check_search_commits(body, problems):
    if not isinstance(body, dict) or not isinstance(
            (body.get("meta") or {}).get("repository_url"), str):
        problems.append("search_commits needs meta.repository_url")
    elif CREDENTIALS_RE.search(body["meta"]["repository_url"]):
        problems.append("search_commits meta.repository_url carries "
                        "credentials")
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        return problems.append("search_commits data must be an array")
    for item in data:
        if not isinstance(item, dict) or item.get("type") != "commit" or \
                not SHA_RE.match(str(item.get("id", ""))):
            problems.append(f"search_commits item {item!r} is not "
                            "{id: <sha>, type: commit}")



# --- Session checks: what a whole run sent, against what it was told -------
#
# Computed when the recording is read (GET /_control/requests), over every
# request since the last reset: which events and coverage a session must
# (or must not) send follows from the settings and skippable answers it was
# given. Only runs that asked for settings are checked (the manual API's
# sessions make no request).

def unique_events(requests):
    """Merged events of every citestcycle request, a retried request's once
    (a failed request's events were sent all the same)."""
    seen, events = set(), []
    for request in requests:
        if request["route"] != CITESTCYCLE:
            continue
        for event in request.get("events_merged") or []:
            content = event["content"]
            key = (event["type"], content.get("test_session_id"),
                   content.get("test_module_id"), content.get("test_suite_id"),
                   content.get("span_id"))
            if key not in seen:
                seen.add(key)
                events.append(event)
    return events


def unique_coverages(requests):
    seen, entries = set(), []
    for request in requests:
        if request["route"] != CITESTCOV or not isinstance(request["body"],
                                                           list):
            continue
        for part in request["body"]:
            data = part.get("data")
            if not str(part.get("name", "")).startswith("coverage") or \
                    not isinstance(data, dict):
                continue
            for entry in data.get("coverages") or []:
                key = json.dumps(entry, sort_keys=True)
                if key not in seen:
                    seen.add(key)
                    entries.append(entry)
    return entries


def last_attributes(requests, route):
    for request in reversed(requests):
        if request["route"] == route and isinstance(request["body"], dict):
            return (request["body"].get("data") or {}).get("attributes") or {}
    return None


def check_configurations_on_events(settings, skippable, events, problems):
    """Item 1: the events carry the configurations the lists are keyed by."""
    configurations = settings.get("configurations") or {}
    if skippable is not None and \
            skippable.get("configurations") != configurations:
        problems.append("the skippable request's configurations differ from "
                        "the settings request's")
    custom = configurations.get("custom") or {}
    for event in events:
        meta, kind = event["content"].get("meta") or {}, event["type"]
        for key, value in custom.items():
            if meta.get("test.configuration." + key) != value:
                problems.append(f"{kind} event: test.configuration.{key} is "
                                f"{meta.get('test.configuration.' + key)!r}, "
                                f"the requests said {value!r}")
        for key in meta:
            if key.startswith("test.configuration.") and \
                    key[len("test.configuration."):] not in custom:
                problems.append(f"{kind} event: {key} is not in the "
                                "requests' custom configurations")
        for key in CONFIGURATION_KEYS:
            if key in configurations and meta.get(key) != configurations[key]:
                problems.append(f"{kind} event: {key} is {meta.get(key)!r}, "
                                f"the requests said {configurations[key]!r}")


def check_skipping_off(events, itr_on, problems):
    """Item 8: no skipping list, no skipping tags (dd-trace-py)."""
    for event in events:
        content, kind = event["content"], event["type"]
        meta, metrics = content.get("meta") or {}, content.get("metrics") or {}
        if kind in ("test_session_end", "test_module_end"):
            if meta.get("test.itr.tests_skipping.enabled") != "false":
                problems.append(f"{kind}: test.itr.tests_skipping.enabled "
                                "must be 'false' without a skippable list")
            if not itr_on and meta.get("test.code_coverage.enabled") != \
                    "false":
                problems.append(f"{kind}: test.code_coverage.enabled must be "
                                "'false' with ITR off")
            for key in SKIPPING_TAGS:
                if key in meta:
                    problems.append(f"{kind}: {key} set without a skippable "
                                    "list")
            if "test.itr.tests_skipping.count" in metrics:
                problems.append(f"{kind}: test.itr.tests_skipping.count set "
                                "without a skippable list")
        for key in ITR_TEST_TAGS:
            if key in meta:
                problems.append(f"{kind}: {key} set without a skippable list")
        if content.get("itr_correlation_id"):
            problems.append(f"{kind}: itr_correlation_id without a skippable "
                            "list")


def check_skipping_on(events, level, correlation_id, problems):
    """Items 2 and 8: the skipping tags, the count, the correlation id at
    the requested level."""
    skipped = 0
    for event in events:
        content, kind = event["content"], event["type"]
        meta = content.get("meta") or {}
        on_this = kind == ("test_suite_end" if level == "suite" else "test")
        if on_this and content.get("itr_correlation_id") != correlation_id:
            problems.append(f"{kind} events must carry itr_correlation_id "
                            f"{correlation_id!r} at {level} level")
        if kind in ("test", "test_suite_end") and not on_this and \
                content.get("itr_correlation_id"):
            problems.append(f"{kind} events carry no itr_correlation_id at "
                            f"{level} level")
        if meta.get("test.skipped_by_itr") == "true":
            # At suite level a test may still be (its suite partly ran).
            if kind == "test_suite_end" and level != "suite":
                problems.append(f"{kind}: test.skipped_by_itr at {level} "
                                "level")
            if meta.get("test.status") != "skip" or \
                    not meta.get("test.skip_reason"):
                problems.append(f"{kind} skipped by ITR needs test.status "
                                "skip and test.skip_reason")
            skipped += kind == ("test_suite_end" if level == "suite"
                                else "test")
    for event in events:
        content, kind = event["content"], event["type"]
        if kind not in ("test_session_end", "test_module_end"):
            continue
        meta, metrics = content.get("meta") or {}, content.get("metrics") or {}
        count = metrics.get("test.itr.tests_skipping.count")
        expected = {"test.itr.tests_skipping.enabled": "true",
                    "test.itr.tests_skipping.type": level,
                    "test.itr.tests_skipping.tests_skipped":
                        "true" if count else "false",
                    "_dd.ci.itr.tests_skipped": "true" if count else "false"}
        for key, value in expected.items():
            if meta.get(key) != value:
                problems.append(f"{kind}: {key} must be {value!r}, got "
                                f"{meta.get(key)!r}")
        if count != skipped:
            problems.append(f"{kind}: test.itr.tests_skipping.count must be "
                            f"{skipped} ({level}s skipped by ITR), got "
                            f"{count!r}")


def check_suite_skips(events, problems):
    """Item 2: a suite skipped by ITR is reported without its tests."""
    skipped = {e["content"].get("test_suite_id") for e in events
               if e["type"] == "test_suite_end" and
               (e["content"].get("meta") or {}).get("test.skipped_by_itr") ==
               "true"}
    for event in events:
        if event["type"] == "test" and \
                event["content"].get("test_suite_id") in skipped:
            problems.append("a test event of a suite skipped by ITR "
                            f"({event['content']['meta'].get('test.name')})")


def check_coverage_shapes(events, coverages, level, problems):
    """Item 2: suite level, one entry per suite without span_id; test level,
    each entry a test's."""
    suite_ids = {e["content"].get("test_suite_id") for e in events
                 if e["type"] == "test_suite_end"}
    test_spans = {e["content"].get("span_id") for e in events
                  if e["type"] == "test"}
    per_suite = {}
    for entry in coverages:
        if level == "suite":
            if "span_id" in entry:
                problems.append("citestcov entries have no span_id at suite "
                                "level")
            suite = entry.get("test_suite_id")
            if suite not in suite_ids:
                problems.append(f"citestcov entry for suite {suite}, which "
                                "sent no test_suite_end")
            per_suite[suite] = per_suite.get(suite, 0) + 1
            if per_suite[suite] == 2:
                problems.append(f"more than one citestcov entry for suite "
                                f"{suite}")
        elif entry.get("span_id") not in test_spans:
            problems.append(f"citestcov entry for span {entry.get('span_id')}"
                            ", which is no test event")


def check_expectations(expect, events, problems):
    for event in events:
        meta = event["content"].get("meta") or {}
        metrics = event["content"].get("metrics") or {}
        if "dd_service_set" in expect:
            wanted = "true" if expect["dd_service_set"] else "false"
            if meta.get("_dd.test.is_user_provided_service") != wanted:
                problems.append(f"{event['type']}: _dd.test.is_user_provided_"
                                f"service must be {wanted!r}")
        if "exit_code" in expect and event["type"] == "test_session_end" and \
                metrics.get("test.exit_code") != expect["exit_code"]:
            problems.append(f"test.exit_code must be {expect['exit_code']}, "
                            f"got {metrics.get('test.exit_code')!r}")


def session_violations(requests, scenario, served):
    settings = last_attributes(requests, SETTINGS)
    if settings is None:
        return []
    problems = []
    events = unique_events(requests)
    coverages = unique_coverages(requests)
    skippable = last_attributes(requests, SKIPPABLE)
    check_configurations_on_events(settings, skippable, events, problems)
    answered = served["settings"]
    itr_on = bool(answered and answered.get("itr_enabled"))
    coverage_on = itr_on and bool(answered.get("code_coverage"))
    level = settings.get("test_level", "test")
    if not itr_on and skippable is not None:
        problems.append("a skippable request with ITR off")
    if not coverage_on and coverages:
        problems.append("citestcov sent with ITR or code coverage off")
    if served["skippable"]:
        check_skipping_on(events, level, scenario["correlation_id"], problems)
    else:
        check_skipping_off(events, itr_on, problems)
    if level == "suite":
        check_suite_skips(events, problems)
    check_coverage_shapes(events, coverages, level, problems)
    check_expectations(scenario.get("expect") or {}, events, problems)
    return ["session: " + p for p in problems]


# --- Body decoding ------------------------------------------------------------

def decompress(raw, encoding):
    if encoding in ("", "identity"):
        return raw
    if encoding == "gzip":
        return gzip.decompress(raw)
    if encoding == "deflate":  # zlib-wrapped or raw (Swift)
        try:
            return zlib.decompress(raw)
        except zlib.error:
            return zlib.decompress(raw, -15)
    raise ValueError(f"unsupported Content-Encoding {encoding!r}")


def decode_typed(data, content_type):
    if content_type.startswith("application/msgpack"):
        return msgpack.unpackb(data, raw=False, strict_map_key=False)
    if content_type.startswith("application/json"):
        return json.loads(data)
    return None


def decode_multipart(raw, content_type):
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw)
    if not message.is_multipart():
        raise ValueError("not a multipart body")
    parts = []
    for part in message.iter_parts():
        data = part.get_payload(decode=True) or b""
        ctype = part.get_content_type() if part["content-type"] else ""
        entry = {"name": part.get_param("name", "", "content-disposition"),
                 "filename": part.get_filename(), "content_type": ctype,
                 "size": len(data), "starts_with_pack": data[:4] == b"PACK"}
        if entry["name"] == "packfile":
            entry["data"] = None  # binary; see size and starts_with_pack
        else:
            entry["data"] = decode_typed(data, ctype)
        parts.append(entry)
    return parts


def to_json(value):
    """Bytes (msgpack bin, e.g. bitmaps) become base64 strings."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    return value


# --- Server state -------------------------------------------------------------

class State:
    def __init__(self):
        self.lock = threading.RLock()
        self.reset()

    def reset(self):
        self.scenario = {"settings": {}, "skippable": [], "correlation_id":
                         "itr-correlation-1", "coverage": None,
                         "known_commits": [], "known_tests": {},
                         "info_endpoints": DEFAULT_INFO_ENDPOINTS,
                         "failures": [], "expect": {},
                         "large_skippable": 0}
        self.requests = []
        self.violations = []
        # What the client was answered normally: the settings attributes
        # and whether it got the skippable list (None/False: it did not).
        self.served = {"settings": None, "skippable": False}

    def take_failure(self, path):
        """The first matching failure rule, with its count consumed."""
        with self.lock:
            for rule in self.scenario["failures"]:
                count = rule.get("count", 1)
                if path.startswith(rule.get("path_prefix", "")) and count != 0:
                    rule["count"] = count - 1  # negative: forever
                    return rule
        return None


STATE = State()


class Handler(BaseHTTPRequestHandler):
    server_version = "itr-conformance/1"

    def log_message(self, *args):  # quiet; requests are recorded instead
        pass

    def reply(self, status, body=b"", headers=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        record = getattr(self, "record", None)
        if record is not None:  # what the client was told, for tests
            with STATE.lock:
                record["answered"] = status
                record["answered_bytes"] = len(body)
            self.record = None
        self.send_response(status)
        has_type = any(k.lower() == "content-type" for k in (headers or {}))
        if body and not has_type:
            self.send_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            self.send_header(name, str(value))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PUT(self):
        self.handle_any("PUT")

    def handle_any(self, method):
        raw = self.read_body()
        if self.path.startswith("/_control/"):
            return self.control(method, raw)
        if method == "GET" and self.path == "/info":
            endpoints = STATE.scenario["info_endpoints"]
            if endpoints is None:
                return self.reply(404, {"error": "no /info"})
            return self.reply(200, {"endpoints": endpoints,
                                    "config": {"default_env": "none"}})
        self.intake(method, raw)

    def control(self, method, raw):
        if method == "GET" and self.path == "/_control/requests":
            with STATE.lock:
                violations = STATE.violations + session_violations(
                    STATE.requests, STATE.scenario, STATE.served)
                return self.reply(200, {"requests": STATE.requests,
                                        "violations": violations})
        if method == "POST" and self.path == "/_control/reset":
            with STATE.lock:
                STATE.reset()
            return self.reply(200, {})
        if method == "POST" and self.path == "/_control/scenario":
            try:
                update = json.loads(raw or b"{}")
            except ValueError as error:
                return self.reply(400, {"error": str(error)})
            with STATE.lock:
                for key, value in update.items():
                    if key not in STATE.scenario:
                        return self.reply(400, {"error": f"unknown {key!r}"})
                    STATE.scenario[key] = value
            return self.reply(200, STATE.scenario)
        self.reply(404, {"error": "unknown control path"})

    def intake(self, method, raw):
        headers = {k.lower(): v for k, v in self.headers.items()}
        problems = []
        match = EVP_RE.match(self.path)
        mode, route = ("evp_" + match.group(1), match.group(2)) if match \
            else ("agentless", self.path)
        route = route.split("?", 1)[0]
        self.check_headers(mode, route, headers, problems)
        record = {"method": method, "path": self.path, "route": route,
                  "mode": mode, "api_key_present": "dd-api-key" in headers,
                  "headers": {k: ("<redacted>" if k == "dd-api-key" else v)
                              for k, v in headers.items()},
                  "body_size": len(raw), "body": None}
        parsed = None
        try:
            data = decompress(raw, headers.get("content-encoding", ""))
            record["decoded_size"] = len(data)
            content_type = headers.get("content-type", "")
            if content_type.startswith("multipart/form-data"):
                parsed = decode_multipart(data, content_type)
            else:
                parsed = decode_typed(data, content_type)
                if parsed is None and data:
                    record["body_text"] = data[:2000].decode("utf-8",
                                                             "replace")
        except Exception as error:  # any undecodable body is a violation
            problems.append(f"body not decodable: {error}")
        record["body"] = to_json(parsed)
        if parsed is not None or not problems:
            self.check_body(method, route, parsed, problems)
        if route == CITESTCYCLE:
            merged = merged_events(parsed)
            for index, event in enumerate(merged):
                check_merged_event(index, event, problems)
            record["events_merged"] = to_json(merged)
        record["violations"] = problems
        with STATE.lock:
            STATE.requests.append(record)
            STATE.violations.extend(f"{method} {self.path}: {p}"
                                    for p in problems)
        self.record = record
        rule = STATE.take_failure(self.path)
        delay_ms = 0
        if rule is not None:
            delay_ms = rule.get("delay_ms", 0)
            time.sleep(delay_ms / 1000.0)
            if rule.get("status"):
                return self.reply(rule["status"], rule.get("body", ""),
                                  rule.get("headers"))
        self.respond(route, parsed, delay_ms)

    def check_headers(self, mode, route, headers, problems):
        if mode == "agentless":
            if not headers.get("dd-api-key"):
                problems.append("agentless request without dd-api-key")
            return
        if "dd-api-key" in headers:
            problems.append("API key sent through the agent")
        expected = SUBDOMAIN.get(route)
        got = headers.get("x-datadog-evp-subdomain")
        if got is None:
            problems.append("EVP request without X-Datadog-EVP-Subdomain")
        elif expected is not None and got != expected:
            problems.append(f"X-Datadog-EVP-Subdomain {got!r} for {route} "
                            f"(expected {expected!r})")
        if mode == "evp_v2" and headers.get("content-encoding"):
            problems.append("compressed body through /evp_proxy/v2")
        if mode not in ("evp_v2", "evp_v4"):
            problems.append(f"unsupported EVP version {mode}")

    def check_body(self, method, route, parsed, problems):
        checks = {SETTINGS: check_settings, SKIPPABLE: check_skippable,
                  SEARCH_COMMITS: check_search_commits,
                  CITESTCYCLE: check_citestcycle, CITESTCOV: check_citestcov,
                  PACKFILE: check_packfile,
                  KNOWN_TESTS: lambda b, p: check_api_request(
                      b, "ci_app_libraries_tests_request", p),
                  TEST_MANAGEMENT: lambda b, p: check_api_request(
                      b, "ci_app_libraries_tests_request", p)}
        if route not in checks:
            return problems.append(f"unknown intake path {route}")
        if method != "POST":
            problems.append(f"{route} must be POSTed")
        multipart = route in (CITESTCOV, PACKFILE)
        if multipart != isinstance(parsed, list) or parsed is None:
            return problems.append("body must be " + (
                "multipart/form-data" if multipart else
                "JSON" + (" or msgpack" if route == CITESTCYCLE else "")))
        checks[route](parsed, problems)

    def respond(self, route, parsed, delay_ms=0):
        scenario = STATE.scenario
        # An answer later than the clients wait for it was not received.
        in_time = delay_ms < CLIENT_BUDGET_MS.get(route, 0)
        if route == SETTINGS:
            attributes = copy.deepcopy(DEFAULT_SETTINGS)
            attributes.update(scenario["settings"])
            if in_time:
                with STATE.lock:
                    STATE.served["settings"] = attributes
            return self.reply(200, {"data": {
                "id": "1", "type": "ci_app_tracers_test_service_settings",
                "attributes": attributes}})
        if route == SKIPPABLE:
            meta = {"correlation_id": scenario["correlation_id"]}
            if scenario["coverage"] is not None:
                meta["coverage"] = scenario["coverage"]
            if in_time:
                with STATE.lock:
                    STATE.served["skippable"] = True
            if scenario.get("large_skippable"):
                return self.reply(200, large_skippable(
                    scenario["large_skippable"], scenario["skippable"], meta))
            return self.reply(200, {"data": scenario["skippable"],
                                    "meta": meta})
        if route == SEARCH_COMMITS:
            asked = parsed.get("data", []) if isinstance(parsed, dict) else []
            known = [{"id": item.get("id"), "type": "commit"} for item in asked
                     if isinstance(item, dict) and
                     item.get("id") in scenario["known_commits"]]
            return self.reply(200, {"data": known})
        if route == PACKFILE:
            return self.reply(204)
        if route == KNOWN_TESTS:
            return self.reply(200, {"data": {
                "id": "1", "type": "ci_app_libraries_tests", "attributes": {
                    "tests": scenario["known_tests"], "page_info": {
                        "cursor": "", "size": 0, "has_next": False}}}})
        if route == TEST_MANAGEMENT:
            return self.reply(200, {"data": {"id": "1", "type":
                                             "ci_app_libraries_tests",
                                             "attributes": {"modules": {}}}})
        if route in (CITESTCYCLE, CITESTCOV):
            return self.reply(202, {})
        self.reply(404, {"error": f"unknown path {route}"})


def large_skippable(size, items, meta):
    """A skippable response of at least `size` bytes: `items`, then filler
    items for a module no test has (as a monorepo's list would be)."""
    total = len(json.dumps({"data": items, "meta": meta}))
    filler = []
    index = 0
    while total < size:
        item = {"type": "test", "id": f"{index:016x}", "attributes": {
            "suite": f"generated/suite_{index // 50:06d}.cc",
            "name": f"Case{index:08d}_with_a_longer_name",
            "parameters": '{"arguments": {}, "metadata": {}}',
            "configurations": {"test.bundle": "another_module"}}}
        total += len(json.dumps(item)) + 2  # and its ", "
        filler.append(item)
        index += 1
    return json.dumps({"data": items + filler, "meta": meta})


def exit_when_orphaned(parent):
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file", help="write the chosen port here")
    parser.add_argument("--exit-with-parent", action="store_true",
                        help="stop when the process that started us is gone")
    args = parser.parse_args()
    if args.exit_with_parent:  # a crashed test must not leave us running
        parent = os.getppid()
        threading.Thread(target=exit_when_orphaned, args=(parent,),
                         daemon=True).start()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    if args.port_file:  # written whole, then renamed: readers never see half
        with open(args.port_file + ".tmp", "w") as out:
            out.write(f"{port}\n")
        os.replace(args.port_file + ".tmp", args.port_file)
    print(f"conformance server on http://127.0.0.1:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
