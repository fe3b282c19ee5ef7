"""Certificate fixtures of a Foundry device and an emCA user (issue 17 item 4, docs/lab.md): issued
by `localca seed` through the engine, dated in the past, durable and audited, and visible through
each API afterwards: Foundry's describe shows them as the account's certificates associated with
the device, emCA's getCertificate and the replay of the reserved applicationId return them as the
user's. The expired one is expired per `openssl x509 -checkend`, the revoked one is in the CRL
(`openssl crl`) and OCSP says revoked (`openssl ocsp`)."""
import base64
import json
import re

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from emca_client import CREATE, GET_CERT, decode_result, emca_client, gen_aes_key, signer
from foundry_client import der_sha256
from harness import db_rows, localca, localca_test, run

ACCOUNT = "441898714953"
TOKEN = "tok-lab-fixtures"
FIXTURES = [{"authority": "RSA", "validDays": 365, "issuedDaysAgo": 400},
            {"authority": "RSA", "validDays": 30, "issuedDaysAgo": 25},
            {"authority": "RSA", "validDays": 365, "revoked": "keyCompromise"}]
EMCA_FIXTURES = [FIXTURES[0], {"authority": "ECC", "validDays": 30, "issuedDaysAgo": 25}, FIXTURES[2]]
FIXTURE_APP_ID = "localca-lab-fixtures"


class fixture_api_tests(localca_test):
    def setUp(self):
        super().setUp()
        self.signer = signer(self.ossl, "s1")
        self.aes = gen_aes_key()
        self.seed_file = self.write_json("seed.json", {
            "foundry": {"region": "us-west-2", "accounts": [
                {"accountId": ACCOUNT, "tokens": [TOKEN],
                 "devices": ["plain-dev", {"deviceId": "fx-dev", "fixtures": FIXTURES}]}]},
            "emca": {"users": [
                {"userName": "app1", "password": "pw-app1", "emKey": "key-app1",
                 "aesKey": base64.b64encode(self.aes).decode(), "allowedIps": ["127.0.0.1"],
                 "signerCert": self.signer.cert_pem, "fixtures": EMCA_FIXTURES}]}})
        self.seeded = localca("seed", self.seed_file, "--data-dir", self.data).stdout
        self.s = self.start()
        self.ca = {a: self.ossl.write(f"root-{a}.pem", self.get(f"/enos/CA/cacert/{a}")) for a in ("RSA", "ECC")}

    def get(self, path, headers=None):
        status, _, body = self.s.request("GET", path, headers=headers)
        self.assertEqual(status, 200, body)
        return body

    def db(self, sql):
        return db_rows(self.data, sql)

    def pem_of(self, der):
        return run(["openssl", "x509", "-inform", "DER"], input=der, text=False).stdout.decode()

    def expired_per_openssl(self, pem):
        path = self.ossl.write("leaf.pem", pem)
        return run(["openssl", "x509", "-in", path, "-noout", "-checkend", "0"], check=False).returncode != 0

    def check_revoked(self, authority, pem, sn):
        crl = self.ossl.write(f"crl-{authority}.der", self.get(f"/enos/CA/crl/{authority}"))
        text = run(["openssl", "crl", "-inform", "DER", "-in", crl, "-noout", "-text"]).stdout
        listed = {int(h, 16) for h in re.findall(r"Serial Number: ([0-9A-Fa-f]+)", text)}
        self.assertIn(sn, listed)
        leaf = self.ossl.write(f"leaf-{sn}.pem", pem)
        out = run(["openssl", "ocsp", "-issuer", self.ca[authority], "-CAfile", self.ca[authority],
                   "-url", f"{self.s.base}/ocsp", "-cert", leaf], check=False, timeout=60)
        self.assertIn(f"{leaf}: revoked", out.stdout + out.stderr)
        self.assertIn("Reason: keyCompromise", out.stdout)
        self.assertIn("Response verify OK", out.stdout + out.stderr)

    def test_foundry_device_fixtures_visible_through_describe(self):
        self.assertIn("6 fixture certificate(s) issued, 2 revoked", self.seeded)
        rows = self.db("SELECT sn, der, profile FROM certificates WHERE api = 'foundry' ORDER BY sn")
        self.assertEqual([p for _, _, p in rows], ["lab-fixture"] * 3)
        described = []
        for sn, der, _ in rows:
            pem = self.pem_of(der)
            cert_id = der_sha256(pem)  # the certificate id as Foundry defines it
            body = json.loads(self.get(f"/foundry/certificates/{cert_id}",
                                       {"Authorization": f"Bearer {TOKEN}"}))
            self.assertTrue(body["success"], body)
            described.append((sn, pem, body))
        (_, pem0, expired), (_, pem1, soon), (sn2, pem2, _) = described
        self.assertEqual([b["status"] for _, _, b in described], ["INACTIVE", "INACTIVE", "REVOKED"])
        # Associated with the device, as provisioning binds it; a REVOKED one has no device.
        self.assertEqual([b["deviceId"] for _, _, b in described], ["fx-dev", "fx-dev", None])
        self.assertTrue(all(b["arn"].endswith(f":{ACCOUNT}:cert/{b['id']}") for _, _, b in described))
        self.assertTrue(self.expired_per_openssl(pem0))
        self.assertFalse(self.expired_per_openssl(pem1))
        self.assertLess(expired["notAfter"], soon["notAfter"])
        self.check_revoked("RSA", pem2, sn2)
        # An unknown token sees nothing.
        status, _, _ = self.s.request("GET", f"/foundry/certificates/{expired['id']}",
                                      headers={"Authorization": "Bearer nobody"})
        self.assertEqual(status, 401)

    def test_emca_user_fixtures_visible_through_get_certificate(self):
        client = emca_client(self.s, "app1", "pw-app1", "key-app1", self.aes)
        # The reserved applicationId answers the fixtures, as a repeated create call would.
        body = client.call(CREATE, {"applicationId": FIXTURE_APP_ID, "profileID": "none", "subscriberId": "s",
                                    "signature": self.signer.sign_b64("fixture-1|x")})
        self.assertEqual(body["status"], "Success", body)
        certs = decode_result(body["result"])
        self.assertEqual(list(certs), ["fixture-1", "fixture-2", "fixture-3"])
        expired, soon, revoked = certs.values()
        for c in certs.values():
            self.assertEqual(c.subject.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)[0].value, "app1")
            got = client.call(GET_CERT, {"signature": self.signer.sign_b64(str(c.serial_number))})
            self.assertEqual(got["status"], "Success", got)
            self.assertEqual(base64.b64decode(got["result"]), c.public_bytes(Encoding.DER))
        pems = {k: c.public_bytes(Encoding.PEM).decode() for k, c in certs.items()}
        self.assertTrue(self.expired_per_openssl(pems["fixture-1"]))
        self.assertFalse(self.expired_per_openssl(pems["fixture-2"]))
        self.assertIn("id-ecPublicKey", run(["openssl", "x509", "-noout", "-text"],
                                            input=pems["fixture-2"]).stdout)
        self.check_revoked("RSA", pems["fixture-3"], revoked.serial_number)
        # Audited in the issuing transactions, and the chain verifies.
        audit = [json.loads(l) for l in
                 localca("audit", "tail", "-n", "100", "--data-dir", self.data).stdout.splitlines()]
        self.assertEqual(len([e for e in audit if e["action"] == "fixture"]), 6)
        localca("audit", "verify", "--data-dir", self.data)

    def test_seeding_again_issues_nothing(self):
        before = self.db("SELECT sn FROM certificates ORDER BY sn")
        out = localca("seed", self.seed_file, "--data-dir", self.data).stdout
        self.assertNotIn("fixture", out)
        self.assertEqual(self.db("SELECT sn FROM certificates ORDER BY sn"), before)

    def test_foundry_fixture_must_be_rsa(self):
        doc = {"foundry": {"accounts": [{"accountId": "123456789012", "devices": [
            {"deviceId": "d", "fixtures": [{"authority": "ECC", "validDays": 3}]}]}]}}
        p = localca("seed", self.write_json("bad.json", doc), "--data-dir", self.data, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("foundry.accounts[0].devices[0].fixtures[0].authority", p.stdout + p.stderr)


if __name__ == "__main__":
    import unittest
    unittest.main()
