"""enos.auth "unverified-token" (labs; for Envision's Poseidon SDKs, whose apim-accesstoken is
encrypted to Envision's own key): a well-formed apim-accesstoken is required and not checked,
org scoping still applies, and the server warns at start."""
import base64
import os
import unittest

from enos_client import AUTH_FAILURE, MSG_DEVICE_NOT_FOUND, MSG_ORG_UNKNOWN, O1, O2, dev, devpk, enos_test, py_csr

# What Poseidon sends: base64(RSA-2048-OAEP(...)), 344 characters.
POSEIDON_LIKE = base64.b64encode(os.urandom(256)).decode()
JWT_LIKE = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhcHAifQ.c2lnbmF0dXJlLWJ5dGVz_-x"


class unverified_token(enos_test):
    AUTH = "unverified-token"

    def call(self, device, csr, token):
        headers = {} if token is None else {"apim-accesstoken": token}
        return self.c1.certificates("POST", "apply", device, {"csr": csr}, auth="none", headers=headers)

    def test_warning_logged_at_start(self):
        self.assertIn("UNVERIFIED-TOKEN", self.s.output())

    def test_well_formed_tokens_accepted_unchecked(self):
        for i, token in enumerate((POSEIDON_LIKE, JWT_LIKE, self.c1.access_token)):
            data = self.ok(self.call(devpk("pk1", f"dk{i + 1}"), py_csr(f"unv-{i}", alg="rsa")[0], token))
            self.assertIn(data["certSN"], self.listed(devpk("pk1", f"dk{i + 1}")))
        # No signature is needed, and a wrong one is not looked at.
        r = self.c1.certificates("GET", "list", devpk("pk1", "dk1"), auth="none",
                                 headers={"apim-accesstoken": POSEIDON_LIKE, "apim-signature": "0" * 64})
        self.assertEqual(len(self.ok(r)), 1)

    def test_missing_or_malformed_token_refused(self):
        for token in (None, "", "short", "x" * 15, "has space in the token", "tok\"en" * 5,
                      "A" * 4097, "abc=def" * 4, "YWJj===" + "A" * 20):
            self.unauthorized(self.call(devpk("pk1", "dk4"), py_csr("unv-bad", alg="rsa")[0], token))
        self.assertEqual(self.listed(devpk("pk1", "dk4")), {})

    def test_org_scoping_still_applies(self):
        csr = py_csr("unv-org", alg="rsa")[0]
        self.err(self.call({"orgId": "o-nowhere", "productKey": "pk1", "deviceKey": "dk5"}, csr, POSEIDON_LIKE),
                 99400, MSG_ORG_UNKNOWN)
        # o1 does not own o2's device.
        self.err(self.call(dev("o2-asset1", O1), csr, POSEIDON_LIKE), 11404, MSG_DEVICE_NOT_FOUND)
        self.assertEqual(self.listed(devpk("pk1", "dk1", O2), self.c2), {})


if __name__ == "__main__":
    unittest.main()
