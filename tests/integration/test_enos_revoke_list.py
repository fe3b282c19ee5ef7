"""EnOS revoke and list certificates: reason forms, CRL content checked with openssl and python
cryptography, revoke refusals, every list field, and persistence across a restart."""
import unittest

from cryptography import x509

from enos_client import (MSG_NOT_BOUND, PFX_PARAMS, PFX_REVOKE_FAILED, dev, devpk, enos_test, epoch_ms,
                         py_csr, x500_java)

REASON_FLAGS = {1: x509.ReasonFlags.key_compromise, 3: x509.ReasonFlags.affiliation_changed,
                4: x509.ReasonFlags.superseded, 5: x509.ReasonFlags.cessation_of_operation,
                6: x509.ReasonFlags.certificate_hold, 9: x509.ReasonFlags.privilege_withdrawn}
REASON_NAMES = {0: "UNSPECIFIED", 1: "KEY COMPROMISE", 3: "AFFILIATION CHANGED", 4: "SUPERSEDED",
                5: "CESSATION OF OPERATION", 6: "CERTIFICATE HOLD", 9: "PRIVILEGE WITHDRAWN"}


class revoke_list_tests(enos_test):
    def crl_entries(self, authority):
        """{serial: reason code} of the current CRL, which must verify against the root."""
        der = self.crl(authority)
        code, text = self.ossl.crl_text(self.root_pem(authority), der)
        self.assertEqual(code, 0, text)
        self.assertIn("verify OK", text)
        out = {}
        for r in x509.load_der_x509_crl(der):
            try:
                flag = r.extensions.get_extension_for_class(x509.CRLReason).value.reason
                code = {v: k for k, v in REASON_FLAGS.items()}.get(flag, 0)
            except x509.ExtensionNotFound:
                code = 0
            out[r.serial_number] = code
        return out, text

    def test_revoke_reason_forms_and_crl(self):
        # (device, authority, how the reason is sent, expected code, certSn in query?)
        cases = [
            ("asset1", "RSA", {}, 0, False),
            ("asset1", "RSA", {"reason": 1}, 1, False),
            ("asset1", "ECC", {"reason": "4"}, 4, True),
            ("asset2", "RSA", {"reason": "KEY_COMPROMISE"}, 1, False),
            ("asset2", "ECC", {"reason": "cessation_of_operation"}, 5, False),
            ("asset2", "RSA", {"reason": 6}, 6, True),
            ("asset3", "ECC", {"reason": 9}, 9, False),
            ("asset3", "RSA", {"reason": "3"}, 3, False),
            ("asset3", "ECC", {"reason": "Superseded"}, 4, False),
            ("asset3", "RSA", {"reason": 0}, 0, False),
        ]
        issued = []
        for i, (asset, authority, reason, code, in_query) in enumerate(cases):
            alg = "p256" if authority == "ECC" else "rsa2048"
            data, _ = self.applied(dev(asset), py_csr(f"revoke-{i}", alg=alg)[0], issueAuthority=authority)
            issued.append(data)
        keep, _ = self.applied(dev("asset1"), py_csr("keep-me")[0], issueAuthority="ECC")
        before_rsa, _ = self.crl_entries("RSA")
        self.assertEqual(before_rsa, {})
        for (asset, authority, reason, code, in_query), data in zip(cases, issued):
            with self.subTest(certSN=data["certSN"], reason=reason):
                if in_query:
                    r = self.c1.certificates("POST", "revoke", {**dev(asset), "certSn": data["certSN"]}, reason)
                else:
                    r = self.c1.revoke(dev(asset), data["certSN"], **reason)
                self.assertIsNone(self.ok(r))
        expected = {"RSA": {}, "ECC": {}}
        for (asset, authority, reason, code, in_query), data in zip(cases, issued):
            expected[authority][int(data["certSN"])] = code
        for authority in ("RSA", "ECC"):
            got, text = self.crl_entries(authority)
            self.assertEqual(got, expected[authority], text)
            self.assertNotIn(int(keep["certSN"]), got)
        _, text = self.crl_entries("RSA")
        self.assertIn("Key Compromise", text)
        # List: status 1, revoker set, revokerReason the reason name with spaces.
        for (asset, authority, reason, code, in_query), data in zip(cases, issued):
            entry = self.listed(dev(asset))[data["certSN"]]
            self.assertEqual(entry["certStatus"], 1, entry)
            self.assertIsInstance(entry["revoker"], str)
            self.assertTrue(entry["revoker"], entry)
            self.assertEqual(entry["revokerReason"], REASON_NAMES[code], entry)
        kept = self.listed(dev("asset1"))[keep["certSN"]]
        self.assertEqual((kept["certStatus"], kept["revoker"], kept["revokerReason"]), (0, "", ""))

    def test_revoke_with_certsn_in_query_and_no_body(self):
        data, _ = self.applied(dev("asset5"), py_csr("no-body-revoke")[0], issueAuthority="ECC")
        r = self.c1.certificates("POST", "revoke", {**dev("asset5"), "certSn": data["certSN"]}, None)
        self.assertIsNone(self.ok(r))
        got, _ = self.crl_entries("ECC")
        self.assertEqual(got, {int(data["certSN"]): 0})
        entry = self.listed(dev("asset5"))[data["certSN"]]
        self.assertEqual((entry["certStatus"], entry["revokerReason"]), (1, "UNSPECIFIED"))

    def test_revoke_v21_and_product_device_key(self):
        data, _ = self.applied(devpk("pk1", "dk4"), py_csr("v21-revoke")[0], issueAuthority="ECC")
        r = self.c1.certificates("POST", "revoke", devpk("pk1", "dk4"), {"certSn": int(data["certSN"]),
                                 "reason": "key_compromise"}, version="v2.1")
        self.assertIsNone(self.ok(r))
        got, _ = self.crl_entries("ECC")
        self.assertEqual(got, {int(data["certSN"]): 1})
        self.assertEqual(self.listed(dev("asset4"))[data["certSN"]]["revokerReason"], "KEY COMPROMISE")

    def test_revoke_errors(self):
        c = self.c1
        mine, _ = self.applied(dev("asset1"), py_csr("rv-mine")[0], issueAuthority="ECC")
        theirs, _ = self.applied(dev("asset2"), py_csr("rv-theirs")[0], issueAuthority="ECC")
        for bad in (2, 7, 8, 10, -1, "2", "8", "FOO", "CA_COMPROMISE", "REMOVE_FROM_CRL", 1.5, "", [1]):
            with self.subTest(reason=bad):
                self.err(c.revoke(dev("asset1"), mine["certSN"], reason=bad), 99400, prefix=PFX_PARAMS)
        self.err(c.revoke(dev("asset1")), 99400)
        self.err(c.revoke(dev("asset1"), -3), 99400)
        self.err(c.revoke(dev("asset1"), 99999999), 99400, MSG_NOT_BOUND)
        self.err(c.revoke(dev("asset1"), theirs["certSN"]), 99400, MSG_NOT_BOUND)
        self.err(c.revoke(devpk("pk1", "dk3"), mine["certSN"]), 99400, MSG_NOT_BOUND)
        # Nothing revoked so far.
        got, _ = self.crl_entries("ECC")
        self.assertEqual(got, {})
        self.assertEqual({e["certStatus"] for e in self.listed(dev("asset1")).values()}, {0})
        self.assertIsNone(self.ok(c.revoke(dev("asset1"), mine["certSN"], reason=1)))
        self.err(c.revoke(dev("asset1"), mine["certSN"], reason=1), 99400, prefix=PFX_REVOKE_FAILED)
        self.err(c.revoke(dev("asset1"), int(mine["certSN"])), 99400, prefix=PFX_REVOKE_FAILED)
        got, _ = self.crl_entries("ECC")
        self.assertEqual(got, {int(mine["certSN"]): 1})
        # The other device's certificate is untouched.
        self.assertEqual(self.listed(dev("asset2"))[theirs["certSN"]]["certStatus"], 0)

    def test_list_fields(self):
        self.assertEqual(self.ok(self.c1.list(dev("asset1"))), [])
        csr1, _ = self.ossl.csr("/C=CN/ST=Shanghai/O=EnOS/CN=dev1/emailAddress=a@b.c")
        d1, c1 = self.applied(dev("asset1"), csr1, validDay=250)
        csr2, _ = self.ossl.csr("/C=CN/ST=Shanghai/L=Shanghai/O=EnOS/OU=Dev/CN=dev1-ecc/emailAddress=x@y.z",
                                alg="p256")
        d2, c2 = self.applied(dev("asset1"), csr2, validDay=30, issueAuthority="ECC")
        d3, c3 = self.applied(dev("asset1"), self.ossl.csr("/CN=dev1-3")[0])
        d4 = self.ok(self.c1.renew(dev("asset1"), d3["certSN"], validDay=10))
        c4 = x509.load_pem_x509_certificate(d4["cert"].encode())
        self.ok(self.c1.revoke(dev("asset1"), d3["certSN"], reason="KEY_COMPROMISE"))
        # Another device's certificates never show up here.
        self.applied(dev("asset2"), py_csr("other-device")[0], issueAuthority="ECC")

        data = self.ok(self.c1.list(dev("asset1")))
        self.assertIsInstance(data, list)
        self.assertEqual(len(data), 4)
        entries = {e["certSN"]: e for e in data}
        self.assertEqual(set(entries), {d1["certSN"], d2["certSN"], d3["certSN"], d4["certSN"]})
        # The documented subject/issuer form.
        e1 = entries[d1["certSN"]]
        self.assertEqual(e1["subject"], "EMAILADDRESS=a@b.c, CN=dev1, O=EnOS, ST=Shanghai, C=CN")
        self.assertEqual(e1["issuer"], "O=LocalCA, CN=LocalCA RSA Root CA")
        e2 = entries[d2["certSN"]]
        self.assertEqual(e2["subject"], "EMAILADDRESS=x@y.z, CN=dev1-ecc, OU=Dev, O=EnOS, L=Shanghai, ST=Shanghai, C=CN")
        self.assertEqual(e2["issuer"], "O=LocalCA, CN=LocalCA ECC Root CA")
        for d, cert, authority, status in ((d1, c1, "RSA", 0), (d2, c2, "ECC", 0), (d3, c3, "RSA", 1),
                                           (d4, c4, "RSA", 0)):
            e = entries[d["certSN"]]
            with self.subTest(certSN=d["certSN"]):
                self.assertIsInstance(e["certSN"], str)
                self.assertEqual(e["cert"].strip(), d["cert"].strip())
                self.assertEqual(e["certStatus"], status)
                self.assertEqual(e["issueAuthority"], authority)
                self.assertEqual(e["subject"], x500_java(cert.subject))
                self.assertEqual(e["issuer"], x500_java(cert.issuer))
                nb, na = epoch_ms(cert.not_valid_before), epoch_ms(cert.not_valid_after)
                for k in ("signDate", "effectiveDate", "effetiveDate"):
                    self.assertIsInstance(e[k], int, k)
                    self.assertEqual(e[k], nb, k)
                self.assertIsInstance(e["expireDate"], int)
                self.assertEqual(e["expireDate"], na)
                if status == 1:
                    self.assertTrue(e["revoker"])
                    self.assertEqual(e["revokerReason"], "KEY COMPROMISE")
                else:
                    self.assertEqual((e["revoker"], e["revokerReason"]), ("", ""))
        self.assertEqual(entries[d1["certSN"]]["expireDate"] - entries[d1["certSN"]]["effectiveDate"], 250 * 86400000)
        # Same list via productKey + deviceKey and the v2.1 path.
        self.assertEqual(set(self.listed(devpk("pk1", "dk1"))), set(entries))
        v21 = self.ok(self.c1.list(dev("asset1"), version="v2.1"))
        self.assertEqual({e["certSN"] for e in v21}, set(entries))

    def test_restart_persistence(self):
        a, ca = self.applied(dev("asset1"), self.ossl.csr("/CN=persist-a")[0], validDay=99)
        b, _ = self.applied(devpk("pk1", "dk1"), py_csr("persist-b")[0], issueAuthority="ECC")
        self.ok(self.c1.revoke(dev("asset1"), b["certSN"], reason=5))
        before = self.ok(self.c1.list(dev("asset1")))
        self.restart()
        after = self.ok(self.c1.list(dev("asset1")))
        key = lambda e: e["certSN"]
        self.assertEqual(sorted(after, key=key), sorted(before, key=key))
        entries = {e["certSN"]: e for e in after}
        self.assertEqual(entries[a["certSN"]]["certStatus"], 0)
        self.assertEqual(entries[a["certSN"]]["cert"].strip(), a["cert"].strip())
        self.assertEqual(entries[b["certSN"]]["certStatus"], 1)
        self.assertEqual(entries[b["certSN"]]["revokerReason"], "CESSATION OF OPERATION")
        got, _ = self.crl_entries("ECC")
        self.assertEqual(got, {int(b["certSN"]): 5})
        # Bindings survive: renew the old certificate, revoke it, duplicate rules still apply.
        r, _ = self.applied(dev("asset2"), py_csr("persist-c", alg="rsa2048")[0])
        self.assertGreater(int(r["certSN"]), int(b["certSN"]))
        self.err(self.c1.apply(dev("asset2"), self.ossl.csr("/CN=persist-a")[0]), 99400)
        d = self.ok(self.c1.renew(dev("asset1"), a["certSN"]))
        self.assertGreater(int(d["certSN"]), int(r["certSN"]))
        self.assertIsNone(self.ok(self.c1.revoke(dev("asset1"), a["certSN"])))
        del ca


if __name__ == "__main__":
    unittest.main(verbosity=2)
