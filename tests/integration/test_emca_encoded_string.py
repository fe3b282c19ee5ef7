"""emCA: `encodedString` is another name of the outer `requestData` (one of emCA's own pages uses
it). A create call carrying it issues like one carrying requestData; both names at once, or
neither, is emCA's "Invalid parameter" and nothing is issued."""
import base64
import json
import unittest

from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15

from emca_client import CREATE, aes_encrypt, decode_result, emca_test, payload_of, py_csr


class encoded_string_tests(emca_test):
    def sealed(self, client, items, signer="s1"):
        """The inner JSON of a create call, AES-encrypted and Base64-encoded as emCA wants it."""
        content = payload_of(items)
        inner = {"userName": client.user_name, "password": client.password, "applicationId": self.app_id(),
                 "profileID": "3", "subscriberId": "sub-1", "signature": self.signers[signer].sign_b64(content)}
        return base64.b64encode(aes_encrypt(client.mode, client.aes_key, json.dumps(inner).encode())).decode()

    def post(self, client, outer):
        status, data = client.raw(CREATE, None, outer=outer)
        self.assertEqual(status, 200, data)
        return json.loads(data)

    def test_encoded_string_creates(self):
        items = [("E1", py_csr("enc-a")), ("E2", py_csr("enc-b"))]
        before = self.db_count()
        body = self.post(self.c1, {"encodedString": self.sealed(self.c1, items), "userName": "app1"})
        self.assertEqual(body["status"], "Success", body)
        certs = decode_result(body["result"])
        self.assertEqual(list(certs), ["E1", "E2"])
        root = self.root("RSA")
        for cert in certs.values():
            self.assertEqual(cert.issuer, root.subject)
            root.public_key().verify(cert.signature, cert.tbs_certificate_bytes, PKCS1v15(),
                                     cert.signature_hash_algorithm)
        self.assertEqual(self.db_count(), before + 2)

    def test_encoded_string_with_emkey_only(self):
        # No outer userName: the emKey header names the user (app3, GCM), as with requestData.
        items = [("G1", py_csr("enc-gcm"))]
        body = self.post(self.c3, {"encodedString": self.sealed(self.c3, items, signer="s3")})
        self.assertEqual(body["status"], "Success", body)
        self.assertEqual(list(decode_result(body["result"])), ["G1"])

    def test_both_names_refused(self):
        before = self.db_count()
        sealed = self.sealed(self.c1, [("B1", py_csr("both-a"))])
        for outer in ({"requestData": sealed, "encodedString": sealed, "userName": "app1"},
                      {"requestData": sealed, "encodedString": "AAAA", "userName": "app1"}):
            self.failure(self.post(self.c1, outer), "Invalid parameter")
        self.assertEqual(self.db_count(), before)

    def test_neither_name_refused(self):
        before = self.db_count()
        for outer in ({"userName": "app1"}, {"encodedString": "", "userName": "app1"},
                      {"encodedString": None, "requestData": "", "userName": "app1"},
                      {"encodeString": self.sealed(self.c1, [("N1", py_csr("neither"))]), "userName": "app1"}):
            self.failure(self.post(self.c1, outer), "Invalid parameter")
        self.assertEqual(self.db_count(), before)


if __name__ == "__main__":
    unittest.main()
