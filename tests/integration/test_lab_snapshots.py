"""Lab snapshots and reset (issue 17 item 5, docs/lab.md): `localca lab snapshot|restore|snapshots|
reset` on a data dir whose server is stopped. Certificates issued after a snapshot are gone after
its restore, serials keep growing across restores, the audit chain verifies, the baseline taken
by the first lab-mode start is what reset goes back to; refused with lab mode off, for a bad
name, and (restore) while a server runs on the dir."""
import base64
import os
import sqlite3
import threading
import time

from cryptography import x509

from enos_client import py_csr
from harness import localca, localca_test


def rows(data_dir, sql):
    con = sqlite3.connect(f"file:{os.path.join(data_dir, 'localca.db')}?mode=ro", uri=True)
    try:
        return list(con.execute(sql))
    finally:
        con.close()


class snapshot_tests(localca_test):
    def setUp(self):
        super().setUp()
        self.out = os.path.join(self.tmp, "out")
        localca("init", "--data-dir", self.data)
        self.config = self.write_json("lab.json", {"lab": {"enabled": True}})
        self.baseline_sn = self.issue("before-serve.test")
        # The first lab-mode start records the switch and takes the baseline.
        s = self.start(config=self.config)
        s.stop()
        self.baseline = self.serials()  # the server may have issued its own at start

    def lab(self, *args, check=True, data=None):
        return localca("lab", *args, "--data-dir", data or self.data, check=check)

    def issue(self, name):
        """A certificate through the normal path (`localca cert`); returns its serial."""
        localca("cert", name, "--data-dir", self.data, "--out-dir", self.out)
        with open(os.path.join(self.out, f"{name}.pem"), "rb") as f:
            return x509.load_pem_x509_certificate(f.read()).serial_number

    def crl(self):
        """(cRLNumber, revoked serials) of the RSA CRL a lab-mode server publishes now."""
        s = self.start(config=self.config)
        try:
            status, _, der = s.request("GET", "/enos/CA/crl/RSA")
            self.assertEqual(status, 200)
        finally:
            s.stop()
        crl = x509.load_der_x509_crl(der)
        number = crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
        return number, {r.serial_number for r in crl}

    def serials(self):
        return [r[0] for r in rows(self.data, "SELECT sn FROM certificates ORDER BY sn")]

    def test_snapshot_restore_reset_keep_serials_monotonic(self):
        listed = self.lab("snapshots").stdout
        n = len(self.baseline)
        self.assertIn(self.baseline_sn, self.baseline)
        self.assertRegex(listed, rf"(?m)^_baseline\t{n} certificate\(s\)$")
        a = self.issue("a.test")
        out = self.lab("snapshot", "s1").stdout
        self.assertIn(f"snapshot s1 of {self.data}: {n + 1} certificate(s)", out)
        b = self.issue("b.test")
        self.assertEqual(self.serials(), sorted(self.baseline + [a, b]))
        localca("revoke", "--data-dir", self.data, "--serial-from", str(b), "--serial-to", str(b),
                "--reason", "keyCompromise")
        number_before, listed_before = self.crl()
        self.assertIn(b, listed_before)

        issued_before = self.serials()  # the server's start may have issued its own
        out = self.lab("restore", "s1").stdout
        self.assertIn(f"to snapshot s1: certificates {len(issued_before)} -> {n + 1}", out)
        self.assertEqual(self.serials(), sorted(self.baseline + [a]))  # b is gone
        # The CRL is rebuilt from the restored state, and its number still grows.
        number_after, listed_after = self.crl()
        self.assertGreater(number_after, number_before)
        self.assertNotIn(b, listed_after)
        c = self.issue("c.test")
        self.assertGreater(c, max(issued_before + self.serials()[:-1]))  # never a reused serial

        issued_before = self.serials()
        out = self.lab("reset").stdout
        self.assertIn(f"to snapshot _baseline: certificates {len(issued_before)} -> {n}", out)
        self.assertEqual(self.serials(), self.baseline)
        d = self.issue("d.test")
        self.assertGreater(d, c)

        # The chain verifies, with the restores in it.
        localca("audit", "verify", "--data-dir", self.data)
        tail = localca("audit", "tail", "-n", "5", "--data-dir", self.data).stdout
        self.assertIn('"lab-restore"', tail)
        self.assertRegex(self.lab("snapshots").stdout, rf"(?m)^s1\t{n + 1} certificate\(s\)$")

    def inventory(self, s, auth):
        status, body = s.json("GET", "/admin/v1/certificates?limit=1000", headers=auth)
        self.assertEqual(status, 200, body)
        return {int(i["certSN"]) for i in body["items"]}

    def test_with_a_running_server_through_the_api_and_the_cli(self):
        op = localca("admin", "token", "create", "--name", "op", "--role", "operator",
                     "--data-dir", self.data).stdout.strip()
        auth = {"Authorization": f"Bearer {op}"}
        s = self.start(config=self.config)
        a = self.issue("a.test")
        status, body = s.json("POST", "/lab/v1/snapshots", {"name": "api1"}, auth)
        self.assertEqual(status, 201, body)
        self.assertEqual(body, {"name": "api1", "certificates": len(self.serials())})
        b = self.issue("b.test")
        self.assertIn(b, self.inventory(s, auth))
        status, body = s.json("GET", "/lab/v1/snapshots", None, auth)
        self.assertIn({"name": "api1", "certificates": len(self.serials()) - 1}, body["snapshots"])

        everything = self.serials()
        status, body = s.json("POST", "/lab/v1/snapshots/api1/restore", None, auth)
        self.assertEqual(status, 200, body)
        self.assertEqual((body["certificatesBefore"], body["certificatesAfter"]),
                         (len(everything), len(everything) - 1))
        # The running server reads the restored state: b is gone, a is there.
        listed = self.inventory(s, auth)
        self.assertNotIn(b, listed)
        self.assertIn(a, listed)
        c = self.issue("c.test")
        self.assertGreater(c, max(everything))

        # The CLI detects the server (data dir lock) and asks it.
        everything = self.serials()
        p = self.lab("restore", "api1", "--server", f"127.0.0.1:{s.port}", "--token", op)
        self.assertIn("a server is running", p.stdout)
        self.assertIn('"certificatesAfter":' + str(len(everything) - 1), p.stdout)
        self.assertNotIn(c, self.inventory(s, auth))
        # Refusals: unknown snapshot, bad name, no token.
        status, _ = s.json("POST", "/lab/v1/snapshots/nope/restore", None, auth)
        self.assertEqual(status, 404)
        status, body = s.json("POST", "/lab/v1/snapshots", {"name": "../x"}, auth)
        self.assertEqual((status, body.get("field")), (400, "name"))
        status, _ = s.json("POST", "/lab/v1/reset")
        self.assertEqual(status, 401)
        # Delete (the console's): gone from the list; unknown 404; the baseline refused.
        self.assertEqual(s.json("POST", "/lab/v1/snapshots", {"name": "scratch"}, auth)[0], 201)
        self.assertEqual(s.json("DELETE", "/lab/v1/snapshots/scratch", None, auth),
                         (200, {"name": "scratch", "deleted": True}))
        names = [x["name"] for x in s.json("GET", "/lab/v1/snapshots", None, auth)[1]["snapshots"]]
        self.assertNotIn("scratch", names)
        self.assertEqual(s.json("DELETE", "/lab/v1/snapshots/scratch", None, auth)[0], 404)
        self.assertEqual(s.json("DELETE", "/lab/v1/snapshots/_baseline", None, auth)[0], 409)
        self.assertEqual(s.json("DELETE", "/lab/v1/snapshots/api1")[0], 401)

        p = self.lab("reset", "--server", f"127.0.0.1:{s.port}", "--token", op)
        self.assertIn('"name":"_baseline"', p.stdout)
        self.assertEqual(self.serials(), self.baseline)
        # The baseline predates the token: the running server no longer knows it.
        status, _ = s.json("GET", "/admin/v1/certificates", headers=auth)
        self.assertEqual(status, 401)
        d = self.issue("d.test")
        self.assertGreater(d, max(everything))
        # Audited, and the chain verifies while the server runs.
        tail = localca("audit", "tail", "-n", "20", "--data-dir", self.data).stdout
        self.assertIn('"lab-restore"', tail)
        self.assertIn('"admin:op"', tail)
        localca("audit", "verify", "--data-dir", self.data)

    def test_refusals(self):
        for bad in ("..", "a/b", "x" * 65, "sp ace"):
            p = self.lab("snapshot", bad, check=False)
            self.assertNotEqual(p.returncode, 0, bad)
            self.assertIn("snapshot name", p.stdout + p.stderr)
        p = self.lab("restore", "missing", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("no snapshot 'missing'", p.stdout + p.stderr)
        # Lab mode off: a data dir whose server never ran in lab mode.
        other = os.path.join(self.tmp, "other")
        localca("init", "--data-dir", other)
        for args in (("snapshot", "x"), ("restore", "x"), ("snapshots",), ("reset",)):
            p = self.lab(*args, check=False, data=other)
            self.assertEqual(p.returncode, 1, args)
            self.assertIn("lab mode is off", p.stderr)
        self.assertFalse(os.path.exists(os.path.join(other, "lab-snapshots")))
        # ... and its server has no /lab/v1 routes, nor takes a baseline.
        s = self.start(data_dir=other)
        for path in ("/lab/v1/reset", "/lab/v1/snapshots"):
            status, _, _ = s.request("POST", path, "{}")
            self.assertEqual(status, 404, path)
        self.assertFalse(os.path.exists(os.path.join(other, "lab-snapshots")))

    def test_restore_under_load_pauses_requests_and_loses_none(self):
        """A restore with issuance and revocation going on from 6 threads: it must drain (new
        requests wait at the gate, else 6 busy clients would keep it from ever running alone and
        it would answer 503 after 10 s), no request fails, and every certificate answered after
        the restore answered is stored with its DER; the chain verifies."""
        op = localca("admin", "token", "create", "--name", "op", "--role", "operator",
                     "--data-dir", self.data).stdout.strip()
        auth = {"Authorization": f"Bearer {op}"}
        pki = {"Authorization": "Bearer pki-load"}
        config = self.write_json("lab-pki.json", {"lab": {"enabled": True},
                                                  "pki": {"token": "pki-load"}})
        s = self.start(config=config)
        status, body = s.json("POST", "/lab/v1/snapshots", {"name": "load"}, auth)
        self.assertEqual(status, 201, body)
        counter = iter(range(1_000_000))

        def fresh_csr():  # a key and a CN of its own: the pki API refuses a reused key
            return py_csr(f"load-{next(counter)}.test")[0]
        stop = threading.Event()
        answers = []  # (status, certSN or None, DER or None, sent at)
        problems = []
        lock = threading.Lock()

        def client():
            while not stop.is_set():
                sent = time.monotonic()
                st, body = s.json("POST", "/pki/v1/certificates",
                                  {"csr": fresh_csr(), "authority": "ECC", "validDays": 5}, pki)
                sn = int(body["certSN"]) if st == 201 else None
                der = base64.b64decode("".join(body["cert"].splitlines()[1:-1])) \
                    if st == 201 else None
                if sn is not None and sn % 2:
                    rst, _ = s.json("POST", f"/pki/v1/certificates/{sn}/revoke", {"reason": 1}, pki)
                    with lock:
                        answers.append((rst, None, None, time.monotonic()))
                with lock:
                    answers.append((st, sn, der, sent))
                    if st != 201:
                        problems.append(body)

        threads = [threading.Thread(target=client) for _ in range(6)]
        for t in threads:
            t.start()
        try:
            time.sleep(0.5)
            restored = []
            for _ in range(2):
                status, body = s.json("POST", "/lab/v1/snapshots/load/restore", None, auth)
                self.assertEqual(status, 200, body)
                restored.append(time.monotonic())  # answered: any request sent later is after it
                time.sleep(0.5)
        finally:
            stop.set()
            for t in threads:
                t.join()
        self.assertTrue(answers)
        bad = [a[0] for a in answers if a[0] not in (200, 201, 404)]
        self.assertEqual(bad, [], f"requests failed during the restores: {problems[:3]}")
        stored = {sn: der for sn, der in rows(self.data, "SELECT sn, der FROM certificates")}
        after = [(sn, der) for st, sn, der, sent in answers
                 if sn is not None and sent > restored[-1]]
        self.assertTrue(after, "no certificate was issued after the last restore")
        for sn, der in after:
            self.assertEqual(stored.get(sn), der, f"certificate {sn} answered but not stored")
        s.stop()
        localca("audit", "verify", "--data-dir", self.data)


if __name__ == "__main__":
    import unittest
    unittest.main()
