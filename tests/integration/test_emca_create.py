"""emCA createCertificatesByIdWithMultipleCsrData, successful paths: two and ten CSRs with the RSA
and ECC profiles, the three AES modes, DER and BER (-stream) signatures with and without signed
attributes, PEM CSRs, validity and validFrom, the profile's extensions, idempotency."""
import base64
import datetime
import json
import unittest

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from emca_client import CREATE, CREATE_ALIAS, EKU, decode_result, emca_test, py_csr

PEM = Encoding.PEM


class create_tests(emca_test):
    def check(self, body, items, authority, seconds=None, subscriber="sub-1", verify=True):
        self.assertEqual(body["status"], "Success", body)
        self.assertEqual(body["subscriberId"], subscriber)
        self.assertIsNone(body["requestId"])
        certs = decode_result(body["result"])
        self.assertEqual(list(certs), [i for i, _ in items])  # request order
        root = self.root(authority)
        for (i, (pem, _)), cert in zip(items, certs.values()):
            req = x509.load_pem_x509_csr(pem.encode())
            self.assertEqual(cert.subject.public_bytes(), req.subject.public_bytes())
            self.assertEqual(cert.public_key().public_numbers(), req.public_key().public_numbers())
            self.assertEqual(cert.issuer, root.subject)
            if verify:
                p = self.ossl.verify(root.public_bytes(PEM).decode(), cert.public_bytes(PEM).decode())
                self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            if seconds is not None:
                self.assertEqual((cert.not_valid_after - cert.not_valid_before).total_seconds(), seconds)
            bc = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
            self.assertFalse(bc.ca)
        return certs

    def test_two_rsa_csrs_ecb(self):
        items = [("ID1", py_csr("dev-a")), ("ID2", py_csr("dev-b"))]
        body = self.create(self.c1, "s1", items, validity="100:1:2:3")
        certs = self.check(body, items, "RSA", seconds=((100 * 24 + 1) * 60 + 2) * 60 + 3)
        cert = certs["ID1"]
        ku = cert.extensions.get_extension_for_class(x509.KeyUsage)
        self.assertTrue(ku.critical)
        self.assertTrue(ku.value.digital_signature and ku.value.key_encipherment)
        self.assertFalse(ku.value.key_cert_sign)
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        self.assertEqual([o.dotted_string for o in eku], [EKU["clientAuth"]])

    def test_ten_ecc_csrs_cbc_stream(self):
        items = [(f"dev{n}", py_csr(f"ecc-{n}", alg="ec")) for n in range(10)]
        body = self.create(self.c2, "s2", items, profile="4", stream=True)
        certs = self.check(body, items, "ECC", seconds=30 * 86400)  # profile default
        eku = certs["dev0"].extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        self.assertEqual({o.dotted_string for o in eku}, {EKU["clientAuth"], EKU["serverAuth"]})
        self.assertEqual(len({c.serial_number for c in certs.values()}), 10)

    def test_ten_rsa_csrs_gcm_by_emkey_ec_signer(self):
        items = [(f"r{n}", py_csr(f"rsa-{n}")) for n in range(10)]
        body = self.create(self.c3, "s3", items, pem=True)
        self.check(body, items, "RSA", seconds=365 * 86400)

    def test_signature_forms(self):
        for stream in (False, True):
            for attrs in (True, False):
                with self.subTest(stream=stream, attrs=attrs):
                    items = [("A", py_csr("form", alg="ec"))]
                    body = self.create(self.c1, "s1", items, profile="4", stream=stream, attrs=attrs)
                    self.check(body, items, "ECC")

    def test_alias_path_and_valid_from(self):
        items = [("X", py_csr("from-dev", alg="ec"))]
        body = {"applicationId": self.app_id(), "profileID": 4, "subscriberId": "s-9",
                "signature": self.signers["s1"].sign_b64("X|" + base64.b64encode(items[0][1][1]).decode()),
                "validFrom": "01:02:2030 03:04:05", "validity": "1:0:0:0"}
        body = self.c1.call(CREATE_ALIAS, body)
        cert = self.check(body, items, "ECC", seconds=86400, subscriber="s-9", verify=False)["X"]
        self.assertEqual(cert.not_valid_before, datetime.datetime(2030, 2, 1, 3, 4, 5))

    def test_idempotent_by_application_id(self):
        app = self.app_id()
        items = [("ID1", py_csr("idem-1", alg="ec")), ("ID2", py_csr("idem-2", alg="ec"))]
        first = self.c1.raw(CREATE, {"userName": "app1", "password": "pw-app1", "applicationId": app,
                                     "profileID": "4", "subscriberId": "sub",
                                     "signature": self.signers["s1"].sign_b64("ID1|" + base64.b64encode(items[0][1][1]).decode()
                                                                             + "~ID2|" + base64.b64encode(items[1][1][1]).decode())})
        self.assertEqual(first[0], 200)
        count = self.db_count()
        # Same applicationId, other content: the stored answer, byte for byte, nothing issued.
        again = self.create(self.c1, "s1", [("Z", py_csr("other", alg="ec"))], profile="4", app_id=app)
        self.assertEqual(self.c1.raw(CREATE, {"userName": "app1", "password": "pw-app1", "applicationId": app,
                                              "profileID": "4", "subscriberId": "x", "signature": "AAAA"})[1], first[1])
        self.assertEqual(again, json.loads(first[1]))
        self.assertEqual(self.db_count(), count)
        # Another user may use the same applicationId.
        other = self.create(self.c2, "s2", [("Q", py_csr("idem-3", alg="ec"))], profile="4", app_id=app)
        self.assertEqual(other["status"], "Success")
        self.assertEqual(self.db_count(), count + 1)


if __name__ == "__main__":
    unittest.main()
