"""EnOS renew certificate: without a CSR (same subject and key, new serial, old one stays valid),
with a CSR (apply rules, own subject and key not duplicates), authority defaults, and every
documented refusal."""
import unittest

from cryptography import x509

from enos_client import (MSG_CERTSN_MISSING, MSG_CERTSN_NEGATIVE, MSG_KEY_BOUND, MSG_NOT_BOUND,
                         MSG_RENEW_REVOKED, MSG_VALIDDAY_MAX, PFX_DUPLICATE, PFX_INVALID_CSR, PFX_PARAMS,
                         dev, devpk, enos_test, py_csr, spki)


class renew_tests(enos_test):
    def renewed(self, device, cert_sn, **fields):
        data = self.ok(self.c1.renew(device, cert_sn, **fields))
        self.assertIsInstance(data, dict)
        for k in ("certChainURL", "caCert", "cert", "certSN", "issueAuthority"):
            self.assertIn(k, data)
        cert = x509.load_pem_x509_certificate(data["cert"].encode())
        self.assertEqual(int(data["certSN"]), cert.serial_number)
        a = data["issueAuthority"]
        self.assertEqual(data["certChainURL"], f"{self.s.base}/enos/CA/cacert/{a}")
        root = self.root_pem(a)
        self.assertEqual(data["caCert"].strip(), root.strip())
        p = self.ossl.verify(root, data["cert"])
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        return data, cert

    def test_renew_without_csr_keeps_subject_and_key(self):
        csr, _ = self.ossl.csr("/C=CN/O=EnOS/CN=renew-me/OU=unit")
        old, old_cert = self.applied(dev("asset1"), csr, validDay=100)
        new, cert = self.renewed(dev("asset1"), int(old["certSN"]), validDay=50)
        self.assertEqual(new["issueAuthority"], "RSA")
        self.assertGreater(int(new["certSN"]), int(old["certSN"]))
        self.assertEqual(cert.subject.public_bytes(), old_cert.subject.public_bytes())
        self.assertEqual(spki(cert), spki(old_cert))
        self.assertEqual((cert.not_valid_after - cert.not_valid_before).total_seconds(), 50 * 86400)
        # The old certificate stays valid; both are bound to the device.
        entries = self.listed(dev("asset1"))
        self.assertEqual(set(entries), {old["certSN"], new["certSN"]})
        self.assertEqual({e["certStatus"] for e in entries.values()}, {0})
        # certSn as a numeric string, device by productKey + deviceKey, v2.1 path; renewing the old
        # one again is allowed (it is still valid).
        new2, cert2 = self.renewed(devpk("pk1", "dk1"), old["certSN"], validDay="20", version="v2.1")
        self.assertGreater(int(new2["certSN"]), int(new["certSN"]))
        self.assertEqual(spki(cert2), spki(old_cert))
        self.assertEqual((cert2.not_valid_after - cert2.not_valid_before).total_seconds(), 20 * 86400)
        new3, _ = self.renewed(dev("asset1"), new["certSN"], validDay=5)
        self.assertEqual(len(self.listed(dev("asset1"))), 4)
        del new3

    def test_renew_ecc_defaults_to_old_authority(self):
        csr, _ = self.ossl.csr("/CN=ecc-renew", alg="p256")
        old, old_cert = self.applied(dev("asset2"), csr, issueAuthority="ECC", validDay=30)
        new, cert = self.renewed(dev("asset2"), old["certSN"], validDay=30)
        self.assertEqual(new["issueAuthority"], "ECC")
        self.assertEqual(spki(cert), spki(old_cert))
        self.assertEqual(cert.signature_algorithm_oid.dotted_string, "1.2.840.10045.4.3.2")
        # Without a CSR the key decides: an ECC key cannot get an RSA certificate.
        self.err(self.c1.renew(dev("asset2"), old["certSN"], issueAuthority="RSA"), 99400)
        # With an RSA CSR and no issueAuthority the old (ECC) authority applies: refused...
        rsa_csr, _ = self.ossl.csr("/CN=ecc-renew-to-rsa")
        self.err(self.c1.renew(dev("asset2"), old["certSN"], csr=rsa_csr), 99400, prefix=PFX_INVALID_CSR,
                 contains=", detail message: ")
        # ...naming RSA works.
        new2, cert2 = self.renewed(dev("asset2"), old["certSN"], csr=rsa_csr, issueAuthority="rsa", validDay=30)
        self.assertEqual(new2["issueAuthority"], "RSA")
        self.assertEqual(cert2.signature_algorithm_oid.dotted_string, "1.2.840.113549.1.1.11")
        self.assertEqual(cert2.subject.public_bytes(), x509.load_pem_x509_csr(rsa_csr.encode()).subject.public_bytes())

    def test_renew_with_csr(self):
        o = self.ossl
        csr, key = o.csr("/O=EnOS/CN=renew-csr")
        old, _ = self.applied(dev("asset1"), csr)
        other, other_key = o.csr("/CN=other-device-cn")
        self.applied(dev("asset2"), other)
        # Own subject and own key are not duplicates.
        same, cert = self.renewed(dev("asset1"), old["certSN"], csr=o.csr("/O=EnOS/CN=renew-csr", key=key)[0],
                                  validDay=60)
        self.assertEqual(spki(cert), spki(x509.load_pem_x509_csr(csr.encode())))
        self.assertEqual((cert.not_valid_after - cert.not_valid_before).total_seconds(), 60 * 86400)
        # New key and subject from the CSR.
        new_csr, _ = o.csr("/C=CN/CN=renew-csr-new")
        new, cert = self.renewed(dev("asset1"), old["certSN"], csr=new_csr)
        req = x509.load_pem_x509_csr(new_csr.encode())
        self.assertEqual(cert.subject.public_bytes(), req.subject.public_bytes())
        self.assertEqual(spki(cert), spki(req))
        self.assertEqual((cert.not_valid_after - cert.not_valid_before).total_seconds(), 730 * 86400)
        # The keytool header / CRLF form is accepted here too.
        alt = o.csr("/CN=renew-csr-alt")[0].replace("CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST").replace("\n", "\r\n")
        self.renewed(dev("asset1"), old["certSN"], csr=alt, validDay=3)
        # Apply rules: another device's live CN, another device's live key, bad CSRs, validDay.
        self.err(self.c1.renew(dev("asset1"), old["certSN"], csr=o.csr("/CN=other-device-cn")[0]), 99400,
                 prefix=PFX_DUPLICATE)
        self.err(self.c1.renew(dev("asset1"), old["certSN"], csr=o.csr("/CN=steal-key", key=other_key)[0]), 11833,
                 MSG_KEY_BOUND)
        self.err(self.c1.renew(dev("asset1"), old["certSN"], csr=o.csr("/CN=weak", alg="rsa1024")[0]), 99400,
                 prefix=PFX_INVALID_CSR, contains=", detail message: ")
        self.err(self.c1.renew(dev("asset1"), old["certSN"], csr="garbage"), 99400, prefix=PFX_INVALID_CSR)
        self.err(self.c1.renew(dev("asset1"), old["certSN"], csr=o.csr("/O=no-cn")[0]), 99400, prefix=PFX_INVALID_CSR)
        self.err(self.c1.renew(dev("asset1"), old["certSN"], validDay=3651), 99400, MSG_VALIDDAY_MAX)
        self.err(self.c1.renew(dev("asset1"), old["certSN"], validDay=0), 99400, prefix=PFX_PARAMS)
        self.err(self.c1.renew(dev("asset1"), old["certSN"], validDay="x"), 99400, prefix=PFX_PARAMS)
        self.err(self.c1.renew(dev("asset1"), old["certSN"], issueAuthority="DSA"), 99400, prefix=PFX_PARAMS)
        self.assertEqual(len(self.listed(dev("asset1"))), 4)
        del same, new

    def test_renew_errors(self):
        c = self.c1
        mine, _ = self.applied(dev("asset1"), py_csr("mine")[0], issueAuthority="ECC")
        theirs, _ = self.applied(dev("asset2"), py_csr("theirs")[0], issueAuthority="ECC")
        o2cert, _ = self.applied(dev("o2-asset1", "o2"), py_csr("o2s")[0], c=self.c2, issueAuthority="ECC")
        self.err(c.renew(dev("asset1")), 99400, MSG_CERTSN_MISSING)
        self.err(c.renew(dev("asset1"), None, validDay=10), 99400, MSG_CERTSN_MISSING)
        self.err(c.renew(dev("asset1"), -1), 99400, MSG_CERTSN_NEGATIVE)
        self.err(c.renew(dev("asset1"), "-5"), 99400, MSG_CERTSN_NEGATIVE)
        self.err(c.renew(dev("asset1"), 99999999), 99400, MSG_NOT_BOUND)
        self.err(c.renew(dev("asset1"), int(theirs["certSN"])), 99400, MSG_NOT_BOUND)
        self.err(c.renew(dev("asset1"), o2cert["certSN"]), 99400, MSG_NOT_BOUND)
        self.err(c.renew(devpk("pk1", "dk3"), mine["certSN"]), 99400, MSG_NOT_BOUND)
        # Revoked: cannot be renewed (with or without a CSR).
        self.ok(c.revoke(dev("asset1"), mine["certSN"]))
        self.err(c.renew(dev("asset1"), mine["certSN"]), 99400, MSG_RENEW_REVOKED)
        self.err(c.renew(dev("asset1"), int(mine["certSN"]), csr=py_csr("after-revoke")[0]), 99400, MSG_RENEW_REVOKED)
        self.assertEqual(list(self.listed(dev("asset1"))), [mine["certSN"]])
        self.assertEqual(list(self.listed(dev("asset2"))), [theirs["certSN"]])


if __name__ == "__main__":
    unittest.main(verbosity=2)
