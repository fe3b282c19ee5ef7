"""The OCSP responder (RFC 6960 / RFC 5019): `openssl ocsp` and python3-cryptography against
LocalCA for good, revoked, unknown, nonce, GET and POST, SHA-1 and SHA-256 CertIDs, a foreign
issuer, malformed requests; the AIA extension of issued certificates; stapling on the HTTPS
listener with tls.auto."""
import base64
import datetime
import os
import re
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import run  # noqa: E402

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.x509 import ocsp  # noqa: E402
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID  # noqa: E402

TOKEN = "ocsp-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class ocsp_test(harness.localca_test):
    def setUp(self):
        super().setUp()
        self.s = self.start(config=self.write_json("config.json", {"pki": {"token": TOKEN}}))
        self.url = f"{self.s.base}/ocsp"

    def root_pem(self, name="RSA"):
        status, _, pem = self.s.request("GET", f"/enos/CA/cacert/{name}")
        self.assertEqual(status, 200)
        return pem.decode()

    def issue(self, authority="RSA"):
        csr, _ = self.ossl.csr(f"/CN=ocsp-{authority}-{self.ossl.n}", "rsa2048" if authority == "RSA" else "p256")
        status, body = self.s.json("POST", "/pki/v1/certificates",
                                   {"csr": csr, "authority": authority, "validDays": 30}, AUTH)
        self.assertEqual(status, 201, body)
        return body

    def files(self, cert, authority="RSA"):
        return (self.ossl.write(f"root-{authority}.pem", self.root_pem(authority)),
                self.ossl.write(f"leaf-{cert['certSN']}.pem", cert["cert"]))

    def openssl_ocsp(self, issuer, *args):
        p = run(["openssl", "ocsp", "-issuer", issuer, "-CAfile", issuer, "-url", self.url,
                 "-resp_text", *args], check=False, timeout=60)
        return p.returncode, p.stdout + p.stderr

    def post(self, der):
        status, hdrs, body = self.s.request("POST", "/ocsp", der, {"Content-Type": "application/ocsp-request"})
        self.assertEqual(status, 200)
        self.assertEqual(hdrs["Content-Type"], "application/ocsp-response")
        return ocsp.load_der_ocsp_response(body), hdrs, body

    def get(self, der):
        path = "/ocsp/" + urllib.parse.quote(base64.b64encode(der).decode(), safe="")
        status, hdrs, body = self.s.request("GET", path)
        self.assertEqual(status, 200)
        self.assertEqual(hdrs["Content-Type"], "application/ocsp-response")
        return ocsp.load_der_ocsp_response(body), hdrs, body

    def request_for(self, cert_pem, issuer_pem, algorithm=hashes.SHA1(), nonce=None):
        b = ocsp.OCSPRequestBuilder().add_certificate(
            x509.load_pem_x509_certificate(cert_pem.encode()),
            x509.load_pem_x509_certificate(issuer_pem.encode()), algorithm)
        if nonce is not None:
            b = b.add_extension(x509.OCSPNonce(nonce), critical=False)
        return b.build().public_bytes(serialization.Encoding.DER)

    def check_signed_by_responder(self, resp, issuer_pem):
        """The delegated responder: certs = [its certificate], signed by the issuer, OCSPSigning,
        id-pkix-ocsp-nocheck; responderID byKey; the response verifies with its key."""
        self.assertEqual(len(resp.certificates), 1)
        responder = resp.certificates[0]
        issuer = x509.load_pem_x509_certificate(issuer_pem.encode())
        from cryptography.hazmat.primitives.asymmetric import ec, padding
        if isinstance(issuer.public_key(), ec.EllipticCurvePublicKey):
            issuer.public_key().verify(responder.signature, responder.tbs_certificate_bytes, ec.ECDSA(hashes.SHA256()))
        else:
            issuer.public_key().verify(responder.signature, responder.tbs_certificate_bytes, padding.PKCS1v15(),
                                       hashes.SHA256())
        self.assertEqual(responder.issuer, issuer.subject)
        eku = responder.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        self.assertEqual(list(eku), [ExtendedKeyUsageOID.OCSP_SIGNING])
        responder.extensions.get_extension_for_class(x509.OCSPNoCheck)
        self.assertIsNone(resp.responder_name)
        self.assertEqual(resp.responder_key_hash,
                         x509.SubjectKeyIdentifier.from_public_key(responder.public_key()).digest)
        lifetime = responder.not_valid_after - responder.not_valid_before
        self.assertEqual(lifetime, datetime.timedelta(days=7))
        key = responder.public_key()
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(resp.signature, resp.tbs_response_bytes, ec.ECDSA(hashes.SHA256()))
        else:
            key.verify(resp.signature, resp.tbs_response_bytes, padding.PKCS1v15(), hashes.SHA256())

    def test_good_with_and_without_nonce_sha1_and_sha256_post(self):
        cert = self.issue()
        issuer, leaf = self.files(cert)
        for digest in ("-sha1", "-sha256"):
            # openssl adds a nonce by default and checks it comes back.
            rc, out = self.openssl_ocsp(issuer, digest, "-cert", leaf)
            self.assertEqual(rc, 0, out)
            self.assertIn("Response verify OK", out)
            self.assertIn(f"{leaf}: good", out)
            self.assertIn("OCSP Nonce:", out)
            self.assertIn(f"Hash Algorithm: {digest[1:]}", out)
            rc, out = self.openssl_ocsp(issuer, digest, "-cert", leaf, "-no_nonce")
            self.assertEqual(rc, 0, out)
            self.assertIn(f"{leaf}: good", out)
            self.assertNotIn("OCSP Nonce:", out)
        # The same through python-cryptography, nonce echoed byte for byte.
        root = self.root_pem()
        for algorithm in (hashes.SHA1(), hashes.SHA256()):
            resp, hdrs, _ = self.post(self.request_for(cert["cert"], root, algorithm, nonce=b"n" * 32))
            self.assertEqual(resp.response_status, ocsp.OCSPResponseStatus.SUCCESSFUL)
            self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.GOOD)
            self.assertEqual(resp.serial_number, int(cert["certSN"]))
            self.assertIsInstance(resp.hash_algorithm, type(algorithm))
            self.assertEqual(resp.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce, b"n" * 32)
            self.assertEqual(resp.next_update - resp.this_update, datetime.timedelta(hours=1))
            self.assertLessEqual(abs((resp.produced_at - datetime.datetime.utcnow())
                                     .total_seconds()), 60)
            self.check_signed_by_responder(resp, root)
            self.assertEqual(hdrs["Cache-Control"], "no-store")

    def test_ecc_authority(self):
        cert = self.issue("ECC")
        issuer, leaf = self.files(cert, "ECC")
        rc, out = self.openssl_ocsp(issuer, "-cert", leaf)
        self.assertEqual(rc, 0, out)
        self.assertIn(f"{leaf}: good", out)
        self.assertIn("ecdsa-with-SHA256", out)
        resp, _, _ = self.post(self.request_for(cert["cert"], self.root_pem("ECC"), hashes.SHA256()))
        self.assertEqual(resp.certificate_status, ocsp.OCSPCertStatus.GOOD)
        self.check_signed_by_responder(resp, self.root_pem("ECC"))
        # An ECC serial asked of the RSA authority was not issued by it.
        rc, out = self.openssl_ocsp(self.files(cert)[0], "-serial", cert["certSN"])
        self.assertEqual(rc, 0, out)
        self.assertIn(": unknown", out)

    def test_revoked_right_after_the_revoke_answer_get_cache_invalidated(self):
        cert = self.issue()
        root = self.root_pem()
        req = self.request_for(cert["cert"], root)
        first, h1, body1 = self.get(req)
        self.assertEqual(first.certificate_status, ocsp.OCSPCertStatus.GOOD)
        # RFC 5019 cache headers; the second GET is the same pre-signed response.
        m = re.fullmatch(r"max-age=(\d+), public, no-transform, must-revalidate", h1["Cache-Control"])
        self.assertIsNotNone(m, h1)
        self.assertTrue(1800 <= int(m.group(1)) <= 3600, h1)
        self.assertEqual(h1["Last-Modified"], first.produced_at.strftime("%a, %d %b %Y %H:%M:%S GMT"))
        self.assertEqual(h1["Expires"], first.next_update.strftime("%a, %d %b %Y %H:%M:%S GMT"))
        second, h2, body2 = self.get(req)
        self.assertEqual(body1, body2)
        self.assertEqual(h1["ETag"], h2["ETag"])
        self.assertRegex(h1["ETag"], r'^"[0-9a-f]{32}"$')

        status, body = self.s.json("POST", f"/pki/v1/certificates/{cert['certSN']}/revoke", {"reason": 1}, AUTH)
        self.assertEqual(status, 200, body)
        third, h3, body3 = self.get(req)
        self.assertEqual(third.certificate_status, ocsp.OCSPCertStatus.REVOKED)
        self.assertNotEqual(h3["ETag"], h1["ETag"])
        status, info = self.s.json("GET", f"/pki/v1/certificates/{cert['certSN']}", None, AUTH)
        revoked_at = datetime.datetime.utcfromtimestamp(info["revokedAt"])
        self.assertEqual(third.revocation_time, revoked_at)
        self.assertEqual(third.revocation_reason, x509.ReasonFlags.key_compromise)

        issuer, leaf = self.files(cert)
        rc, out = self.openssl_ocsp(issuer, "-cert", leaf)
        self.assertEqual(rc, 0, out)
        self.assertIn(f"{leaf}: revoked", out)
        self.assertIn("Reason: keyCompromise", out)
        self.assertIn("Revocation Time: " + revoked_at.strftime("%b %e %H:%M:%S %Y GMT"), out)

    def test_get_from_openssl_reqout(self):
        cert = self.issue()
        issuer, leaf = self.files(cert)
        reqfile = self.ossl.path("req.der")
        run(["openssl", "ocsp", "-issuer", issuer, "-sha256", "-cert", leaf, "-no_nonce", "-reqout", reqfile])
        with open(reqfile, "rb") as f:
            der = f.read()
        url = self.url + "/" + urllib.parse.quote(base64.b64encode(der).decode(), safe="")
        respfile = self.ossl.path("resp.der")
        p = run(["curl", "-sS", "-D", "-", "-o", respfile, url])
        self.assertIn("cache-control: max-age=", p.stdout.lower())
        self.assertIn("etag:", p.stdout.lower())
        p = run(["openssl", "ocsp", "-respin", respfile, "-reqin", reqfile, "-issuer", issuer,
                 "-CAfile", issuer, "-sha256", "-cert", leaf, "-no_nonce"], check=False)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn(f"{leaf}: good", p.stdout)
        # The '/' of base64 unescaped in the path still reaches the responder.
        path = "/ocsp/" + base64.b64encode(der).decode()
        status, _, body = self.s.request("GET", path)
        self.assertEqual(ocsp.load_der_ocsp_response(body).certificate_status, ocsp.OCSPCertStatus.GOOD)

    def test_unknown_serial_and_several_requests(self):
        cert = self.issue()
        issuer, leaf = self.files(cert)
        rc, out = self.openssl_ocsp(issuer, "-serial", "987654321")
        self.assertEqual(rc, 0, out)
        self.assertIn("987654321: unknown", out)
        other = self.issue()
        _, leaf2 = self.files(other)
        rc, out = self.openssl_ocsp(issuer, "-cert", leaf, "-cert", leaf2, "-serial", "987654321")
        self.assertEqual(rc, 0, out)
        self.assertIn(f"{leaf}: good", out)
        self.assertIn(f"{leaf2}: good", out)
        self.assertIn("987654321: unknown", out)
        # Above the cap (ocsp.maxRequests, default 8): malformedRequest.
        args = []
        for i in range(9):
            args += ["-serial", str(1000 + i)]
        rc, out = self.openssl_ocsp(issuer, *args)
        self.assertIn("malformedrequest", out.lower())

    def test_unknown_issuer_and_malformed(self):
        key = self.ossl.key()
        other = self.ossl.path("other.pem")
        run(["openssl", "req", "-x509", "-new", "-key", key, "-subj", "/CN=Not LocalCA", "-days", "2", "-out", other])
        rc, out = self.openssl_ocsp(other, "-serial", "1")
        self.assertIn("Responder Error: unauthorized (6)", out)
        with open(other) as f:
            resp, _, _ = self.post(self.request_for(self.issue()["cert"], f.read()))
        self.assertEqual(resp.response_status, ocsp.OCSPResponseStatus.UNAUTHORIZED)

        for garbage in (b"", b"\x30\x03\x02\x01\x01", b"not der at all", b"\x30\x80\x00\x00"):
            resp, _, _ = self.post(garbage)
            self.assertEqual(resp.response_status, ocsp.OCSPResponseStatus.MALFORMED_REQUEST, garbage)
        good = self.request_for(self.issue()["cert"], self.root_pem())
        resp, _, _ = self.post(good + b"\x00")  # trailing byte
        self.assertEqual(resp.response_status, ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
        for path in ("/ocsp/!!!", "/ocsp/" + base64.b64encode(b"junk").decode()):
            status, _, body = self.s.request("GET", path)
            self.assertEqual(status, 200)
            self.assertEqual(ocsp.load_der_ocsp_response(body).response_status,
                             ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
        status, _, _ = self.s.request("POST", "/ocsp", good, {"Content-Type": "text/plain"})
        self.assertEqual(status, 415)

    def test_nonce_size(self):
        cert = self.issue()
        root = self.root_pem()
        for size, ok in ((1, True), (32, True), (33, False), (64, False)):
            resp, _, _ = self.post(self.request_for(cert["cert"], root, nonce=b"x" * size))
            if ok:
                self.assertEqual(resp.response_status, ocsp.OCSPResponseStatus.SUCCESSFUL)
                self.assertEqual(resp.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce, b"x" * size)
            else:
                self.assertEqual(resp.response_status, ocsp.OCSPResponseStatus.MALFORMED_REQUEST, size)

    def test_aia_in_issued_certificates(self):
        cert = x509.load_pem_x509_certificate(self.issue()["cert"].encode())
        aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess)
        self.assertFalse(aia.critical)
        self.assertEqual([(d.access_method, d.access_location.value) for d in aia.value],
                         [(AuthorityInformationAccessOID.OCSP, self.url),
                          (AuthorityInformationAccessOID.CA_ISSUERS, f"{self.s.base}/pki/issuer/RSA")])
        status, hdrs, der = self.s.request("GET", "/pki/issuer/RSA")
        self.assertEqual(status, 200)
        self.assertEqual(hdrs["Content-Type"], "application/pkix-cert")
        self.assertEqual(x509.load_der_x509_certificate(der),
                         x509.load_pem_x509_certificate(self.root_pem().encode()))
        # openssl finds the responder from the certificate alone.
        issuer, leaf = self.files({"certSN": "aia", "cert": cert.public_bytes(serialization.Encoding.PEM).decode()})
        uri = run(["openssl", "x509", "-in", leaf, "-noout", "-ocsp_uri"]).stdout.strip()
        self.assertEqual(uri, self.url)

    def test_aia_switched_off_per_api(self):
        self.s.stop()
        s = self.start(config=self.write_json("off.json", {"pki": {"token": TOKEN}, "aia": {"pki": False}}))
        csr, _ = self.ossl.csr("/CN=no-aia")
        status, body = s.json("POST", "/pki/v1/certificates", {"csr": csr}, AUTH)
        self.assertEqual(status, 201, body)
        cert = x509.load_pem_x509_certificate(body["cert"].encode())
        with self.assertRaises(x509.ExtensionNotFound):
            cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess)


class stapling_test(harness.localca_test):
    def test_s_client_status_shows_the_staple(self):
        port = harness.free_port()
        cfg = self.write_json("config.json", {"tls": {"listen": f"127.0.0.1:{port}", "auto": ["localhost"]}})
        s = self.start(config=cfg)
        status, _, pem = s.request("GET", "/enos/CA/cacert/RSA")
        root = self.ossl.write("root.pem", pem)
        p = run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-servername", "localhost",
                 "-CAfile", root, "-status", "-verify_return_error"], check=False, input="", timeout=60)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        out = p.stdout
        self.assertIn("OCSP Response Status: successful (0x0)", out)
        self.assertIn("Cert Status: good", out)
        serial = re.search(r"Serial Number: ([0-9A-F]+)", out[out.index("OCSP response:"):]).group(1)
        leaf = run(["openssl", "x509", "-noout", "-serial"], input=out[out.index("Server certificate"):]).stdout.strip()
        self.assertEqual(int(leaf.split("=")[1], 16), int(serial, 16))
        # Without -status, no staple is sent.
        p = run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-CAfile", root],
                check=False, input="", timeout=60)
        self.assertNotIn("OCSP response:", p.stdout)


if __name__ == "__main__":
    unittest.main()
