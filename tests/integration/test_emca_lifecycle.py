"""emCA after issuance: manual authorization end to end (the officer's `localca emca` CLI while the
server runs), getCertificateByRequestID, getCertificate, revoke and the CRL."""
import base64
import json
import unittest

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from emca_client import (ALREADY_REVOKED, BY_REQUEST_ID, CERT_NOT_FOUND, GET_CERT, INVALID_DATA,
                         INVALID_PARAMETER, REQUEST_NOT_FOUND, REQUEST_REJECTED, REVOKE, SIGNATURE_FAILED,
                         decode_result, emca_test, py_csr)
from harness import localca

ACCEPTED = "Request accepted for manual authorization"


class lifecycle_tests(emca_test):
    def by_request_id(self, client, sig, request_id):
        return client.call(BY_REQUEST_ID, {"signature": self.signers[sig].sign_b64(str(request_id))})

    def issued(self, client, sig, profile="4", n=1):
        items = [(f"I{k}", py_csr(f"life-{self.app_id()}", alg="ec" if profile == "4" else "rsa")) for k in range(n)]
        body = self.create(client, sig, items, profile=profile)
        self.assertEqual(body["status"], "Success", body)
        return list(decode_result(body["result"]).values())

    def test_manual_authorization(self):
        before = self.db_count()
        items = [("A", py_csr("manual-a")), ("B", py_csr("manual-b"))]
        app = self.app_id()
        body = self.create(self.c1, "s1", items, profile="9", stream=True, app_id=app)
        self.assertEqual(body["status"], "Success", body)
        self.assertEqual(body["result"], ACCEPTED)
        self.assertEqual(body["subscriberId"], "sub-1")
        ids = dict(entry.split("|") for entry in body["requestId"].split("~"))
        self.assertEqual(list(ids), ["A", "B"])
        self.assertEqual(self.db_count(), before)  # nothing issued yet

        pending = self.by_request_id(self.c1, "s1", ids["A"])
        self.assertEqual(pending, {"status": "Success", "result": "Pending", "subscriberId": None,
                                   "requestId": ids["A"]})
        listing = localca("emca", "pending", "--data-dir", self.data).stdout
        for i in ids.values():
            self.assertRegex(listing, rf"(?m)^{i}\tapp1\t[AB]\t9\t.*manual-[ab]")
        # Another user cannot see it.
        self.failure(self.by_request_id(self.c2, "s2", ids["A"]), REQUEST_NOT_FOUND)

        out = localca("emca", "approve", ids["A"], "--data-dir", self.data).stdout
        self.assertIn(f"approved request {ids['A']}", out)
        # The officer's approval is in the audit log, in the issuing transaction.
        last = json.loads(localca("audit", "tail", "-n", "1", "--data-dir", self.data).stdout)
        self.assertEqual((last["action"], last["actor"]), ("emca-approve", "cli"), last)
        self.assertIsNotNone(last["certSN"])
        localca("emca", "reject", ids["B"], "--data-dir", self.data)
        self.assertEqual(self.db_count(), before + 1)
        last = json.loads(localca("audit", "tail", "-n", "1", "--data-dir", self.data).stdout)
        self.assertEqual((last["action"], last["actor"], last["subject"]),
                         ("emca-reject", "cli", f"request {ids['B']}"), last)
        self.assertIsNone(last["certSN"])

        got = self.by_request_id(self.c1, "s1", ids["A"])
        self.assertEqual(got["status"], "Success", got)
        cert = x509.load_der_x509_certificate(base64.b64decode(got["result"]))
        req = x509.load_pem_x509_csr(items[0][1][0].encode())
        self.assertEqual(cert.subject, req.subject)
        self.assertEqual((cert.not_valid_after - cert.not_valid_before).days, 10)  # profile default
        self.failure(self.by_request_id(self.c1, "s1", ids["B"]), REQUEST_REJECTED)

        # Decided requests cannot be decided again; unknown ones are refused.
        p = localca("emca", "approve", ids["B"], "--data-dir", self.data, check=False)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        p = localca("emca", "reject", ids["A"], "--data-dir", self.data, check=False)
        self.assertEqual(p.returncode, 1)
        p = localca("emca", "approve", "abc", "--data-dir", self.data, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertNotIn(ids["A"], localca("emca", "pending", "--data-dir", self.data).stdout)
        self.failure(self.by_request_id(self.c1, "s1", 999999), REQUEST_NOT_FOUND)
        # The request id must be signed by the user's certificate.
        self.failure(self.by_request_id(self.c1, "other", ids["A"]), SIGNATURE_FAILED)

        # The repeated create call answers as the first time, and queues or issues nothing.
        count, queued = self.db_count(), self.db_count("issuance_items")
        self.assertEqual(self.create(self.c1, "s1", items, profile="9", app_id=app), body)
        self.assertEqual((self.db_count(), self.db_count("issuance_items")), (count, queued))

    def test_get_certificate(self):
        cert = self.issued(self.c1, "s1")[0]
        sn = str(cert.serial_number)
        got = self.c1.call(GET_CERT, {"signature": self.signers["s1"].sign_b64(sn, stream=True)})
        self.assertEqual(got["status"], "Success")
        self.assertEqual(base64.b64decode(got["result"]), cert.public_bytes(Encoding.DER))
        # Only the user's own certificates.
        self.failure(self.c2.call(GET_CERT, {"signature": self.signers["s2"].sign_b64(sn)}), CERT_NOT_FOUND)
        self.failure(self.c1.call(GET_CERT, {"signature": self.signers["s1"].sign_b64("999999")}), CERT_NOT_FOUND)
        self.failure(self.c1.call(GET_CERT, {"signature": self.signers["s1"].sign_b64("12x")}), INVALID_DATA)
        self.failure(self.c1.call(GET_CERT, {"signature": self.signers["s2"].sign_b64(sn)}), SIGNATURE_FAILED)
        self.failure(self.c1.call(GET_CERT, {}), INVALID_PARAMETER)

    def test_revoke_then_crl(self):
        rsa_cert, ecc_cert = self.issued(self.c2, "s2", profile="3")[0], self.issued(self.c2, "s2")[0]
        for cert, authority in ((rsa_cert, "RSA"), (ecc_cert, "ECC")):
            sn = str(cert.serial_number)
            fields = {"signature": self.signers["s2"].sign_b64(sn), "revokeMode": 1, "remarks": "lost"}
            # Not by another user.
            self.failure(self.c1.call(REVOKE, {**fields, "signature": self.signers["s1"].sign_b64(sn)}), CERT_NOT_FOUND)
            body = self.c2.call(REVOKE, fields)
            self.assertEqual(body["status"], "Success", body)
            status, _, der = self.srv.request("GET", f"/enos/CA/crl/{authority}")
            self.assertEqual(status, 200)
            crl = x509.load_der_x509_crl(der)
            self.assertTrue(crl.is_signature_valid(self.root(authority).public_key()))
            entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
            self.assertIsNotNone(entry)
            self.assertEqual(entry.extensions.get_extension_for_class(x509.CRLReason).value.reason,
                             x509.ReasonFlags.key_compromise)
            self.failure(self.c2.call(REVOKE, fields), ALREADY_REVOKED)
        cert = self.issued(self.c2, "s2")[0]
        sig = self.signers["s2"].sign_b64(str(cert.serial_number))
        self.failure(self.c2.call(REVOKE, {"signature": sig, "revokeMode": 1}), INVALID_PARAMETER)
        self.failure(self.c2.call(REVOKE, {"signature": sig, "revokeMode": "x", "remarks": "r"}), INVALID_PARAMETER)
        self.failure(self.c2.call(REVOKE, {"signature": sig, "revokeMode": 2, "remarks": "r"}), "Invalid revokeMode")
        self.assertEqual(self.c2.call(REVOKE, {"signature": sig, "revokeMode": "0", "remarks": "r"})["status"],
                         "Success")


if __name__ == "__main__":
    unittest.main()
