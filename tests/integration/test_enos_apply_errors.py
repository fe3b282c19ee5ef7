"""EnOS apply certificate, refusals: action, orgId and device identifier errors, parameter errors,
CSRs that break the authority's key and signature rules, duplicate subjects and key reuse across
devices. Every business error is HTTP 200 with the EnOS code and message and `data: null`."""
import base64
import unittest

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from enos_client import (MSG_ACTION_INVALID, MSG_ACTION_MISSING, MSG_CSR_MISSING, MSG_DEVICE_ID,
                         MSG_DEVICE_NOT_FOUND, MSG_KEY_BOUND, MSG_NO_BIDI, MSG_ORG_MISSING, MSG_VALIDDAY_MAX,
                         O1, O2, PFX_DUPLICATE, PFX_INVALID_CSR, PFX_PARAMS, dev, devpk, enos_test, py_csr)


class apply_error_tests(enos_test):
    def setUp(self):
        super().setUp()
        self.good_csr, _ = py_csr("good-but-unused")

    def test_action_errors(self):
        c, d = self.c1, dev("asset1")
        body = {"csr": self.good_csr}
        for version in ("v2.0", "v2.1"):
            with self.subTest(version):
                self.err(c.certificates("POST", None, d, body, version=version), 99400, MSG_ACTION_MISSING)
                self.err(c.certificates("GET", None, d, version=version), 99400, MSG_ACTION_MISSING)
                self.err(c.certificates("POST", "frobnicate", d, body, version=version), 99400, MSG_ACTION_INVALID)
                self.err(c.certificates("POST", "APPLYX", d, body, version=version), 99400, MSG_ACTION_INVALID)
                # Wrong HTTP method for an action.
                self.err(c.certificates("GET", "apply", d, version=version), 99400, MSG_ACTION_INVALID)
                self.err(c.certificates("GET", "renew", d, version=version), 99400, MSG_ACTION_INVALID)
                self.err(c.certificates("GET", "revoke", d, version=version), 99400, MSG_ACTION_INVALID)
                self.err(c.certificates("POST", "list", d, {}, version=version), 99400, MSG_ACTION_INVALID)
        self.assertEqual(self.ok(c.list(d)), [])

    def test_org_and_device_identifier_errors(self):
        c, csr = self.c1, self.good_csr
        self.err(c.apply({"assetId": "asset1"}, csr), 99400, MSG_ORG_MISSING)
        self.err(c.apply({"productKey": "pk1", "deviceKey": "dk1"}, csr), 99400, MSG_ORG_MISSING)
        for ident in ({}, {"productKey": "pk1"}, {"deviceKey": "dk1"}, {"assetId": ""}):
            with self.subTest(ident):
                self.err(c.apply({"orgId": O1, **ident}, csr), 99400, MSG_DEVICE_ID)
                self.err(c.list({"orgId": O1, **ident}), 99400, MSG_DEVICE_ID)
        self.err(c.apply(dev("no-such-asset"), csr), 11404, MSG_DEVICE_NOT_FOUND)
        self.err(c.apply(devpk("pk1", "no-such-dk"), csr), 11404, MSG_DEVICE_NOT_FOUND)
        self.err(c.apply(devpk("no-such-pk", "dk1"), csr), 11404, MSG_DEVICE_NOT_FOUND)
        self.err(c.list(dev("no-such-asset")), 11404, MSG_DEVICE_NOT_FOUND)
        self.err(c.renew(dev("no-such-asset"), 1), 11404, MSG_DEVICE_NOT_FOUND)
        self.err(c.revoke(dev("no-such-asset"), 1), 11404, MSG_DEVICE_NOT_FOUND)
        # Device of org o2 named with o2 by the o2 app works; by o1's app with orgId o1: not found.
        self.err(c.apply(dev("o2-asset1"), csr), 11404, MSG_DEVICE_NOT_FOUND)
        self.err(c.apply(dev("o2-asset1", O2), csr), 99403, f"Denied resource:  orgId {O2}")

    def test_parameter_errors(self):
        c, d, csr = self.c1, dev("asset1"), self.good_csr
        self.err(c.apply(d), 99400, MSG_CSR_MISSING)
        self.err(c.apply(d, None, validDay=10, issueAuthority="ECC"), 99400, MSG_CSR_MISSING)
        self.err(c.certificates("POST", "apply", d, {"csr": None, "issueAuthority": "ECC"}), 99400, MSG_CSR_MISSING)
        self.err(c.apply(dev("asset-nb1"), csr, issueAuthority="ECC"), 99400, MSG_NO_BIDI)
        self.err(c.apply(devpk("pk-nobidi", "nb1"), csr, issueAuthority="ECC", validDay=10), 99400, MSG_NO_BIDI)
        self.err(c.apply(d, csr, issueAuthority="ECC", validDay=3651), 99400, MSG_VALIDDAY_MAX)
        self.err(c.apply(d, csr, issueAuthority="ECC", validDay="3651"), 99400, MSG_VALIDDAY_MAX)
        self.err(c.apply(dev("asset-long1"), csr, issueAuthority="ECC", validDay=36501), 99400, MSG_VALIDDAY_MAX)
        for bad in (0, -1, "0", "-5", "abc", 1.5, "1.5", "", True, [30], {"d": 30}):
            with self.subTest(validDay=bad):
                self.err(c.apply(d, csr, issueAuthority="ECC", validDay=bad), 99400, prefix=PFX_PARAMS)
        for bad in ("DSA", "RSA2048", "", "E C C", 1):
            with self.subTest(issueAuthority=bad):
                self.err(c.apply(d, csr, issueAuthority=bad), 99400, prefix=PFX_PARAMS)
        self.assertEqual(self.ok(c.list(d)), [])

    def invalid_csr(self, csr, authority, what):
        with self.subTest(what):
            fields = {} if authority is None else {"issueAuthority": authority}
            m = self.err(self.c1.apply(dev("asset1"), csr, **fields), 99400, prefix=PFX_INVALID_CSR,
                         contains=", detail message: ")
            self.assertGreater(len(m), len(PFX_INVALID_CSR) + len(", detail message: "))

    def test_invalid_csrs(self):
        o = self.ossl
        self.invalid_csr("hello", "RSA", "garbage")
        self.invalid_csr("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
                         "RSA", "bad DER")
        self.invalid_csr(self.root_pem("RSA"), "RSA", "a certificate, not a CSR")
        self.invalid_csr(o.csr("/CN=rsa1024", alg="rsa1024")[0], "RSA", "RSA-1024")
        self.invalid_csr(o.csr("/CN=rsa3072", alg="rsa3072")[0], "RSA", "RSA-3072")
        self.invalid_csr(o.csr("/CN=p384", alg="p384")[0], "ECC", "P-384 at ECC")
        self.invalid_csr(o.csr("/CN=p256-at-rsa", alg="p256")[0], "RSA", "P-256 at RSA")
        self.invalid_csr(o.csr("/CN=p256-at-default", alg="p256")[0], None, "P-256 at the default authority")
        self.invalid_csr(o.csr("/CN=rsa-at-ecc")[0], "ECC", "RSA at ECC")
        self.invalid_csr(o.csr("/CN=sha1", digest="sha1")[0], "RSA", "SHA1withRSA")
        self.invalid_csr(o.csr("/CN=sha512", digest="sha512")[0], "RSA", "SHA512withRSA")
        self.invalid_csr(o.csr("/CN=ecdsa384", alg="p256", digest="sha384")[0], "ECC", "SHA384withECDSA")
        k = ec.generate_private_key(ec.SECP256K1())
        secp256k1 = x509.CertificateSigningRequestBuilder().subject_name(
            x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "k1")])).sign(k, hashes.SHA256())
        self.invalid_csr(secp256k1.public_bytes(serialization.Encoding.PEM).decode(), "ECC", "secp256k1")
        self.invalid_csr(o.csr("/O=EnOS/OU=no common name")[0], "RSA", "no CN")
        self.invalid_csr(o.csr("/O=EnOS/OU=no common name ecc", alg="p256")[0], "ECC", "no CN (ECC)")
        for alg, authority in (("rsa2048", "RSA"), ("p256", "ECC")):
            good, _ = o.csr(f"/CN=tamper-{alg}", alg=alg)
            der = bytearray(x509.load_pem_x509_csr(good.encode()).public_bytes(serialization.Encoding.DER))
            der[-8] ^= 0x01  # inside the signature
            pem = ("-----BEGIN CERTIFICATE REQUEST-----\n" + base64.encodebytes(bytes(der)).decode()
                   + "-----END CERTIFICATE REQUEST-----\n")
            self.invalid_csr(pem, authority, f"bad signature {alg}")
        self.assertEqual(self.ok(self.c1.list(dev("asset1"))), [])

    def test_duplicate_subject_and_key_reuse(self):
        o = self.ossl
        first, key1 = o.csr("/O=EnOS/CN=shared-cn")
        d1, _ = self.applied(dev("asset1"), first)
        # The same device may re-apply with its own subject (new key) and with its own key (new CN).
        d1b, _ = self.applied(dev("asset1"), o.csr("/O=EnOS/CN=shared-cn")[0])
        d1c, _ = self.applied(dev("asset1"), o.csr("/CN=own-key-new-cn", key=key1)[0])
        # Another device, same CN (other RDNs differ): duplicate subject.
        self.err(self.c1.apply(dev("asset2"), o.csr("/O=Other/CN=shared-cn")[0]), 99400, prefix=PFX_DUPLICATE,
                 contains=", detail message: ")
        self.err(self.c1.apply(devpk("pk1", "dk2"), py_csr("shared-cn")[0], issueAuthority="ECC"), 99400,
                 prefix=PFX_DUPLICATE)
        # Anywhere on this server: also a device of another org.
        self.err(self.c2.apply(dev("o2-asset1", O2), o.csr("/CN=shared-cn")[0]), 99400, prefix=PFX_DUPLICATE)
        # Another device, key of a live certificate of dk1: 11833.
        self.err(self.c1.apply(dev("asset2"), o.csr("/CN=fresh-cn", key=key1)[0]), 11833, MSG_KEY_BOUND)
        self.err(self.c2.apply(dev("o2-asset1", O2), o.csr("/CN=fresh-cn-2", key=key1)[0]), 11833, MSG_KEY_BOUND)
        self.assertEqual(self.ok(self.c1.list(dev("asset2"))), [])
        # Revoking frees: CN once both shared-cn certificates are revoked...
        self.ok(self.c1.revoke(dev("asset1"), int(d1["certSN"])))
        self.err(self.c1.apply(dev("asset2"), o.csr("/CN=shared-cn")[0]), 99400, prefix=PFX_DUPLICATE)
        self.ok(self.c1.revoke(dev("asset1"), int(d1b["certSN"])))
        d2, _ = self.applied(dev("asset2"), o.csr("/CN=shared-cn")[0])
        # ...and now dk1 is the other device for that CN.
        self.err(self.c1.apply(dev("asset1"), o.csr("/CN=shared-cn")[0]), 99400, prefix=PFX_DUPLICATE)
        # Key: still live in d1c (CN own-key-new-cn); free once that one is revoked too.
        self.err(self.c1.apply(dev("asset3"), o.csr("/CN=reuse-3", key=key1)[0]), 11833, MSG_KEY_BOUND)
        self.ok(self.c1.revoke(dev("asset1"), int(d1c["certSN"])))
        self.applied(dev("asset3"), o.csr("/CN=reuse-3", key=key1)[0])
        del d2


if __name__ == "__main__":
    unittest.main(verbosity=2)
