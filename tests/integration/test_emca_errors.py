"""emCA createCertificatesByIdWithMultipleCsrData failures: every error text, in emCA's processing
order, and all-or-nothing (one bad CSR issues nothing)."""
import base64
import json
import unittest

from emca_client import (CREATE, INVALID_DATA, INVALID_FROM, INVALID_INPUT, INVALID_PARAMETER,
                         INVALID_REQUEST, INVALID_VALIDITY, SIGNATURE_FAILED, emca_client,
                         emca_test, gen_aes_key, payload_of, py_csr)


class error_tests(emca_test):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rsa = py_csr("err-rsa")
        cls.ecc = py_csr("err-ecc", alg="ec")

    def fields(self, **over):
        f = {"applicationId": self.app_id(), "profileID": "3", "subscriberId": "s",
             "signature": self.signers["s1"].sign_b64(payload_of([("A", self.rsa)]))}
        f.update(over)
        return {k: v for k, v in f.items() if v is not None}

    def test_invalid_input_data(self):
        self.failure(self.c1.call(CREATE, self.fields(), aes_key=gen_aes_key()), INVALID_INPUT)
        status, data = self.c1.raw(CREATE, {}, outer={"requestData": "!!!not base64", "userName": "app1"})
        self.failure(json.loads(data), INVALID_INPUT)
        status, data = self.c1.raw(CREATE, {}, outer={"requestData": base64.b64encode(b"x" * 16).decode(),
                                                      "userName": "app1"})
        self.failure(json.loads(data), INVALID_INPUT)
        status, _, data = self.srv.request("POST", CREATE, "not json", {"Content-Type": "application/json"})
        self.failure(json.loads(data), INVALID_INPUT)

    def test_invalid_parameter(self):
        for missing in ("applicationId", "profileID", "subscriberId", "signature"):
            with self.subTest(missing=missing):
                self.failure(self.c1.call(CREATE, self.fields(**{missing: None})), INVALID_PARAMETER)
        status, data = self.c1.raw(CREATE, {"userName": "app1", **self.fields()})  # no password
        self.failure(json.loads(data), INVALID_PARAMETER)
        status, data = self.c1.raw(CREATE, {}, outer={"userName": "app1"})
        self.failure(json.loads(data), INVALID_PARAMETER)

    def test_invalid_request_details(self):
        self.failure(self.c1.call(CREATE, self.fields(password="wrong")), INVALID_REQUEST)
        self.failure(self.c1.call(CREATE, self.fields(), em_key="key-app2"), INVALID_REQUEST)
        self.failure(self.c1.call(CREATE, self.fields(), em_key=""), INVALID_REQUEST)
        self.failure(self.c1.call(CREATE, self.fields(userName="app2")), INVALID_REQUEST)
        far = self.client("far", "ECB")  # right password, key and signer; registered for 10.9.9.9
        self.failure(far.call(CREATE, self.fields()), INVALID_REQUEST)
        ghost = emca_client(self.srv, "ghost", "pw", "key-ghost", gen_aes_key())
        self.failure(ghost.call(CREATE, self.fields()), INVALID_REQUEST)
        # Without userName, the emKey names the user.
        anon = emca_client(self.srv, "app1", "pw-app1", "nobody", self.keys["app1"], send_user=False)
        self.failure(anon.call(CREATE, self.fields()), INVALID_REQUEST)

    def test_profile_does_not_exist(self):
        self.failure(self.c1.call(CREATE, self.fields(profileID="77")), "77 profile does not exist")

    def test_signature_verification_failed(self):
        content = payload_of([("A", self.rsa)])
        self.failure(self.c1.call(CREATE, self.fields(signature=self.signers["other"].sign_b64(content))),
                     SIGNATURE_FAILED)
        self.failure(self.c1.call(CREATE, self.fields(signature=self.signers["s2"].sign_b64(content))),
                     SIGNATURE_FAILED)
        for stream in (False, True):
            for attrs in (True, False):
                der = bytearray(self.signers["s1"].sign(content, stream=stream, attrs=attrs))
                at = bytes(der).find(b"A|MII")
                self.assertGreater(at, 0)
                der[at] = ord("B")  # tampered content
                body = self.c1.call(CREATE, self.fields(signature=base64.b64encode(bytes(der)).decode()))
                self.failure(body, SIGNATURE_FAILED)
        self.failure(self.c1.call(CREATE, self.fields(signature="bm90IGEgY21z")), SIGNATURE_FAILED)
        self.failure(self.c1.call(CREATE, self.fields(signature="%%%")), SIGNATURE_FAILED)
        truncated = self.signers["s1"].sign(content)[:-40]
        self.failure(self.c1.call(CREATE, self.fields(signature=base64.b64encode(truncated).decode())),
                     SIGNATURE_FAILED)

    def test_invalid_validity(self):
        for v in ("1:24:0:0", "1:0:60:0", "1:0:0:60", "36136:0:0:0", "abc", "1:2:3", "-1:0:0:0", "731:0:0:0",
                  "0:0:0:0"):
            with self.subTest(validity=v):
                self.failure(self.c1.call(CREATE, self.fields(validity=v)), INVALID_VALIDITY)
        self.assertEqual(self.c1.call(CREATE, self.fields(validity="730:0:0:0"))["status"], "Success")

    def test_invalid_from_date(self):
        for v in ("32:01:2025 00:00:00", "29:02:2025 00:00:00", "2025-01-01", "01:01:2025", "01:13:2025 00:00:00",
                  "01:01:2025 24:00:00", "01:01:9999 00:00:00",
                  "01:01:2100 00:00:00"):  # the last: after the root expires
            with self.subTest(validFrom=v):
                self.failure(self.c1.call(CREATE, self.fields(validFrom=v)), INVALID_FROM)

    def test_order_signature_before_validity(self):
        bad_sig = self.signers["other"].sign_b64(payload_of([("A", self.rsa)]))
        self.failure(self.c1.call(CREATE, self.fields(signature=bad_sig, validity="x")), SIGNATURE_FAILED)
        self.failure(self.c1.call(CREATE, self.fields(profileID="77", signature=bad_sig)), "77 profile does not exist")

    def test_please_enter_valid_data(self):
        no_o = py_csr("no-org", o=None)
        cases = {
            "ecc key for the RSA profile": payload_of([("A", self.ecc)]),
            "missing O": payload_of([("A", no_o)]),
            "not a CSR": "A|" + base64.b64encode(b"garbage").decode(),
            "no id": base64.b64encode(self.rsa[1]).decode(),
            "empty id": payload_of([("", self.rsa)]),
            "duplicate ids": payload_of([("A", self.rsa), ("A", py_csr("dup"))]),
            "trailing ~": payload_of([("A", self.rsa)]) + "~",
            "broken CSR signature": "A|" + base64.b64encode(self.rsa[1][:-5] + bytes(5)).decode(),
        }
        for name, content in cases.items():
            with self.subTest(case=name):
                body = self.c1.call(CREATE, self.fields(signature=self.signers["s1"].sign_b64(content)))
                self.failure(body, INVALID_DATA)

    def test_all_or_nothing(self):
        before = self.db_count()
        items = [("A", py_csr("aon-1")), ("B", py_csr("aon-2")), ("C", py_csr("aon-3", o=None))]
        body = self.create(self.c1, "s1", items)
        self.failure(body, INVALID_DATA)
        self.assertEqual(self.db_count(), before)
        self.assertEqual(self.db_count("issuance_requests"), self.db_count("issuance_requests"))
        # A failed call does not consume its applicationId.
        app = self.app_id()
        self.failure(self.create(self.c1, "s1", items, app_id=app), INVALID_DATA)
        self.assertEqual(self.create(self.c1, "s1", items[:2], app_id=app)["status"], "Success")
        self.assertEqual(self.db_count(), before + 2)


if __name__ == "__main__":
    unittest.main()
