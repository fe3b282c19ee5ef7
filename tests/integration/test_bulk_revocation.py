"""Bulk revocation (issue 15, deliverable 3): POST /pki/v1/revocations and `localca revoke`,
filters of the core and of EnOS, refusals in /pki/v1's format, revocations in the CRL (openssl crl)
right after the answer, and an interrupted CLI run finished by repeating it."""
import re
import subprocess
import time
import unittest

from cryptography import x509

from enos_client import AK1, SK1, client, dev, enos_test, py_csr
from harness import BIN, db_scalar, localca

TOKEN = "pki-bulk-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class bulk_revocation_tests(enos_test):
    def setUp(self):
        super().setUp()
        self.s.stop()
        self.config = self.write_json("config.json", {"pki": {"token": TOKEN}})
        self.s = self.start(config=self.config)
        self.c1 = client(self.s, AK1, SK1)
        self.c1.login()

    def apply(self, asset):
        r = self.c1.apply(dev(asset), csr=py_csr(f"cn-{asset}-{time.time_ns()}", alg="rsa")[0])
        self.assertEqual(r.json.get("code"), 0, r)
        return int(r.json["data"]["certSN"])

    def pki_issue(self, n, authority="RSA"):
        csr, _ = self.ossl.csr("/CN=bulk", alg="rsa2048" if authority == "RSA" else "p256")
        sns = []
        for _ in range(n):
            status, body = self.s.json("POST", "/pki/v1/certificates",
                                       {"csr": csr, "authority": authority, "validDays": 30}, AUTH)
            self.assertEqual(status, 201, body)
            sns.append(int(body["certSN"]))
        return sns

    def bulk(self, filt, reason="keyCompromise", expect=200):
        status, body = self.s.json("POST", "/pki/v1/revocations", {"filter": filt, "reason": reason}, AUTH)
        self.assertEqual(status, expect, body)
        return body

    def crl_serials(self, authority="RSA"):
        status, _, der = self.s.request("GET", f"/enos/CA/crl/{authority}")
        self.assertEqual(status, 200)
        _, _, ca = self.s.request("GET", f"/enos/CA/cacert/{authority}")
        rc, text = self.ossl.crl_text(ca.decode(), der)
        self.assertEqual(rc, 0, text)
        self.assertIn("verify OK", text)
        return {int(h, 16) for h in re.findall(r"Serial Number: ([0-9A-F]+)", text)}, text

    def status_of(self, sn):
        status, body = self.s.json("GET", f"/pki/v1/certificates/{sn}", None, AUTH)
        self.assertEqual(status, 200, body)
        return body["status"]

    def test_enos_filters_through_http_and_crl_right_after(self):
        a1, a2, a3 = self.apply("asset1"), self.apply("asset2"), self.apply("asset-long1")
        body = self.bulk({"orgId": "o1", "deviceKey": "dk1"})
        self.assertEqual(body, {"revoked": 1})
        serials, text = self.crl_serials()
        self.assertIn(a1, serials)
        self.assertNotIn(a2, serials)
        self.assertIn("Key Compromise", text)
        self.assertEqual(self.bulk({"orgId": "o1", "productKey": "pk1"}, reason=1), {"revoked": 1})
        self.assertIn(a2, self.crl_serials()[0])
        self.assertEqual(self.status_of(a3), "valid")  # another product of the org
        # Repeating selects only live certificates: nothing left, no error.
        self.assertEqual(self.bulk({"orgId": "o1", "productKey": "pk1"}), {"revoked": 0})
        self.assertEqual(self.bulk({"orgId": "o1"}, reason="superseded"), {"revoked": 1})
        self.assertEqual(self.status_of(a3), "revoked")
        # The vendor keys of Foundry and emCA are registered (no such certificates here).
        self.assertEqual(self.bulk({"accountId": "123456789012", "deviceId": "d"}), {"revoked": 0})
        self.assertEqual(self.bulk({"userName": "nobody", "profileId": "p"}), {"revoked": 0})

    def test_bad_filters_refused_and_nothing_written(self):
        sns = self.pki_issue(2)
        for filt, named in (({}, "empty"), ({"bogus": "x"}, "bogus"),
                            ({"serialFrom": sns[0], "colour": "red"}, "colour"),
                            ({"authority": "DSA"}, "authority")):
            body = self.bulk(filt, expect=400)
            self.assertEqual(set(body), {"code", "message", "detail"}, body)
            self.assertIn(named, body["detail"])
        body = self.bulk({"serialFrom": sns[0]}, reason="nonsense", expect=400)
        self.assertEqual(body["code"], "invalid_reason")
        status, body = self.s.json("POST", "/pki/v1/revocations", {"filter": {"serialFrom": 1}})
        self.assertEqual(status, 401, body)
        self.assertEqual([self.status_of(sn) for sn in sns], ["valid", "valid"])
        self.assertFalse(set(sns) & self.crl_serials()[0])

    def test_serial_range_and_authority_through_the_cli_while_the_server_runs(self):
        rsa = self.pki_issue(4)
        ecc = self.pki_issue(2, "ECC")
        self.crl_serials()  # cache a CRL in the server before the other process revokes
        lo, hi = min(rsa[1], ecc[0]), max(rsa[2], ecc[1])
        p = localca("revoke", "--data-dir", self.data, "--serial-from", str(lo), "--serial-to", str(hi),
                    "--authority", "RSA", "--reason", "cessationOfOperation")
        expected = {sn for sn in rsa if lo <= sn <= hi}
        self.assertIn(f"revoked {len(expected)} certificates", p.stdout)
        serials, text = self.crl_serials("RSA")
        self.assertEqual(serials & set(rsa), expected)
        self.assertIn("Cessation Of Operation", text)
        self.assertFalse(self.crl_serials("ECC")[0] & set(ecc))
        bad = localca("revoke", "--data-dir", self.data, "--reason", "1", check=False)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("empty", bad.stderr)

    def test_kill9_mid_run_then_repeat_finishes_the_rest(self):
        n = 1200
        sns = self.pki_issue(n)
        args = [BIN, "revoke", "--data-dir", self.data, "--serial-from", str(sns[0]),
                "--serial-to", str(sns[-1]), "--reason", "keyCompromise"]
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(0.6)
        proc.kill()
        proc.wait()
        first = db_scalar(self.data, "SELECT count(*) FROM certificates WHERE status = 1 AND sn BETWEEN "
                          f"{int(sns[0])} AND {int(sns[-1])}")
        audited = db_scalar(self.data, "SELECT count(*) FROM audit WHERE action = 'revoke' AND actor = 'cli'")
        self.assertEqual(audited, first)  # each committed revocation has its audit entry
        p = localca("revoke", "--data-dir", self.data, "--serial-from", str(sns[0]),
                    "--serial-to", str(sns[-1]), "--reason", "keyCompromise")
        self.assertIn(f"revoked {n - first} certificates", p.stdout)
        self.assertTrue(set(sns) <= self.crl_serials()[0])
        print(f"kill -9 after 0.6 s: {first} of {n} revoked by the first run")


if __name__ == "__main__":
    unittest.main()
