"""The CA as a client sees it: roots, issued certificates and CRLs checked with the openssl CLI
and python's cryptography; issuance through the plain /pki/v1 API."""
import datetime
import unittest

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtensionOID, NameOID

from harness import localca_test

TOKEN = "pki-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class ca_tests(localca_test):
    def setUp(self):
        super().setUp()
        self.cfg = self.write_json("config.json", {"pki": {"token": TOKEN}})
        self.s = self.start(config=self.cfg)

    def root(self, name):
        status, hdrs, pem = self.s.request("GET", f"/enos/CA/cacert/{name}")
        self.assertEqual(status, 200)
        return pem.decode()

    def issue(self, csr, authority="RSA", days=30, expect=201):
        status, body = self.s.json("POST", "/pki/v1/certificates",
                                   {"csr": csr, "authority": authority, "validDays": days}, AUTH)
        self.assertEqual(status, expect, body)
        return body

    def crl(self, name):
        status, hdrs, der = self.s.request("GET", f"/enos/CA/crl/{name}")
        self.assertEqual(status, 200)
        return der

    def test_roots_verify_and_have_the_ca_profile(self):
        self.assertEqual(self.root("RSA"), self.s.request("GET", "/enos/CA/cacert")[2].decode())
        for name, key_type, sig, subject in [
                ("RSA", rsa.RSAPublicKey, "sha256WithRSAEncryption", "CN=LocalCA RSA Root CA,O=LocalCA"),
                ("ECC", ec.EllipticCurvePublicKey, "ecdsa-with-SHA256", "CN=LocalCA ECC Root CA,O=LocalCA")]:
            pem = self.root(name)
            p = self.ossl.verify(pem, pem)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            text = self.ossl.x509_text(pem)
            self.assertIn(f"Signature Algorithm: {sig}", text)
            cert = x509.load_pem_x509_certificate(pem.encode())
            self.assertIsInstance(cert.public_key(), key_type)
            if name == "RSA":
                self.assertEqual(cert.public_key().key_size, 2048)
            else:
                self.assertEqual(cert.public_key().curve.name, "secp256r1")
            self.assertEqual(cert.subject.rfc4514_string(), ",".join(reversed(subject.split(","))))
            self.assertEqual(cert.subject, cert.issuer)
            bc = cert.extensions.get_extension_for_oid(ExtensionOID.BASIC_CONSTRAINTS)
            self.assertTrue(bc.critical)
            self.assertTrue(bc.value.ca)
            ku = cert.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE)
            self.assertTrue(ku.critical)
            self.assertTrue(ku.value.key_cert_sign and ku.value.crl_sign)
            self.assertFalse(ku.value.digital_signature)
            ski = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_KEY_IDENTIFIER).value
            aki = cert.extensions.get_extension_for_oid(ExtensionOID.AUTHORITY_KEY_IDENTIFIER).value
            self.assertEqual(ski.digest, aki.key_identifier)
            days = (cert.not_valid_after - cert.not_valid_before).days
            self.assertEqual(days, 3650)

    def test_issued_certificate_profile(self):
        csr, key = self.ossl.csr("/C=CN/ST=Shanghai/O=EnOS/CN=device-1/OU=unit/emailAddress=a@b.c",
                                 extra=["-utf8", "-addext", "basicConstraints=critical,CA:TRUE",
                                        "-addext", "keyUsage=keyCertSign",
                                        "-addext", "subjectAltName=DNS:evil.example"])
        before = datetime.datetime.utcnow().replace(microsecond=0)
        body = self.issue(csr, "RSA", 250)
        root = self.root("RSA")
        p = self.ossl.verify(root, body["cert"])
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        cert = x509.load_pem_x509_certificate(body["cert"].encode())
        req = x509.load_pem_x509_csr(csr.encode())
        self.assertEqual(str(cert.serial_number), body["certSN"])
        self.assertEqual(cert.version, x509.Version.v3)
        # Subject copied byte for byte (order and string types).
        self.assertEqual(cert.subject.public_bytes(), req.subject.public_bytes())
        self.assertEqual(cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo),
                         req.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo))
        # Extensions come from our profile only: CA:FALSE, SKI, AKI, CRL DP, AIA (OCSP and
        # caIssuers, docs/ocsp.md); nothing from the CSR.
        oids = {e.oid for e in cert.extensions}
        self.assertEqual(oids, {ExtensionOID.BASIC_CONSTRAINTS, ExtensionOID.SUBJECT_KEY_IDENTIFIER,
                                ExtensionOID.AUTHORITY_KEY_IDENTIFIER, ExtensionOID.CRL_DISTRIBUTION_POINTS,
                                ExtensionOID.AUTHORITY_INFORMATION_ACCESS})
        aia = cert.extensions.get_extension_for_oid(ExtensionOID.AUTHORITY_INFORMATION_ACCESS).value
        self.assertEqual([d.access_location.value for d in aia],
                         [f"{self.s.base}/ocsp", f"{self.s.base}/pki/issuer/RSA"])
        self.assertFalse(cert.extensions.get_extension_for_oid(ExtensionOID.BASIC_CONSTRAINTS).value.ca)
        dp = cert.extensions.get_extension_for_oid(ExtensionOID.CRL_DISTRIBUTION_POINTS).value
        self.assertEqual(dp[0].full_name[0].value, f"{self.s.base}/enos/CA/crl/RSA")
        root_cert = x509.load_pem_x509_certificate(root.encode())
        root_ski = root_cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_KEY_IDENTIFIER).value.digest
        aki = cert.extensions.get_extension_for_oid(ExtensionOID.AUTHORITY_KEY_IDENTIFIER).value
        self.assertEqual(aki.key_identifier, root_ski)
        ski = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_KEY_IDENTIFIER).value
        self.assertEqual(ski.digest, x509.SubjectKeyIdentifier.from_public_key(cert.public_key()).digest)
        # Validity: notBefore = now, notAfter = notBefore + 250 x 86400 s exactly.
        self.assertLessEqual(abs((cert.not_valid_before - before).total_seconds()), 5)
        self.assertEqual((cert.not_valid_after - cert.not_valid_before).total_seconds(), 250 * 86400)
        self.assertEqual(cert.signature_algorithm_oid.dotted_string, "1.2.840.113549.1.1.11")

    def test_ecc_issuance_and_validity_clamp(self):
        csr, _ = self.ossl.csr("/CN=ecc-device", alg="p256")
        body = self.issue(csr, "ECC", 36500)
        root = self.root("ECC")
        self.assertEqual(self.ossl.verify(root, body["cert"]).returncode, 0)
        cert = x509.load_pem_x509_certificate(body["cert"].encode())
        root_cert = x509.load_pem_x509_certificate(root.encode())
        self.assertEqual(cert.not_valid_after, root_cert.not_valid_after)  # clamped to the root
        self.assertEqual(cert.signature_algorithm_oid.dotted_string, "1.2.840.10045.4.3.2")
        dp = cert.extensions.get_extension_for_oid(ExtensionOID.CRL_DISTRIBUTION_POINTS).value
        self.assertTrue(dp[0].full_name[0].value.endswith("/enos/CA/crl/ECC"))

    def test_policy_refusals(self):
        rsa1024, _ = self.ossl.csr("/CN=weak", alg="rsa1024")
        self.assertEqual(self.issue(rsa1024, "RSA", expect=400)["code"], "key_not_allowed")
        sha1, _ = self.ossl.csr("/CN=sha1", digest="sha1")
        self.assertEqual(self.issue(sha1, "RSA", expect=400)["code"], "signature_algorithm_not_allowed")
        p384, _ = self.ossl.csr("/CN=p384", alg="p384")
        self.assertEqual(self.issue(p384, "ECC", expect=400)["code"], "key_not_allowed")
        ecc_at_rsa, _ = self.ossl.csr("/CN=x", alg="p256")
        self.assertEqual(self.issue(ecc_at_rsa, "RSA", expect=400)["code"], "key_not_allowed")
        self.assertEqual(self.issue("garbage", "RSA", expect=400)["code"], "csr_malformed")
        good, _ = self.ossl.csr("/CN=tamper")
        der = x509.load_pem_x509_csr(good.encode()).public_bytes(serialization.Encoding.DER)
        tampered = bytearray(der)
        tampered[-10] ^= 0x01  # inside the signature
        import base64
        pem = "-----BEGIN CERTIFICATE REQUEST-----\n" + base64.encodebytes(bytes(tampered)).decode() + "-----END CERTIFICATE REQUEST-----\n"
        self.assertEqual(self.issue(pem, "RSA", expect=400)["code"], "csr_signature_invalid")
        self.assertEqual(self.issue(good, "DSA", expect=400)["code"], "unknown_authority")
        self.assertEqual(self.issue(good, "RSA", days=0, expect=400)["code"], "validity_invalid")
        status, body = self.s.json("POST", "/pki/v1/certificates", {"csr": good})
        self.assertEqual(status, 401)
        status, body = self.s.json("POST", "/pki/v1/certificates", {"csr": good}, {"Authorization": "Bearer nope"})
        self.assertEqual(status, 401)
        # "NEW CERTIFICATE REQUEST" header and CRLF line ends are accepted.
        alt = good.replace("CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST").replace("\n", "\r\n")
        self.issue(alt, "RSA")

    def test_revocation_shows_in_next_crl(self):
        root = self.root("RSA")
        code, text = self.ossl.crl_text(root, self.crl("RSA"))
        self.assertEqual(code, 0, text)
        self.assertIn("verify OK", text)
        self.assertIn("No Revoked Certificates", text)
        first = x509.load_der_x509_crl(self.crl("RSA"))
        first_number = first.extensions.get_extension_for_oid(ExtensionOID.CRL_NUMBER).value.crl_number
        self.assertGreater((first.next_update - first.last_update).total_seconds(), 6.9 * 86400)

        csr1, _ = self.ossl.csr("/CN=to-revoke")
        csr2, _ = self.ossl.csr("/CN=to-keep")
        sn1 = self.issue(csr1)["certSN"]
        sn2 = self.issue(csr2)["certSN"]
        status, body = self.s.json("POST", f"/pki/v1/certificates/{sn1}/revoke", {"reason": 1}, AUTH)
        self.assertEqual(status, 200, body)
        status, body = self.s.json("POST", f"/pki/v1/certificates/{sn1}/revoke", {"reason": 1}, AUTH)
        self.assertEqual((status, body["code"]), (409, "already_revoked"))
        status, body = self.s.json("POST", "/pki/v1/certificates/999999/revoke", {}, AUTH)
        self.assertEqual((status, body["code"]), (404, "certificate_not_found"))
        status, body = self.s.json("POST", f"/pki/v1/certificates/{sn2}/revoke", {"reason": 2}, AUTH)
        self.assertEqual((status, body["code"]), (400, "invalid_reason"))

        der = self.crl("RSA")
        code, text = self.ossl.crl_text(root, der)
        self.assertEqual(code, 0, text)
        self.assertIn("verify OK", text)
        self.assertIn("Key Compromise", text)
        crl = x509.load_der_x509_crl(der)
        number = crl.extensions.get_extension_for_oid(ExtensionOID.CRL_NUMBER).value.crl_number
        self.assertGreater(number, first_number)
        revoked = {r.serial_number for r in crl}
        self.assertEqual(revoked, {int(sn1)})
        self.assertIsNone(crl.get_revoked_certificate_by_serial_number(int(sn2)))
        # PEM form of the same CRL, and the ECC CRL stays empty and verifies with the ECC root.
        status, hdrs, pem = self.s.request("GET", "/enos/CA/crl/RSA?format=pem")
        self.assertIn(b"-----BEGIN X509 CRL-----", pem)
        self.assertEqual(x509.load_pem_x509_crl(pem).public_bytes(serialization.Encoding.DER), der)
        code, text = self.ossl.crl_text(self.root("ECC"), self.crl("ECC"))
        self.assertEqual(code, 0, text)
        self.assertIn("No Revoked Certificates", text)
        status, body = self.s.json("GET", f"/pki/v1/certificates/{sn1}", None, AUTH)
        self.assertEqual((status, body["status"], body["revocationReason"]), (200, "revoked", 1))

    def test_unknown_paths_and_authorities(self):
        self.assertEqual(self.s.request("GET", "/enos/CA/cacert/DSA")[0], 404)
        self.assertEqual(self.s.request("GET", "/enos/CA/crl/DSA")[0], 404)
        self.assertEqual(self.s.request("GET", "/nothing/here")[0], 404)
        self.assertEqual(self.s.request("POST", "/enos/CA/cacert/RSA", "x")[0], 405)
        status, body = self.s.json("GET", "/healthz")
        self.assertEqual((status, body), (200, {"status": "ok"}))


if __name__ == "__main__":
    unittest.main(verbosity=2)
