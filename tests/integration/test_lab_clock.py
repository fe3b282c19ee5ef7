"""Lab mode's switch and time travel (docs/lab.md): /lab/v1 is 404 and `localca lab` refuses
when off; when on, the clock moves by the API and by the CLI (seen by a running server within a
second), the offset survives restarts, and EnOS certificates, expiry, renewal, CRLs and tokens
follow the lab time; every change is in the audit log with the actor and the real time."""
import datetime
import json
import time
import unittest

from cryptography import x509

from enos_client import O1, client, dev, enos_test, seed_doc, AK1, SK1
from harness import BACKEND, localca, localca_test

DAY = 86400


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def parse_time(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")


class lab_off_tests(localca_test):
    def test_routes_404_and_cli_refuses(self):
        s = self.start()
        for method, body in (("GET", None), ("POST", {"advance": "1d"})):
            status, _ = s.json(method, "/lab/v1/clock", body)
            self.assertEqual(status, 404, method)
        status, health = s.json("GET", "/healthz")
        self.assertEqual((status, health), (200, {"status": "ok"}))
        self.assertNotIn("LAB MODE", s.output())
        for args in (("show",), ("advance", "30d"), ("reset",)):
            p = localca("lab", "clock", *args, "--data-dir", self.data, check=False)
            self.assertEqual(p.returncode, 1, p)
            self.assertIn("lab mode is off", p.stderr)
        # Nothing moved: a certificate issued now is dated now.
        status, _ = s.json("GET", "/healthz")
        self.assertEqual(status, 200)

    def test_operator_token_guards_the_api(self):
        localca("init", "--data-dir", self.data)
        viewer = localca("admin", "token", "create", "--name", "v", "--role", "viewer",
                         "--data-dir", self.data).stdout.strip()
        operator = localca("admin", "token", "create", "--name", "op", "--role", "operator",
                           "--data-dir", self.data).stdout.strip()
        cfg = self.write_json("lab.json", {"lab": {"enabled": True}})
        s = self.start(config=cfg)
        status, _ = s.json("GET", "/lab/v1/clock")
        self.assertEqual(status, 401)
        status, _ = s.json("POST", "/lab/v1/clock", {"advance": "1d"},
                           {"Authorization": "Bearer wrong"})
        self.assertEqual(status, 401)
        status, _ = s.json("POST", "/lab/v1/clock", {"advance": "1d"},
                           {"Authorization": f"Bearer {viewer}"})
        self.assertEqual(status, 403)
        status, body = s.json("POST", "/lab/v1/clock", {"advance": "1d"},
                              {"Authorization": f"Bearer {operator}"})
        self.assertEqual((status, body["offsetSeconds"]), (200, DAY))


class lab_tests(enos_test):
    def setUp(self):
        localca_test.setUp(self)
        localca("seed", self.write_json("seed.json", seed_doc()), "--data-dir", self.data)
        operator = localca("admin", "token", "create", "--name", "op", "--role", "operator",
                           "--data-dir", self.data).stdout.strip()
        self.auth = {"Authorization": f"Bearer {operator}"}
        self.config = self.write_json("config.json", {"lab": {"enabled": True}})
        self.restart(first=True)

    def lab_clock_cli(self, *args, check=True):
        """`localca lab clock ARGS`. On PostgreSQL every command takes a config (the harness's
        names the database), and a config without "lab" means lab mode off, overriding the
        state the last server start stored (tools/localca/lab.cpp, lab_mode_on): the server's
        config then, with lab on. On SQLite the stored state is what turns it on."""
        extra = ("--config", self.config) if BACKEND == "postgres" else ()
        return localca("lab", "clock", *args, "--data-dir", self.data, *extra, check=check)

    def clock(self):
        status, body = self.s.json("GET", "/lab/v1/clock", None, self.auth)
        self.assertEqual(status, 200, body)
        return body

    def move(self, body):
        status, out = self.s.json("POST", "/lab/v1/clock", body, self.auth)
        self.assertEqual(status, 200, out)
        return out

    def assert_near(self, a, b, seconds=120):
        self.assertLess(abs((a - b).total_seconds()), seconds, f"{a} vs {b}")

    def crl_times(self, authority="RSA"):
        crl = x509.load_der_x509_crl(self.crl(authority))
        return crl.last_update, crl.next_update

    def audit_tail(self, n=20):
        return [json.loads(l) for l in
                localca("audit", "tail", "-n", str(n), "--data-dir", self.data).stdout.splitlines()]

    def test_switch_on_warns_and_healthz_says_lab(self):
        self.assertIn("LAB MODE is ON", self.s.output())
        status, health = self.s.json("GET", "/healthz")
        self.assertEqual((status, health), (200, {"status": "ok", "lab": True}))
        c = self.clock()
        self.assertEqual(c["offsetSeconds"], 0)
        self.assert_near(parse_time(c["now"]), utcnow(), 5)

    def test_expiry_renewal_crl_and_token_follow_the_clock(self):
        csr, _ = self.ossl.csr("/CN=lab-device")
        old, old_cert = self.applied(dev("asset1"), csr, validDay=30)
        self.assert_near(old_cert.not_valid_before, utcnow())
        _, next0 = self.crl_times()

        # 25 days later: inside the renewal window; the renewed certificate is dated lab time.
        moved = self.move({"advance": "25d"})
        self.assertEqual(moved["offsetSeconds"], 25 * DAY)
        self.assert_near(parse_time(moved["now"]), utcnow() + datetime.timedelta(days=25), 5)
        # The token (2 h lifetime) expired on the lab clock: refused, a new login works.
        self.unauthorized(self.c1.list(dev("asset1")))
        self.c1.login()
        lifetime = self.c1.login_data.get("expire")
        if lifetime is not None:
            self.assertGreater(int(lifetime), 0)
        new, new_cert = self.renewed_ok(dev("asset1"), old["certSN"], validDay=30)
        self.assert_near(new_cert.not_valid_before, utcnow() + datetime.timedelta(days=25))
        self.assert_near(new_cert.not_valid_after, utcnow() + datetime.timedelta(days=55))

        # Past the old notAfter: expired in the list (certStatus 2), the new one valid, and the
        # expired one can no longer be renewed.
        self.move({"advance": "6d"})
        self.c1.login()
        entries = self.listed(dev("asset1"))
        self.assertEqual(entries[old["certSN"]]["certStatus"], 2, entries)
        self.assertEqual(entries[new["certSN"]]["certStatus"], 0, entries)
        self.err(self.c1.renew(dev("asset1"), old["certSN"]), 99400, contains="expired")

        # The CRL was re-signed on the lab clock: thisUpdate is lab time, nextUpdate moved ~31 d.
        this1, next1 = self.crl_times()
        self.assert_near(this1, utcnow() + datetime.timedelta(days=31))
        self.assertGreater((next1 - next0).total_seconds(), 30 * DAY)

    def renewed_ok(self, device, cert_sn, **fields):
        data = self.ok(self.c1.renew(device, cert_sn, **fields))
        return data, x509.load_pem_x509_certificate(data["cert"].encode())

    def test_set_reset_and_bad_input(self):
        c = self.move({"set": "2027-01-01T00:00:00Z"})
        self.assertIn(c["now"], ("2027-01-01T00:00:00Z", "2027-01-01T00:00:01Z"))
        expected = (datetime.datetime(2027, 1, 1) - utcnow()).total_seconds()
        self.assertLess(abs(c["offsetSeconds"] - expected), 5)
        self.assert_near(parse_time(self.clock()["now"]), datetime.datetime(2027, 1, 1), 5)
        c = self.move({"set": "2027-01-01T02:00:00+02:00"})
        self.assert_near(parse_time(c["now"]), datetime.datetime(2027, 1, 1), 5)
        c = self.move({"advance": "-12h"})
        self.assert_near(parse_time(c["now"]), datetime.datetime(2026, 12, 31, 12), 5)
        for d, secs in (("90m", 90 * 60), ("45s", 45)):
            before = self.clock()["offsetSeconds"]
            self.assertEqual(self.move({"advance": d})["offsetSeconds"], before + secs)
        c = self.move({"reset": True})
        self.assertEqual(c["offsetSeconds"], 0)
        self.assert_near(parse_time(c["now"]), utcnow(), 5)
        for body, field in (({"advance": "30x"}, "advance"), ({"advance": 30}, "advance"),
                            ({"set": "tomorrow"}, "set"), ({"set": "2027-02-30T00:00:00Z"}, "set"),
                            ({"reset": False}, "reset"), ({"jump": "1d"}, "jump"),
                            ({"advance": "1d", "reset": True}, "body"), ([1], "body")):
            status, out = self.s.json("POST", "/lab/v1/clock", body, self.auth)
            self.assertEqual(status, 400, body)
            self.assertEqual(out["field"], field, out)
            self.assertIsInstance(out["message"], str)
        status, _, raw = self.s.request("POST", "/lab/v1/clock", b"not json", self.auth)
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(raw)["field"], "body")
        self.assertEqual(self.clock()["offsetSeconds"], 0)

    def test_cli_advance_reaches_running_server_within_a_second(self):
        p = self.lab_clock_cli("advance", "12h")
        done = time.monotonic()
        self.assertEqual(json.loads(p.stdout)["offsetSeconds"], 12 * 3600)
        while self.clock()["offsetSeconds"] != 12 * 3600:
            self.assertLess(time.monotonic() - done, 1.0, "the server did not follow the CLI")
            time.sleep(0.05)
        self.assertEqual(json.loads(self.lab_clock_cli("show").stdout)
                         ["offsetSeconds"], 12 * 3600)
        self.lab_clock_cli("set", "2030-06-01T00:00:00Z")
        deadline = time.monotonic() + 1.0
        while parse_time(self.clock()["now"]).year != 2030:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.05)
        self.lab_clock_cli("reset")
        deadline = time.monotonic() + 1.0
        while self.clock()["offsetSeconds"] != 0:
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.05)
        p = self.lab_clock_cli("advance", "soon", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("advance: 'soon' is not a duration", p.stderr)

    def test_offset_survives_restart_until_reset(self):
        self.move({"advance": "2d"})
        self.restart()
        self.assertEqual(self.clock()["offsetSeconds"], 2 * DAY)
        self.assert_near(parse_time(self.clock()["now"]), utcnow() + datetime.timedelta(days=2), 5)
        # A certificate issued after the restart is dated lab time.
        self.c1.login()
        csr, _ = self.ossl.csr("/CN=after-restart")
        _, cert = self.applied(dev("asset2"), csr, validDay=10)
        self.assert_near(cert.not_valid_before, utcnow() + datetime.timedelta(days=2))
        self.move({"reset": True})
        self.restart()
        self.assertEqual(self.clock()["offsetSeconds"], 0)

    def test_lab_actions_are_audited_with_actor_and_real_time(self):
        self.move({"advance": "30d"})
        self.lab_clock_cli("advance", "1d")
        entries = [e for e in self.audit_tail() if e["action"] == "lab-clock"]
        self.assertEqual(len(entries), 2, entries)
        api, cli = entries
        self.assertEqual(api["actor"], "admin:op", api)
        self.assertEqual(api["sourceIp"], "127.0.0.1")
        self.assertEqual(cli["actor"], "cli")
        # `time` is the lab time, the subject names the offset and the real time.
        real = utcnow()
        for e, days in ((api, 30), (cli, 31)):
            self.assertIn(f"offset {days * DAY}s", e["subject"])
            real_text = e["subject"].split("real time ")[1]
            self.assert_near(parse_time(real_text), real, 60)
            self.assert_near(parse_time(e["time"]), real + datetime.timedelta(days=days), 60)
        localca("audit", "verify", "--data-dir", self.data)


if __name__ == "__main__":
    unittest.main()
