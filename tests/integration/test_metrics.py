"""GET /metrics (issue 16, deliverable 6): a burst of issuances through /pki/v1 and EnOS, then
the exposition is checked by `promtool check metrics`, its numbers against what this test did,
the token rules and public mode, and a real Prometheus server scrapes LocalCA with a bearer token
and answers the issuance counter through its own query API."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import urllib.request
from datetime import timezone

from cryptography import x509

from enos_client import devpk, enos_test, seed_doc
from enos_client import py_csr
from harness import free_port, localca, localca_test, run

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
PKI = "pki-secret"
BURST = 10      # through /pki/v1
ENOS_BURST = 3  # through the EnOS API

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse(text):
    """{(name, frozenset(labels)): value} of every sample; fails on a duplicate series."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, f"not a sample line: {line!r}"
        labels = frozenset(LABEL.findall(m.group(2) or ""))
        key = (m.group(1), labels)
        assert key not in out, f"duplicate series {line!r}"
        out[key] = float(m.group(3))
    return out


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())))


def series(samples, name):
    return {k[1]: v for k, v in samples.items() if k[0] == name}


def require_binary(test, name):
    """The CI installs Debian's prometheus package (deploy/install-deps.sh). Without it the
    test says so loudly on stderr and skips: a missing binary must never look like a pass."""
    path = shutil.which(name)
    if not path:
        banner = "!" * 78
        print(f"\n{banner}\nSKIPPED: `{name}` is not installed (apt-get install prometheus); "
              f"the real Prometheus checks of {test.id()} did NOT run\n{banner}", file=sys.stderr)
        test.skipTest(f"{name} missing")
    return path


class metrics_base(enos_test):
    """A seeded data dir, a pki token, viewer and operator admin tokens, the server started."""
    PUBLIC = False

    def setUp(self):
        localca_test.setUp(self)
        localca("seed", self.write_json("seed.json", seed_doc()), "--data-dir", self.data)
        self.config = self.write_json("config.json", {"pki": {"token": PKI},
                                                      "metrics": {"public": self.PUBLIC}})
        self.viewer = localca("admin", "token", "create", "--name", "scraper", "--role", "viewer",
                              "--data-dir", self.data).stdout.strip()
        self.operator = localca("admin", "token", "create", "--name", "op", "--role", "operator",
                                "--data-dir", self.data).stdout.strip()
        self.restart(first=True)

    def scrape(self, token=None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.s.request("GET", "/metrics", headers=headers)

    def pki_issue(self, n, authority="ECC", valid_days=30):
        sns = []
        for i in range(n):
            csr, _ = py_csr(f"metrics-{authority}-{i}", "p256" if authority == "ECC" else "rsa")
            st, body = self.s.json("POST", "/pki/v1/certificates",
                                   {"csr": csr, "authority": authority, "validDays": valid_days},
                                   {"Authorization": f"Bearer {PKI}"})
            if valid_days > 0:
                self.assertEqual(st, 201, body)
                sns.append(body["certSN"])
            else:
                self.assertEqual(st // 100, 4, body)
        return sns

    def burst(self):
        sns = self.pki_issue(BURST)
        for i in range(ENOS_BURST):
            self.ok(self.c1.apply(devpk("pk-many", f"c{i:02d}"), py_csr(f"c{i:02d}")[0],
                                  validDay=30, issueAuthority="ECC"))
        return sns


class metrics_tests(metrics_base):
    def test_exposition(self):
        sns = self.burst()
        self.pki_issue(1, valid_days=0)  # refused by the engine: validity must be positive
        st, headers, body = self.scrape(self.viewer)
        self.assertEqual(st, 200, body)
        self.assertEqual(headers.get("Content-Type"), CONTENT_TYPE)
        text = body.decode()

        promtool = require_binary(self, "promtool")
        p = run([promtool, "check", "metrics"], input=text, check=False)
        self.assertEqual(p.returncode, 0, f"promtool:\n{p.stdout}{p.stderr}\n{text}")

        s = parse(text)
        issued = "localca_certificates_issued_total"
        self.assertEqual(value(s, issued, api="pki", authority="ECC", outcome="success"), BURST)
        self.assertEqual(value(s, issued, api="pki", authority="ECC", outcome="refused"), 1)
        self.assertEqual(value(s, issued, api="enos", authority="ECC", outcome="success"), ENOS_BURST)
        self.assertIsNone(value(s, issued, api="pki", authority="RSA", outcome="success"))

        requests = series(s, "localca_http_requests_total")
        pki_route = frozenset({("api", "pki"), ("route", "/pki/v1/certificates"), ("code", "201")})
        self.assertEqual(requests[pki_route], BURST)
        for labels in requests:
            route = dict(labels)["route"]
            # Templates only: no serial, device key or query string ever becomes a label.
            self.assertTrue(route == "unmatched" or route.startswith("/"), route)
            self.assertNotRegex(route, r"/\d+(/|$)|\?|c0\d")
        pki_latency = value(s, "localca_http_request_duration_seconds_count", api="pki")
        self.assertGreaterEqual(pki_latency, BURST + 1)
        self.assertEqual(value(s, "localca_http_request_duration_seconds_bucket", api="pki", le="+Inf"),
                         pki_latency)

        # Every certificate went through the writer: batches hold at least them all.
        batches = series(s, "localca_writer_batch_size_sum")
        self.assertGreaterEqual(sum(batches.values()), BURST + ENOS_BURST)
        self.assertGreaterEqual(value(s, "localca_writer_commit_duration_seconds_count"), 1)
        self.assertEqual(value(s, "localca_writer_queue_depth"), 0)
        self.assertIsNotNone(value(s, "localca_key_pool_keys", api="foundry"))

        # The store's own figures: the server's own certificates (OCSP responders) come on top.
        self.assertGreaterEqual(value(s, "localca_certificates", status="valid"), BURST + ENOS_BURST)
        self.assertEqual(value(s, "localca_certificates", status="revoked"), 0)
        self.assertGreater(value(s, "localca_audit_entries"), BURST + ENOS_BURST)
        for authority in ("RSA", "ECC"):
            st, _, pem = self.s.request("GET", f"/enos/CA/cacert/{authority}")
            root = x509.load_pem_x509_certificate(pem)
            not_after = (getattr(root, "not_valid_after_utc", None)
                         or root.not_valid_after.replace(tzinfo=timezone.utc))
            self.assertEqual(value(s, "localca_authority_not_after_seconds", authority=authority),
                             not_after.timestamp())
            age = value(s, "localca_crl_age_seconds", authority=authority)
            self.assertIsNotNone(age)
            self.assertGreaterEqual(age, 0)
        self.assertEqual(len(series(s, "localca_build_info")), 1)
        self.assertGreater(value(s, "process_resident_memory_bytes"), 1 << 20)
        self.assertGreater(value(s, "process_open_fds"), 3)
        self.assertGreater(value(s, "process_threads"), 1)

        # A revocation shows as soon as the cached figures are refreshed (a few seconds).
        st, body = self.s.json("POST", f"/admin/v1/certificates/{sns[0]}/revoke",
                               {"reason": "keyCompromise"},
                               {"Authorization": f"Bearer {self.operator}"})
        self.assertEqual(st, 200, body)
        deadline = time.time() + 15
        while True:
            s = parse(self.scrape(self.viewer)[2].decode())
            if value(s, "localca_certificates_revoked_total", api="pki", authority="ECC") == 1:
                break
            self.assertLess(time.time(), deadline, "revocation never counted")
            time.sleep(0.5)
        self.assertEqual(value(s, "localca_certificates", status="revoked"), 1)

    def test_token_rules(self):
        st, _, body = self.scrape()
        self.assertEqual(st, 401, body)
        st, _, body = self.scrape("not-a-token")
        self.assertEqual(st, 401, body)
        st, _, body = self.scrape(PKI)  # the issuance API's token is no admin token
        self.assertEqual(st, 401, body)
        st, _, body = self.s.request("GET", "/metrics", headers={"Authorization": f"Basic {self.viewer}"})
        self.assertEqual(st, 401, body)
        for token in (self.viewer, self.operator):
            st, headers, body = self.scrape(token)
            self.assertEqual(st, 200, body)
            self.assertEqual(headers.get("Content-Type"), CONTENT_TYPE)
        localca("admin", "token", "revoke", "scraper", "--data-dir", self.data)
        self.assertEqual(self.scrape(self.viewer)[0], 401)
        # Each of the five refusals is audited like the operator API's (queued to the writer,
        # so the last one may commit just after its answer).
        deadline = time.time() + 10
        while True:
            st, audit = self.s.json("GET", "/admin/v1/audit?action=auth&outcome=denied",
                                    headers={"Authorization": f"Bearer {self.operator}"})
            self.assertEqual(st, 200, audit)
            if len(audit["items"]) == 5 or time.time() > deadline:
                break
            time.sleep(0.1)
        self.assertEqual(len(audit["items"]), 5, audit)

    def test_real_prometheus(self):
        prometheus = require_binary(self, "prometheus")
        self.burst()
        tsdb = tempfile.mkdtemp(prefix="prom-tsdb-", dir=self.tmp)
        token_file = self.ossl.write("scrape.token", self.viewer)
        port = free_port()
        config = self.ossl.write("prometheus.yml", json.dumps({  # JSON is YAML
            "global": {"scrape_interval": "1s", "scrape_timeout": "1s"},
            "scrape_configs": [{
                "job_name": "localca",
                "metrics_path": "/metrics",
                "authorization": {"type": "Bearer", "credentials_file": token_file},
                "static_configs": [{"targets": [f"127.0.0.1:{self.s.port}"]}],
            }],
        }))
        log = open(os.path.join(self.tmp, "prometheus.log"), "w+")
        proc = subprocess.Popen([prometheus, f"--config.file={config}", f"--storage.tsdb.path={tsdb}",
                                 f"--web.listen-address=127.0.0.1:{port}"],
                                stdout=log, stderr=subprocess.STDOUT)

        def stop():
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            log.close()
        self.addCleanup(stop)

        def query(q):
            url = f"http://127.0.0.1:{port}/api/v1/query?" + urllib.parse.urlencode({"query": q})
            with urllib.request.urlopen(url, timeout=5) as r:
                doc = json.load(r)
            self.assertEqual(doc["status"], "success", doc)
            return doc["data"]["result"]

        def prometheus_output():
            log.flush()
            log.seek(0)
            return log.read()

        deadline = time.time() + 60
        total, up = None, None
        while time.time() < deadline:
            self.assertIsNone(proc.poll(), "prometheus exited:\n" + prometheus_output())
            try:
                up = query('up{job="localca"}')
                result = query('sum(localca_certificates_issued_total{outcome="success"})')
                if result and float(result[0]["value"][1]) >= BURST + ENOS_BURST:
                    total = float(result[0]["value"][1])
                    break
            except OSError:
                pass  # not listening yet
            time.sleep(0.5)
        self.assertIsNotNone(total, f"up={up}\n" + prometheus_output())
        self.assertGreaterEqual(total, BURST + ENOS_BURST)
        pki = query('localca_certificates_issued_total{api="pki",outcome="success"}')
        self.assertEqual([float(r["value"][1]) for r in pki], [BURST])
        self.assertEqual(float(up[0]["value"][1]), 1.0)
        stop()
        self.assertIsNotNone(proc.poll())


class public_metrics_tests(metrics_base):
    PUBLIC = True

    def test_token_rules(self):
        st, headers, body = self.scrape()
        self.assertEqual(st, 200, body)
        self.assertEqual(headers.get("Content-Type"), CONTENT_TYPE)
        self.assertIn(b"localca_build_info", body)

    def test_bad_config_is_refused(self):
        bad = self.write_json("bad.json", {"metrics": {"public": "yes"}})
        p = localca("serve", "--data-dir", self.data, "--listen", "127.0.0.1:0", "--config", bad,
                    check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("metrics.public", p.stdout + p.stderr)


if __name__ == "__main__":
    unittest.main()
