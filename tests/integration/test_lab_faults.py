"""Lab fault injection (issue 17 item 3, docs/lab.md): rules added through /lab/v1/faults, the
CLI or the seed fire exactly as often as they say, in each vendor's own error format, with
nothing issued or stored; delay, reset, truncate and httpStatus reach a real HTTP client; a
probability with a seed fires the same calls in every run; `until` follows the lab clock. Every
firing is counted in /metrics and audited; the lab API needs an operator admin token."""
import http.client
import json
import os
import re
import signal
import time
import unittest

from cryptography.x509 import ocsp

from emca_client import emca_test, py_csr as emca_csr
from enos_client import O1, devpk, enos_test, py_csr, seed_doc
from foundry_client import ACCOUNT_A, TOKEN_B, foundry_test
from harness import db_scalar, localca, localca_test, server

ENOS_FAULT = {"api": "enos", "operation": "apply", "match": {"orgId": O1, "deviceKey": "dk1"},
              "effect": {"vendorError": {"code": 99500, "msg": "Internal error"}}, "times": 2}


def operator_token(data, name="lab-op", role="operator"):
    return localca("admin", "token", "create", "--name", name, "--role", role,
                   "--data-dir", data).stdout.strip()


def db_count(data, table="certificates"):
    return db_scalar(data, f"SELECT count(*) FROM {table}")


def audit_lines(data, action, n=400):
    out = localca("audit", "tail", "-n", str(n), "--data-dir", data).stdout.splitlines()
    return [e for e in map(json.loads, out) if e.get("action") == action]


def wait_for(predicate, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


class lab_api:
    """The lab API of a server, with an operator token."""

    def __init__(self, srv, token):
        self.srv, self.token = srv, token

    def call(self, method, path, body=None, token=None):
        return self.srv.json(method, path, body, {"Authorization": f"Bearer {token or self.token}"})

    def add(self, rule):
        status, body = self.call("POST", "/lab/v1/faults", rule)
        assert status == 201, (status, body)
        return body

    def rules(self):
        status, body = self.call("GET", "/lab/v1/faults")
        assert status == 200, (status, body)
        return {r["id"]: r for r in body["rules"]}


def fired_metric(srv, token, api, operation, effect):
    status, _, text = srv.request("GET", "/metrics", headers={"Authorization": f"Bearer {token}"})
    assert status == 200, status
    m = re.search(r'^localca_lab_faults_fired_total\{api="%s",operation="%s",effect="%s"\} (\S+)$'
                  % (api, operation, effect), text.decode(), re.M)
    return float(m.group(1)) if m else 0


class lab_faults_off_tests(localca_test):
    def test_faults_404_when_lab_off_and_cli_refuses(self):
        localca("init", "--data-dir", self.data)
        token = operator_token(self.data)
        s = self.start()
        for method in ("GET", "POST", "DELETE"):
            status, _ = s.json(method, "/lab/v1/faults", ENOS_FAULT if method == "POST" else None,
                               {"Authorization": f"Bearer {token}"})
            self.assertEqual(status, 404, method)
        p = localca("lab", "faults", "list", "--server", f"127.0.0.1:{s.port}", "--token", token,
                    check=False)
        self.assertEqual(p.returncode, 1, p)
        self.assertIn("lab mode is off", p.stderr)

    def test_lab_token_is_a_config_error(self):
        cfg = self.write_json("lab.json", {"lab": {"enabled": True, "token": "s3cret"}})
        p = localca("serve", "--data-dir", self.data, "--config", cfg, "--listen", "127.0.0.1:0",
                    check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("lab.token", p.stdout + p.stderr)
        self.assertIn("operator admin token", p.stdout + p.stderr)


class enos_fault_tests(enos_test):
    def setUp(self):
        localca_test.setUp(self)
        localca("seed", self.write_json("seed.json", seed_doc()), "--data-dir", self.data)
        self.operator = operator_token(self.data)
        self.viewer = operator_token(self.data, "lab-viewer", "viewer")
        self.config = self.write_json("config.json", {"lab": {"enabled": True}})
        self.restart(first=True)
        self.lab = lab_api(self.s, self.operator)

    def apply(self, dk="dk1", **kw):
        csr, _ = py_csr(f"fault-{dk}")
        return self.c1.apply(devpk("pk1", dk), csr, issueAuthority="ECC", **kw)

    def test_operator_token_required(self):
        status, body = self.s.json("GET", "/lab/v1/faults")
        self.assertEqual(status, 401, body)
        status, body = self.lab.call("POST", "/lab/v1/faults", ENOS_FAULT, token=self.viewer)
        self.assertEqual(status, 403, body)
        status, body = self.lab.call("POST", "/lab/v1/clock", {"advance": "1d"}, token=self.viewer)
        self.assertEqual(status, 403, body)
        self.assertEqual(self.lab.rules(), {})
        # The refusals are audited like every admin refusal.
        self.assertTrue(wait_for(lambda: len([e for e in audit_lines(self.data, "auth")
                                              if e.get("outcome") == "denied"]) >= 3))

    def test_vendor_error_fires_exactly_n_times_and_stores_nothing(self):
        rule = self.lab.add(ENOS_FAULT)
        self.assertEqual((rule["fired"], rule["times"]), (0, 2))
        # Another device of the org does not match.
        self.ok(self.apply("dk2"))
        before = db_count(self.data)
        for _ in range(2):
            r = self.apply()
            self.err(r, 99500, "Internal error")
            self.assertEqual(set(r.json), {"code", "msg", "requestId", "data"})
        self.assertEqual(db_count(self.data), before)
        self.assertEqual(self.lab.rules()[rule["id"]]["fired"], 2)
        self.ok(self.apply())  # the third call is served
        self.assertEqual(db_count(self.data), before + 1)
        self.assertEqual(fired_metric(self.s, self.operator, "enos", "apply", "vendorError"), 2)
        self.assertTrue(wait_for(lambda: len(audit_lines(self.data, "lab-fault")) == 2))
        added = audit_lines(self.data, "lab-faults")
        self.assertEqual(added[-1]["actor"], "admin:lab-op")

    def test_http_status_reset_truncate_and_delay(self):
        before = db_count(self.data)
        self.lab.add({"api": "enos", "operation": "apply", "effect": {"httpStatus": 503}, "times": 1})
        r = self.apply()
        self.assertEqual(r.status, 503)
        self.lab.add({"api": "enos", "operation": "apply", "effect": {"reset": True}, "times": 1})
        with self.assertRaises((ConnectionResetError, http.client.RemoteDisconnected)):
            self.apply()
        self.lab.add({"api": "enos", "operation": "apply", "effect": {"truncate": True}, "times": 1})
        with self.assertRaises(http.client.IncompleteRead):
            self.apply()
        self.assertEqual(db_count(self.data), before)
        # A delay holds the answer back; the call itself goes through.
        self.lab.add({"api": "enos", "operation": "apply", "effect": {"delayMs": 1500}, "times": 1})
        t0 = time.monotonic()
        self.ok(self.apply())
        self.assertGreaterEqual(time.monotonic() - t0, 1.5)
        self.assertEqual(db_count(self.data), before + 1)
        t0 = time.monotonic()
        self.ok(self.apply("dk2"))
        self.assertLess(time.monotonic() - t0, 1.5)
        for effect in ("httpStatus", "reset", "truncate", "delayMs"):
            self.assertEqual(fired_metric(self.s, self.operator, "enos", "apply", effect), 1, effect)

    def pattern(self, n=16):
        """Which of n apply calls (without a CSR: nothing to issue either way) the rule fired on."""
        out = []
        for _ in range(n):
            r = self.c1.apply(devpk("pk1", "dk1"), None)
            out.append(r.json["code"] == 99500)
        return out

    def test_probability_with_seed_is_repeatable(self):
        rule = {"api": "enos", "operation": "apply",
                "effect": {"vendorError": {"code": 99500, "msg": "Internal error"}},
                "probability": 0.5, "seed": 42}
        first_rule = self.lab.add(rule)
        first = self.pattern()
        self.assertEqual(self.lab.rules()[first_rule["id"]]["fired"], sum(first))
        status, body = self.lab.call("DELETE", f"/lab/v1/faults/{first_rule['id']}")
        self.assertEqual((status, body), (200, {"removed": 1}))
        self.lab.add(rule)
        self.assertEqual(self.pattern(), first)
        self.assertTrue(0 < sum(first) < len(first), first)
        self.lab.add({**rule, "seed": 7})
        status, body = self.lab.call("DELETE", "/lab/v1/faults")
        self.assertEqual((status, body), (200, {"removed": 2}))

    def test_until_follows_the_lab_clock(self):
        status, now = self.lab.call("GET", "/lab/v1/clock")
        self.assertEqual(status, 200)
        year = int(now["now"][:4])
        self.lab.add({"api": "enos", "operation": "apply", "effect": {"httpStatus": 502},
                      "until": f"{year + 1}-01-01T00:00:00Z"})
        self.assertEqual(self.c1.apply(devpk("pk1", "dk1"), None).status, 502)
        self.lab.call("POST", "/lab/v1/clock", {"set": f"{year + 1}-01-01T00:00:01Z"})
        self.c1.login()  # the token expired on the lab clock
        self.err(self.c1.apply(devpk("pk1", "dk1"), None), 99400)

    def test_ocsp_try_later_and_status(self):
        self.lab.add({"api": "ocsp", "operation": "ocsp",
                      "effect": {"vendorError": {"responseStatus": 3}}, "times": 1})
        self.lab.add({"api": "ocsp", "operation": "ocsp", "effect": {"httpStatus": 503},
                      "times": 1})
        headers = {"Content-Type": "application/ocsp-request"}
        status, _, body = self.s.request("POST", "/ocsp", b"not an OCSP request", headers)
        self.assertEqual(status, 200)
        self.assertEqual(ocsp.load_der_ocsp_response(body).response_status,
                         ocsp.OCSPResponseStatus.TRY_LATER)
        status, _, _ = self.s.request("POST", "/ocsp", b"not an OCSP request", headers)
        self.assertEqual(status, 503)
        # Both spent: the responder's own answer to a malformed request.
        status, _, body = self.s.request("POST", "/ocsp", b"not an OCSP request", headers)
        self.assertEqual(ocsp.load_der_ocsp_response(body).response_status,
                         ocsp.OCSPResponseStatus.MALFORMED_REQUEST)

    def test_bad_rules_name_the_field(self):
        for rule, field in (({**ENOS_FAULT, "operation": "aply"}, "operation"),
                            ({**ENOS_FAULT, "effect": {"sleep": 1}}, "effect"),
                            ({**ENOS_FAULT, "probability": 0.5}, "times"),
                            ({k: v for k, v in ENOS_FAULT.items() if k != "times"} |
                             {"probability": 0.5}, "seed"),
                            ({**ENOS_FAULT, "until": "tomorrow"}, "until")):
            status, body = self.lab.call("POST", "/lab/v1/faults", rule)
            self.assertEqual((status, body.get("field")), (400, field), body)

    def test_cli_add_list_clear(self):
        common = ["--server", f"127.0.0.1:{self.s.port}", "--token", self.operator]
        added = json.loads(localca("lab", "faults", "add", "--rule", json.dumps(ENOS_FAULT),
                                   *common).stdout)
        self.assertEqual(added["fired"], 0)
        self.err(self.apply(), 99500, "Internal error")
        listed = json.loads(localca("lab", "faults", "list", *common).stdout)
        self.assertEqual([(r["id"], r["fired"]) for r in listed["rules"]], [(added["id"], 1)])
        self.assertEqual(json.loads(localca("lab", "faults", "clear", *common).stdout),
                         {"removed": 1})
        self.ok(self.apply())
        p = localca("lab", "faults", "list", "--server", f"127.0.0.1:{self.s.port}", "--token",
                    self.viewer, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("403", p.stderr)

    def test_seed_faults_installed_at_start(self):
        doc = seed_doc()
        doc["lab"] = {"faults": [ENOS_FAULT]}
        localca("seed", self.write_json("seed-faults.json", doc), "--data-dir", self.data)
        self.restart()
        rules = list(self.lab.__class__(self.s, self.operator).rules().values())
        self.assertEqual([(r["api"], r["operation"], r["times"]) for r in rules],
                         [("enos", "apply", 2)])
        self.c1.login()
        self.err(self.apply(), 99500, "Internal error")
        bad = seed_doc()
        bad["lab"] = {"faults": [{**ENOS_FAULT, "effect": {}}]}
        p = localca("seed", self.write_json("bad.json", bad), "--data-dir", self.data, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("lab.faults", p.stdout + p.stderr)


class foundry_fault_tests(foundry_test):
    CONFIG = {"foundry": {"keyPoolSize": 2}, "lab": {"enabled": True}}

    def test_vendor_error_in_foundry_format(self):
        token = operator_token(self.data)
        lab = lab_api(self.s, token)
        lab.add({"api": "foundry", "operation": "generate", "match": {"accountId": ACCOUNT_A},
                 "effect": {"vendorError": {"status": 503, "message": "Service Unavailable"}},
                 "times": 1})
        before = db_count(self.data)
        status, body = self.generate()
        self.assertEqual((status, body), (503, {"success": False, "message": "Service Unavailable"}))
        self.assertEqual(db_count(self.data), before)
        status, body = self.generate(token=TOKEN_B)  # account B does not match
        self.assertEqual(status, 200, body)
        status, body = self.generate()
        self.assertEqual(status, 200, body)
        self.assertEqual(db_count(self.data), before + 2)
        self.assertEqual(fired_metric(self.s, token, "foundry", "generate", "vendorError"), 1)


class emca_fault_tests(emca_test):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.srv.stop(signal.SIGTERM)
        cls.srv.log.close()
        cls.token = operator_token(cls.data)
        cfg = os.path.join(cls.tmp, "lab.json")
        with open(cfg, "w") as f:
            json.dump({"lab": {"enabled": True}}, f)
        cls.srv = server(cls.data, config=cfg)
        cls.c1 = cls.client("app1", "ECB")
        cls.c2 = cls.client("app2", "CBC")

    def test_vendor_error_in_emca_format(self):
        lab = lab_api(self.srv, self.token)
        lab.add({"api": "emca", "operation": "create", "match": {"userName": "app1"},
                 "effect": {"vendorError": {"result": "Request rejected"}}, "times": 1})
        before = (self.db_count(), self.db_count("issuance_requests"))
        app = self.app_id()
        items = [("A", emca_csr("fault-a"))]
        self.failure(self.create(self.c1, "s1", items, app_id=app), "Request rejected")
        self.assertEqual((self.db_count(), self.db_count("issuance_requests")), before)
        # The same applicationId again: nothing was stored for it, so it is issued now.
        body = self.create(self.c1, "s1", items, app_id=app)
        self.assertEqual(body["status"], "Success", body)
        self.assertEqual(self.db_count(), before[0] + 1)
        self.assertEqual(fired_metric(self.srv, self.token, "emca", "create", "vendorError"), 1)


if __name__ == "__main__":
    unittest.main()
