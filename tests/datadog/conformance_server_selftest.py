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
               "error": 0, "meta": {"test.status": "pass"},
               "metrics": {"test.source.start": 12}}
    content.update(overrides)
    return {"type": "test", "version": 2, "content": content}


def envelope(*events):
    return {"version": 1, "metadata": {"*": {"language": "cpp"},
                                       "test": {"test_session.name": "s"}},
            "events": list(events)}


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
        ("data.type must be 'test_params'", "/api/v2/ci/tests/skippable",
         json.dumps({"data": {"type": "x", "attributes": {
             "test_level": "test", "service": "s", "env": "e",
             "repository_url": "r", "sha": SHA,
             "configurations": {}}}}).encode(),
         {"Content-Type": "application/json", **KEY}),
    ]


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
                          "test.status": "pass"}:
                failures.append(f"metadata not merged: {merged}")
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
