"""The tamper-evident audit log: issuance, revocation, a refused token and start/stop are
recorded as a hash chain; `localca audit verify` passes, then fails naming the entry edited
by hand (the sqlite3 CLI, psql)."""
import json
import os
import subprocess
import unittest

from harness import BACKEND, db_execute, localca, localca_test

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

        db_execute(self.data, "UPDATE audit SET subject = 'CN=someone-else' WHERE id = 2")
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

    def sqlite(self, sql, check=True):
        return subprocess.run(["sqlite3", os.path.join(self.data, "localca.db"), sql],
                              capture_output=True, text=True, check=check)

    @unittest.skipIf(BACKEND != "sqlite", "SQLite's column affinity: a PostgreSQL bigint holds no text")
    def test_a_time_made_text_is_refused_or_breaks_verification(self):
        # Issue 12: `at` from 1796312471 to '1796312471x' was read back as the same integer and
        # the log still verified.
        seed = self.write_json("seed.json", {"enos": {"orgs": [{"orgId": "o1", "apps": [
            {"appKey": "k1", "appSecret": "s1"}]}]}})
        for _ in range(3):
            localca("seed", seed, "--data-dir", self.data)
        self.assertIn("3 entries", localca("audit", "verify", "--data-dir", self.data).stdout)
        self.assertEqual(self.sqlite("SELECT DISTINCT typeof(at) FROM audit").stdout.strip(),
                         "integer")

        # The STRICT table refuses the edit, and the log is unchanged.
        before = self.sqlite("SELECT * FROM audit ORDER BY id").stdout
        p = self.sqlite("UPDATE audit SET at = at || 'x' WHERE id = 2", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("cannot store TEXT value in INTEGER column audit.at", p.stderr)
        self.assertEqual(self.sqlite("SELECT * FROM audit ORDER BY id").stdout, before)
        localca("audit", "verify", "--data-dir", self.data)

        # Rebuilt without STRICT, as someone with the file can, the table takes the text...
        self.sqlite("BEGIN;"
                    "CREATE TABLE loose (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, "
                    "actor TEXT NOT NULL, action TEXT NOT NULL, cert_sn INTEGER, "
                    "subject TEXT NOT NULL, source_ip TEXT NOT NULL, outcome TEXT NOT NULL, "
                    "prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
                    "INSERT INTO loose SELECT * FROM audit; DROP TABLE audit;"
                    "ALTER TABLE loose RENAME TO audit; COMMIT;")
        bad = localca("audit", "verify", "--data-dir", self.data, check=False)
        self.assertEqual(bad.returncode, 1, bad.stdout + bad.stderr)
        self.assertIn("not STRICT", bad.stdout)

        self.sqlite("UPDATE audit SET at = at || 'x' WHERE id = 2")
        self.assertEqual(self.sqlite("SELECT typeof(at) FROM audit WHERE id = 2").stdout.strip(),
                         "text")
        # ... which `audit tail` still shows as the same time: only its type gives it away.
        self.assertEqual([e["id"] for e in self.tail()], [1, 2, 3])
        bad = localca("audit", "verify", "--data-dir", self.data, check=False)
        self.assertEqual(bad.returncode, 1, bad.stdout + bad.stderr)
        self.assertIn("broken at entry 2", bad.stdout)
        self.assertIn("at is stored as text, not integer", bad.stdout)
        self.assertIn("entry 2", bad.stderr)

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
        if BACKEND == "sqlite":  # on PostgreSQL the log is the config's database, not the dir's
            p = localca("audit", "verify", "--data-dir", os.path.join(self.tmp, "nothing"), check=False)
            self.assertEqual(p.returncode, 1)


if __name__ == "__main__":
    unittest.main()
