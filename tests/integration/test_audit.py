"""The tamper-evident audit log: issuance, revocation, a refused token and start/stop are
recorded as a hash chain; `localca audit verify` passes, then fails naming the entry edited
with the sqlite3 CLI."""
import json
import os
import subprocess
import unittest

from harness import localca, localca_test

TOKEN = "pki-audit-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class audit_tests(localca_test):
    def tail(self, n=None):
        args = ["audit", "tail", "--data-dir", self.data]
        if n is not None:
            args += ["-n", str(n)]
        return [json.loads(line) for line in localca(*args).stdout.splitlines()]

    def test_chain_records_changes_and_detects_an_edited_row(self):
        cfg = self.write_json("config.json", {"pki": {"token": TOKEN}})
        s = self.start(config=cfg)
        csr, _ = self.ossl.csr("/CN=audited-device")
        status, body = s.json("POST", "/pki/v1/certificates", {"csr": csr, "validDays": 30}, AUTH)
        self.assertEqual(status, 201, body)
        sn = int(body["certSN"])
        status, body = s.json("POST", f"/pki/v1/certificates/{sn}/revoke", {"reason": 1}, AUTH)
        self.assertEqual(status, 200, body)
        status, _ = s.json("POST", "/pki/v1/certificates", {"csr": csr},
                           {"Authorization": "Bearer wrong"})
        self.assertEqual(status, 401)
        s.stop()

        entries = self.tail(n=50)
        # First the OCSP responder certificates of both authorities, issued before serving.
        self.assertEqual([(e["action"], e["actor"]) for e in entries[:2]],
                         [("issue", "ocsp-responder")] * 2, entries)
        self.assertEqual([e["action"] for e in entries[2:]], ["start", "issue", "revoke", "auth", "stop"],
                         entries)
        self.assertEqual([e["id"] for e in entries], [1, 2, 3, 4, 5, 6, 7])
        issue, revoke, denied = entries[3], entries[4], entries[5]
        self.assertEqual((issue["actor"], issue["certSN"], issue["outcome"]), ("pki-token", sn, "ok"))
        self.assertIn("audited-device", issue["subject"])
        self.assertEqual(issue["sourceIp"], "127.0.0.1")
        self.assertEqual((revoke["certSN"], revoke["actor"]), (sn, "pki-token"))
        self.assertEqual((denied["outcome"], denied["certSN"]), ("denied", None))
        self.assertNotIn("wrong", json.dumps(denied))  # the refused token is not logged
        self.assertEqual(entries[0]["prevHash"], "0" * 64)
        for prev, cur in zip(entries, entries[1:]):
            self.assertEqual(cur["prevHash"], prev["hash"])
        self.assertEqual(len(self.tail(n=2)), 2)
        self.assertEqual(self.tail(n=2)[-1]["action"], "stop")
        self.assertEqual(len(self.tail()), 7)  # default 10

        ok = localca("audit", "verify", "--data-dir", self.data)
        self.assertIn("7 entries", ok.stdout)

        db = os.path.join(self.data, "localca.db")
        subprocess.run(["sqlite3", db, "UPDATE audit SET subject = 'CN=someone-else' WHERE id = 2"],
                       check=True)
        bad = localca("audit", "verify", "--data-dir", self.data, check=False)
        self.assertEqual(bad.returncode, 1, bad.stdout + bad.stderr)
        self.assertIn("entry 2", bad.stdout)

        # A server restarted on the data dir keeps appending after the broken entry; verify
        # still names entry 2.
        s2 = self.start(config=cfg)
        s2.stop()
        bad = localca("audit", "verify", "--data-dir", self.data, check=False)
        self.assertEqual(bad.returncode, 1)
        self.assertIn("entry 2", bad.stdout)

    def test_failed_enos_authentication_is_recorded(self):
        s = self.start()
        status, _, _ = s.request("POST", "/connect-service/v2.0/certificates?action=apply&orgId=o1",
                                 b"{}", {"Content-Type": "application/json"})
        self.assertEqual(status, 401)
        s.stop()
        entries = self.tail()
        denied = [e for e in entries if e["action"] == "auth"]
        self.assertEqual(len(denied), 1, entries)
        self.assertEqual((denied[0]["actor"], denied[0]["outcome"], denied[0]["sourceIp"]),
                         ("enos", "denied", "127.0.0.1"))
        localca("audit", "verify", "--data-dir", self.data)

    def test_seed_load_is_recorded(self):
        seed = self.write_json("seed.json", {"enos": {"orgs": [{"orgId": "o1", "apps": [
            {"appKey": "k1", "appSecret": "s1"}]}]}})
        localca("seed", seed, "--data-dir", self.data)
        entries = self.tail()
        self.assertEqual([(e["action"], e["actor"]) for e in entries], [("seed", "cli")])
        localca("audit", "verify", "--data-dir", self.data)

    def test_usage_errors(self):
        localca("init", "--data-dir", self.data)
        p = localca("audit", "tail", "-n", "zero", "--data-dir", self.data, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("-n must be a positive integer", p.stderr)
        p = localca("audit", "frobnicate", "--data-dir", self.data, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("usage: localca audit", p.stderr)
        p = localca("audit", "verify", "--data-dir", os.path.join(self.tmp, "nothing"), check=False)
        self.assertEqual(p.returncode, 1)


if __name__ == "__main__":
    unittest.main()
