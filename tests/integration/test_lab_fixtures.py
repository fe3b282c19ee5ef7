"""Certificate fixtures of the seed (issue 17 item 4, docs/lab.md): an EnOS device's fixtures are
issued through the engine before the first client call, dated in the past, durable and audited;
EnOS list and the operator inventory show the expired one as expired, the CRL and OCSP the
revoked one as revoked; seeding again issues nothing new."""
import datetime
import json

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

from enos_client import O1, devpk, enos_test, seed_doc
from harness import db_rows, localca, localca_test

FIXTURES = [{"authority": "RSA", "validDays": 365, "issuedDaysAgo": 400},
            {"authority": "ECC", "validDays": 30, "issuedDaysAgo": 25},
            {"authority": "RSA", "validDays": 365, "revoked": "keyCompromise"}]


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def fixture_seed():
    doc = seed_doc()
    device = doc["enos"]["orgs"][0]["products"][0]["devices"][0]
    assert device["deviceKey"] == "dk1"
    device["fixtures"] = FIXTURES
    return doc


class fixture_tests(enos_test):
    def setUp(self):
        localca_test.setUp(self)
        self.seed_file = self.write_json("seed.json", fixture_seed())
        self.seeded = localca("seed", self.seed_file, "--data-dir", self.data).stdout
        self.operator = localca("admin", "token", "create", "--name", "op", "--role", "operator",
                                "--data-dir", self.data).stdout.strip()
        self.config = None
        self.restart(first=True)

    def rows(self):
        return db_rows(self.data, "SELECT sn, profile FROM certificates ORDER BY sn")

    def test_fixtures_issued_dated_in_the_past_and_visible(self):
        self.assertIn("3 fixture certificate(s) issued, 1 revoked", self.seeded)
        entries = list(self.listed(devpk("pk1", "dk1")).values())
        self.assertEqual(len(entries), 3, entries)
        by_sn = sorted(entries, key=lambda e: int(e["certSN"]))
        expired, soon, revoked = by_sn
        self.assertEqual([e["certStatus"] for e in by_sn], [2, 0, 1])
        self.assertEqual([e["issueAuthority"] for e in by_sn], ["RSA", "ECC", "RSA"])
        self.assertEqual(revoked["revokerReason"], "KEY COMPROMISE")
        # The certificates themselves: dated in the past, bound to the device's name.
        for sn, days_ago, valid in ((expired["certSN"], 400, 365), (soon["certSN"], 25, 30)):
            cert = x509.load_pem_x509_certificate(self.db_pem(sn))
            nb = cert.not_valid_before
            self.assertLess(abs((nb - (utcnow() - datetime.timedelta(days=days_ago))).total_seconds()), 300)
            self.assertEqual((cert.not_valid_after - nb).days, valid)
            self.assertEqual(cert.subject.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)[0].value, "dk1")
        # Stored and audited like any issuance, under their own profile.
        self.assertEqual([p for _, p in self.rows()].count("lab-fixture"), 3)
        audit = [json.loads(l) for l in
                 localca("audit", "tail", "-n", "50", "--data-dir", self.data).stdout.splitlines()]
        self.assertEqual(len([e for e in audit if e["action"] == "fixture"]), 3)
        self.assertEqual(len([e for e in audit if e["action"] == "revoke"]), 1)
        localca("audit", "verify", "--data-dir", self.data)

        # The operator inventory.
        status, inv = self.s.json("GET", "/admin/v1/certificates?device=dk1",
                                  headers={"Authorization": f"Bearer {self.operator}"})
        self.assertEqual(status, 200, inv)
        self.assertEqual(sorted((int(i["certSN"]), i["status"]) for i in inv["items"]),
                         sorted([(int(expired["certSN"]), "expired"), (int(soon["certSN"]), "valid"),
                                 (int(revoked["certSN"]), "revoked")]))

        # The CRL has the revoked fixture, and OCSP says revoked.
        crl = x509.load_der_x509_crl(self.crl("RSA"))
        self.assertIsNotNone(crl.get_revoked_certificate_by_serial_number(int(revoked["certSN"])))
        self.assertIsNone(crl.get_revoked_certificate_by_serial_number(int(expired["certSN"])))
        root = x509.load_pem_x509_certificate(self.root_pem("RSA").encode())
        cert = x509.load_pem_x509_certificate(self.db_pem(revoked["certSN"]))
        req = ocsp.OCSPRequestBuilder().add_certificate(cert, root, hashes.SHA1()).build()
        status, _, body = self.s.request("POST", "/ocsp", req.public_bytes(serialization.Encoding.DER),
                                         {"Content-Type": "application/ocsp-request"})
        self.assertEqual(status, 200)
        self.assertEqual(ocsp.load_der_ocsp_response(body).certificate_status, ocsp.OCSPCertStatus.REVOKED)

    def test_seeding_again_issues_nothing(self):
        before = self.rows()
        out = localca("seed", self.seed_file, "--data-dir", self.data).stdout
        self.assertNotIn("fixture", out)
        self.assertEqual(self.rows(), before)

    def test_renewal_of_expiring_fixture_and_refusal_of_expired(self):
        entries = sorted(self.listed(devpk("pk1", "dk1")).values(), key=lambda e: int(e["certSN"]))
        expired, soon, _ = entries
        self.err(self.c1.renew(devpk("pk1", "dk1"), expired["certSN"]), 99400, contains="expired")
        data = self.ok(self.c1.renew(devpk("pk1", "dk1"), soon["certSN"], validDay=30))
        self.assertGreater(int(data["certSN"]), int(soon["certSN"]))

    def db_pem(self, sn):
        der = db_rows(self.data, f"SELECT der FROM certificates WHERE sn = {int(sn)}")[0][0]
        return x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM)

    def test_bad_fixture_names_its_path(self):
        doc = seed_doc()
        doc["enos"]["orgs"][0]["products"][0]["devices"][0]["fixtures"] = [
            {"authority": "RSA", "validDays": 10, "revoked": "bored"}]
        p = localca("seed", self.write_json("bad.json", doc), "--data-dir", self.data, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("fixtures", p.stdout + p.stderr)
        self.assertIn("revoked", p.stdout + p.stderr)


if __name__ == "__main__":
    import unittest
    unittest.main()
