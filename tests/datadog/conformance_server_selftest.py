#!/usr/bin/python3
"""Checks conformance_server.py itself: well-formed requests in every encoding
the protocol allows give no violation, and each malformed one is reported.

  /usr/bin/python3 conformance_server_selftest.py
"""

import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zlib

import msgpack

HERE = os.path.dirname(os.path.abspath(__file__))
NOW_NS = time.time_ns()
SHA = "c" * 40


def start_server(port_file):
    server = subprocess.Popen(
        [sys.executable, os.path.join(HERE, "conformance_server.py"),
         "--port-file", port_file, "--exit-with-parent"],
        stdout=subprocess.DEVNULL)
    for _ in range(500):
        if os.path.exists(port_file):
            with open(port_file) as f:
                return server, f"http://127.0.0.1:{int(f.read())}"
        time.sleep(0.02)
    server.kill()
    raise RuntimeError("conformance server did not start")


class Client:
    def __init__(self, base):
        self.base = base

    def send(self, path, body=b"", headers=None, method="POST"):
        request = urllib.request.Request(self.base + path, data=body,
                                         headers=headers or {}, method=method)
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def control(self, path, payload=None):
        status, body = self.send(path, json.dumps(payload or {}).encode(),
                                 {"Content-Type": "application/json"},
                                 "GET" if path.endswith("requests") else "POST")
        assert status == 200, (path, status, body)
        return json.loads(body)


def multipart(parts):
    body = b""
    for name, filename, content_type, data in parts:
        body += b"--B\r\nContent-Disposition: form-data; name=\"%s\"" % name
        if filename:
            body += b"; filename=\"%s\"" % filename
        body += b"\r\nContent-Type: %s\r\n\r\n%s\r\n" % (content_type, data)
    return body + b"--B--\r\n", "multipart/form-data; boundary=B"


def test_event(**overrides):
    content = {"trace_id": 1, "span_id": 2, "test_session_id": 3,
               "test_module_id": 4, "test_suite_id": 5, "name": "gtest.test",
               "resource": "Suite.Name", "start": NOW_NS, "duration": 1000,
               "error": 0, "meta": {"test.status": "pass",
                                    "test.final_status": "pass"},
               "metrics": {"test.source.start": 12}}
    content.update(overrides)
    return {"type": "test", "version": 2, "content": content}


CAPABILITY = "_dd.library_capabilities.test_impact_analysis"


def envelope(*events, star=None):
    return {"version": 1, "metadata": {"*": star or {"language": "cpp"},
                                       "test": {"test_session.name": "s",
                                                CAPABILITY: "1"}},
            "events": list(events)}


def container_event(kind, **overrides):
    ids = {"test_suite_end": {"test_session_id": 3, "test_module_id": 4,
                              "test_suite_id": 5},
           "test_module_end": {"test_session_id": 3, "test_module_id": 4},
           "test_session_end": {"test_session_id": 3}}[kind]
    meta = {"test_suite_end": {"test.suite": "Suite", "test.module": "m"},
            "test_module_end": {"test.module": "m"},
            "test_session_end": {}}[kind]
    content = {**ids, "name": "gtest." + kind, "resource": {
        "test_suite_end": "Suite", "test_module_end": "m"}.get(
            kind, "gtest.test_session.cmd"), "start": NOW_NS,
        "duration": 1, "error": 0, "meta": {"test.status": "pass", **meta},
        "metrics": {}}
    content.update(overrides)
    return {"type": kind, "version": 1, "content": content}


def with_meta(event, **meta):
    """`event` with these meta tags added (None removes one)."""
    event = json.loads(json.dumps(event))
    for key, value in meta.items():
        key = key.replace("__", ".")
        if value is None:
            event["content"]["meta"].pop(key, None)
        else:
            event["content"]["meta"][key] = value
    return event


COVERAGE = {"version": 2, "coverages": [
    {"test_session_id": 3, "test_suite_id": 5, "span_id": 2,
     "files": [{"filename": "src/a.cc", "bitmap": b"\xa0\x40"},
               {"filename": "src/b.h"}]},
    {"test_session_id": 3, "test_suite_id": 5,
     "files": [{"filename": "src/c.cc"}]}]}

KEY = {"dd-api-key": "secret"}
MSGPACK = {"Content-Type": "application/msgpack", **KEY}


def well_formed():
    """(description, path, body, headers) that must give no violation."""
    cycle = msgpack.packb(envelope(test_event()))
    cov, cov_type = multipart([
        (b"coverage1", b"coverage1.msgpack", b"application/msgpack",
         msgpack.packb(COVERAGE)),
        (b"event", b"event.json", b"application/json", b'{"dummy":true}')])
    deflater = zlib.compressobj(wbits=-15)
    raw_deflate = deflater.compress(cycle) + deflater.flush()
    pack, pack_type = multipart([
        (b"pushedSha", None, b"application/json", json.dumps(
            {"data": {"id": SHA, "type": "commit"},
             "meta": {"repository_url": "r"}}).encode()),
        (b"packfile", b"x-1.pack", b"application/octet-stream",
         b"PACK\x00\x00\x00\x02\r\n\n binary")])
    return [
        ("msgpack citestcycle, gzip", "/api/v2/citestcycle",
         gzip.compress(cycle), {**MSGPACK, "Content-Encoding": "gzip"}),
        ("msgpack citestcycle, raw deflate", "/api/v2/citestcycle",
         raw_deflate, {**MSGPACK, "Content-Encoding": "deflate"}),
        ("JSON citestcycle, zlib deflate", "/api/v2/citestcycle",
         zlib.compress(json.dumps(envelope(test_event())).encode()),
         {"Content-Type": "application/json", "Content-Encoding": "deflate",
          **KEY}),
        ("citestcov through EVP v4", "/evp_proxy/v4/api/v2/citestcov",
         gzip.compress(cov), {"Content-Type": cov_type,
                              "Content-Encoding": "gzip",
                              "X-Datadog-EVP-Subdomain": "citestcov-intake"}),
        ("packfile", "/api/v2/git/repository/packfile", pack,
         {"Content-Type": pack_type, **KEY}),
        ("search_commits through EVP v2",
         "/evp_proxy/v2/api/v2/git/repository/search_commits",
         json.dumps({"meta": {"repository_url": "r"},
                     "data": [{"id": SHA, "type": "commit"}]}).encode(),
         {"Content-Type": "application/json",
          "X-Datadog-EVP-Subdomain": "api"}),
    ]


def malformed():
    """(expected violation substring, path, body, headers)."""
    return [
        ("test).version must be 2", "/api/v2/citestcycle",
         msgpack.packb(envelope({**test_event(), "version": 1})), MSGPACK),
        ("content.span_id must be a uint64", "/api/v2/citestcycle",
         msgpack.packb(envelope(test_event(span_id=0))), MSGPACK),
        ("start must be ns since epoch", "/api/v2/citestcycle",
         msgpack.packb(envelope(test_event(start=5))), MSGPACK),
        ("meta must map strings to strings", "/api/v2/citestcycle",
         msgpack.packb(envelope(test_event(meta={"n": 1}))), MSGPACK),
        ("metrics must map strings to numbers", "/api/v2/citestcycle",
         msgpack.packb(envelope(test_event(metrics={"n": "1"}))), MSGPACK),
        ("is not an event type", "/api/v2/citestcycle",
         msgpack.packb(envelope({"type": "tset", "version": 1,
                                 "content": {}})), MSGPACK),
        ("without dd-api-key", "/api/v2/citestcycle",
         msgpack.packb(envelope(test_event())),
         {"Content-Type": "application/msgpack"}),
        ("API key sent through the agent", "/evp_proxy/v4/api/v2/citestcycle",
         msgpack.packb(envelope(test_event())),
         {**MSGPACK, "X-Datadog-EVP-Subdomain": "citestcycle-intake"}),
        ("compressed body through /evp_proxy/v2",
         "/evp_proxy/v2/api/v2/citestcycle",
         gzip.compress(msgpack.packb(envelope(test_event()))),
         {"Content-Type": "application/msgpack", "Content-Encoding": "gzip",
          "X-Datadog-EVP-Subdomain": "citestcycle-intake"}),
        ("expected 'citestcov-intake'", "/evp_proxy/v4/api/v2/citestcov",
         multipart([])[0], {"Content-Type": multipart([])[1],
                            "X-Datadog-EVP-Subdomain": "api"}),
        ("coverage payload must be a map with version 2", "/api/v2/citestcov",
         *multipart_headers([(b"coverage1", b"c.msgpack",
                              b"application/msgpack",
                              msgpack.packb({**COVERAGE, "version": 1})),
                             (b"event", b"e.json", b"application/json",
                              b'{"dummy":true}')])),
        ("needs an 'event' part", "/api/v2/citestcov",
         *multipart_headers([(b"coverage1", b"c.msgpack",
                              b"application/msgpack",
                              msgpack.packb(COVERAGE))])),
        ("starting with PACK", "/api/v2/git/repository/packfile",
         *multipart_headers([(b"packfile", b"p.pack",
                              b"application/octet-stream", b"KCAP")])),
        ("attributes.sha must be a non-empty string",
         "/api/v2/libraries/tests/services/setting",
         json.dumps({"data": {"type": "ci_app_test_service_libraries_settings",
                              "attributes": {"service": "s", "env": "e",
                                             "repository_url": "r",
                                             "configurations": {}}}}).encode(),
         {"Content-Type": "application/json", **KEY}),
        ("test.final_status must be pass, fail or skip", "/api/v2/citestcycle",
         msgpack.packb(envelope(with_meta(
             test_event(), test__final_status=None))), MSGPACK),
        ("differs from test.status", "/api/v2/citestcycle",
         msgpack.packb(envelope(with_meta(
             test_event(), test__final_status="fail"))), MSGPACK),
        ("test.final_status is for tests only", "/api/v2/citestcycle",
         msgpack.packb(envelope(with_meta(container_event("test_suite_end"),
                                          test__final_status="pass"))),
         MSGPACK),
        ("lacks _dd.library_capabilities.test_impact_analysis",
         "/api/v2/citestcycle",
         msgpack.packb({**envelope(test_event()), "metadata": {}}), MSGPACK),
        ("does not implement", "/api/v2/citestcycle",
         msgpack.packb(envelope(with_meta(
             test_event(),
             _dd__library_capabilities__early_flake_detection="1"))),
         MSGPACK),
        ("test.source.start must be a metric", "/api/v2/citestcycle",
         msgpack.packb(envelope(with_meta(
             test_event(), test__source__start="12"))), MSGPACK),
        ("must be the test.suite name", "/api/v2/citestcycle",
         msgpack.packb(envelope(container_event(
             "test_suite_end", resource="gtest.test_suite.Suite"))), MSGPACK),
        ("must be the test.module name", "/api/v2/citestcycle",
         msgpack.packb(envelope(container_event(
             "test_module_end", resource="gtest.test_module.m"))), MSGPACK),
        ("ci.pipeline.url carries credentials", "/api/v2/citestcycle",
         msgpack.packb(envelope(test_event(), star={
             "ci.pipeline.url": "https://u:p@ci.example.com/p/1"})), MSGPACK),
        ("_dd.ci.env_vars carries credentials", "/api/v2/citestcycle",
         msgpack.packb(envelope(test_event(), star={
             "_dd.ci.env_vars": '{"URL":"https://tok@git.example.com/x"}'})),
         MSGPACK),
        ("is not a bare version", "/api/v2/citestcycle",
         msgpack.packb(envelope(test_event(), star={
             "runtime.version": "14.0.6  optimized NDEBUG"})), MSGPACK),
        ("_dd.test.is_user_provided_service must be", "/api/v2/citestcycle",
         msgpack.packb(envelope(test_event(), star={
             "_dd.test.is_user_provided_service": "yes"})), MSGPACK),
        ("test.codeowners must be a JSON array", "/api/v2/citestcycle",
         msgpack.packb(envelope(with_meta(
             test_event(), test__codeowners="@org/team"))), MSGPACK),
        ("repository_url carries credentials",
         "/api/v2/libraries/tests/services/setting",
         json.dumps(settings_body(repository_url="https://u:p@h.com/r.git"))
         .encode(), {"Content-Type": "application/json", **KEY}),
        ("data.type must be 'test_params'", "/api/v2/ci/tests/skippable",
         json.dumps({"data": {"type": "x", "attributes": {
             "test_level": "test", "service": "s", "env": "e",
             "repository_url": "r", "sha": SHA,
             "configurations": {}}}}).encode(),
         {"Content-Type": "application/json", **KEY}),
    ]


CONFIGURATIONS = {"os.platform": "linux", "os.version": "6.1",
                  "os.architecture": "x86_64", "runtime.name": "clang",
                  "runtime.version": "14.0.6", "custom": {"board": "rev2"}}
STAR = {"language": "cpp", "os.platform": "linux", "os.version": "6.1",
        "os.architecture": "x86_64", "runtime.name": "clang",
        "runtime.version": "14.0.6", "test.configuration.board": "rev2"}
CORRELATION = "itr-correlation-1"  # the server's default


def settings_body(level="test", **overrides):
    attributes = {"test_level": level, "service": "s", "env": "none",
                  "repository_url": "https://h.com/r.git", "branch": "main",
                  "sha": SHA, "configurations": CONFIGURATIONS}
    attributes.update(overrides)
    return {"data": {"id": "1", "type":
                     "ci_app_test_service_libraries_settings",
                     "attributes": attributes}}


def skippable_body(level="test"):
    body = settings_body(level)
    body["data"]["type"] = "test_params"
    return body


def session(level):
    """A well-formed run's bodies: settings, skippable, the test cycle
    envelope (one test ran, one test or suite skipped) and coverage."""
    skipping = {"test.itr.tests_skipping.enabled": "true",
                "test.itr.tests_skipping.type": level,
                "test.itr.tests_skipping.tests_skipped": "true",
                "_dd.ci.itr.tests_skipped": "true",
                "test.code_coverage.enabled": "true"}
    count = {"test.itr.tests_skipping.count": 1}
    ran = test_event(span_id=10)
    if level == "test":
        ran["content"]["itr_correlation_id"] = CORRELATION
        skipped = with_meta(test_event(span_id=11, itr_correlation_id=
                                       CORRELATION),
                            test__status="skip", test__final_status="skip",
                            test__skipped_by_itr="true",
                            test__skip_reason="Skipped by ITR")
        suites = [container_event("test_suite_end")]
        coverage = {"test_session_id": 3, "test_suite_id": 5, "span_id": 10,
                    "files": [{"filename": "src/a.cc"}]}
    else:
        skipped = with_meta(container_event(
            "test_suite_end", test_suite_id=6, resource="Skipped",
            itr_correlation_id=CORRELATION), test__suite="Skipped",
            test__status="skip", test__skipped_by_itr="true",
            test__skip_reason="Skipped by ITR")
        suites = [container_event("test_suite_end",
                                  itr_correlation_id=CORRELATION)]
        coverage = {"test_session_id": 3, "test_suite_id": 5,
                    "files": [{"filename": "src/a.cc"}]}
    containers = [with_meta(container_event(kind, metrics=dict(count)),
                            **{k.replace(".", "__"): v
                               for k, v in skipping.items()})
                  for kind in ("test_module_end", "test_session_end")]
    return {"settings": settings_body(level),
            "skippable": skippable_body(level),
            "cycle": envelope(ran, skipped, *suites, *containers, star=STAR),
            "coverage": {"version": 2, "coverages": [coverage]}}


def send_session(client, bodies):
    json_headers = {"Content-Type": "application/json", **KEY}
    if bodies.get("settings") is not None:
        client.send("/api/v2/libraries/tests/services/setting",
                    json.dumps(bodies["settings"]).encode(), json_headers)
    if bodies.get("skippable") is not None:
        client.send("/api/v2/ci/tests/skippable",
                    json.dumps(bodies["skippable"]).encode(), json_headers)
    client.send("/api/v2/citestcycle", msgpack.packb(bodies["cycle"]),
                MSGPACK)
    if bodies.get("coverage") is not None:
        body, headers = multipart_headers([
            (b"coverage1", b"coverage1.msgpack", b"application/msgpack",
             msgpack.packb(bodies["coverage"])),
            (b"event", b"event.json", b"application/json",
             b'{"dummy":true}')])
        client.send("/api/v2/citestcov", body, headers)


def events_of(bodies, kind):
    return [e for e in bodies["cycle"]["events"] if e["type"] == kind]


def malformed_sessions():
    """(expected violation, level, scenario, mutation of the bodies)."""
    def put(path, value):
        def mutate(b):
            *parents, last = path
            target = b
            for key in parents:
                target = target[key]
            target[last] = value
        return mutate

    def meta_of(kind, **meta):
        def mutate(b):
            for event in events_of(b, kind):
                event.update(with_meta(event, **meta))
        return mutate

    def content_of(kind, key, value):
        def mutate(b):
            for event in events_of(b, kind):
                if value is None:
                    event["content"].pop(key, None)
                else:
                    event["content"][key] = value
        return mutate

    def drop(name):
        return lambda b: b.pop(name)

    off = {"settings": {"itr_enabled": False}}
    no_skipping = {"settings": {"tests_skipping": False}}
    return [
        ("test.configuration.board is None", "test", {},
         put(("cycle", "metadata", "*"), {**STAR, "test.configuration.board":
                                          None})),
        ("test.configuration.gpu is not in the requests'", "test", {},
         put(("cycle", "metadata", "*"), {**STAR,
                                          "test.configuration.gpu": "a100"})),
        ("runtime.version is '15.0.0'", "test", {},
         put(("cycle", "metadata", "*"), {**STAR,
                                          "runtime.version": "15.0.0"})),
        ("configurations differ from the settings", "test", {},
         put(("skippable", "data", "attributes", "configurations"),
             {**CONFIGURATIONS, "custom": {}})),
        ("no span_id at suite level", "suite", {},
         put(("coverage", "coverages", 0, "span_id"), 10)),
        ("more than one citestcov entry", "suite", {},
         lambda b: b["coverage"]["coverages"].append(
             {**b["coverage"]["coverages"][0],
              "files": [{"filename": "src/b.cc"}]})),
        ("which sent no test_suite_end", "suite", {},
         put(("coverage", "coverages", 0, "test_suite_id"), 99)),
        ("test_suite_end events must carry itr_correlation_id", "suite", {},
         content_of("test_suite_end", "itr_correlation_id", None)),
        ("test events carry no itr_correlation_id at suite", "suite", {},
         content_of("test", "itr_correlation_id", CORRELATION)),
        ("a test event of a suite skipped by ITR", "suite", {},
         lambda b: b["cycle"]["events"].append(
             test_event(span_id=12, test_suite_id=6))),
        ("test.itr.tests_skipping.count must be 1", "test", {},
         content_of("test_session_end", "metrics",
                    {"test.itr.tests_skipping.count": 2})),
        ("test.itr.tests_skipping.type must be 'suite'", "suite", {},
         meta_of("test_session_end", test__itr__tests_skipping__type="test")),
        ("test events must carry itr_correlation_id", "test", {},
         content_of("test", "itr_correlation_id", None)),
        ("which is no test event", "test", {},
         put(("coverage", "coverages", 0, "span_id"), 77)),
        ("test.skipped_by_itr at test level", "test", {},
         meta_of("test_suite_end", test__skipped_by_itr="true",
                 test__status="skip", test__skip_reason="x")),
        ("test.itr.tests_skipping.type set without a skippable list", "test",
         off, lambda b: b.pop("skippable")),
        ("a skippable request with ITR off", "test", off,
         lambda b: None),
        ("citestcov sent with ITR or code coverage off", "test", off,
         drop("skippable")),
        ("test.itr.tests_skipping.enabled must be 'false'", "test",
         no_skipping, drop("skippable")),
        ("test.code_coverage.enabled must be 'false' with ITR off", "test",
         off, lambda b: (b.pop("skippable"), b.pop("coverage"))),
        ("itr_correlation_id without a skippable list", "test", no_skipping,
         drop("skippable")),
        ("_dd.test.is_user_provided_service must be 'true'", "test",
         {"expect": {"dd_service_set": True}}, lambda b: None),
        ("test.exit_code must be 1", "test", {"expect": {"exit_code": 1}},
         content_of("test_session_end", "metrics",
                    {"test.itr.tests_skipping.count": 1,
                     "test.exit_code": 0})),
    ]


def run_sessions(client):
    """Well-formed runs at both levels give no violation; each malformed
    one is reported by the session checks."""
    failures = []
    for level in ("test", "suite"):
        client.control("/_control/reset")
        send_session(client, session(level))
        violations = client.control("/_control/requests")["violations"]
        if violations:
            failures.append(f"well-formed {level}-level session: "
                            f"{violations}")
    for expected, level, scenario, mutate in malformed_sessions():
        client.control("/_control/reset")
        if scenario:
            client.control("/_control/scenario", scenario)
        bodies = session(level)
        mutate(bodies)
        send_session(client, bodies)
        violations = client.control("/_control/requests")["violations"]
        if not any(expected in v for v in violations):
            failures.append(f"session check not reported: {expected!r} "
                            f"(got {violations})")
    return failures


def multipart_headers(parts):
    body, content_type = multipart(parts)
    return body, {"Content-Type": content_type, **KEY}


def main():
    failures = []
    with tempfile.TemporaryDirectory() as scratch:
        server, base = start_server(os.path.join(scratch, "port"))
        try:
            client = Client(base)
            for what, path, body, headers in well_formed():
                client.control("/_control/reset")
                status, _ = client.send(path, body, headers)
                violations = client.control("/_control/requests")["violations"]
                if status >= 400 or violations:
                    failures.append(f"{what}: HTTP {status} {violations}")
            for expected, path, body, headers in malformed():
                client.control("/_control/reset")
                client.send(path, body, headers)
                violations = client.control("/_control/requests")["violations"]
                if not any(expected in v for v in violations):
                    failures.append(f"not reported: {expected!r} "
                                    f"(got {violations})")
            client.control("/_control/reset")
            client.send(path="/api/v2/citestcycle",
                        body=msgpack.packb(envelope(test_event())),
                        headers=MSGPACK)
            merged = client.control("/_control/requests")["requests"][0][
                "events_merged"][0]["content"]["meta"]
            if merged != {"language": "cpp", "test_session.name": "s",
                          CAPABILITY: "1", "test.status": "pass",
                          "test.final_status": "pass"}:
                failures.append(f"metadata not merged: {merged}")
            failures += run_sessions(client)
        finally:
            server.terminate()
            server.wait()
    for failure in failures:
        print("FAIL", failure)
    print("conformance server self-test:",
          "ok" if not failures else f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
