"""EnOS apply certificate, successful paths: both device-identifier forms (query and body), both
authorities, the v2.1 path, defaults and lenient field types, the validity clamp, the issued
certificate checked with openssl and python cryptography, and concurrent applies."""
import datetime
import threading
import unittest

from cryptography import x509

from enos_client import (CONCURRENT, O1, dev, devpk, enos_test, epoch_ms, py_csr, spki)


class apply_tests(enos_test):
    def check_issued(self, data, cert, csr_pem, authority, days, before=None):
        self.assertEqual(set(data) >= {"certChainURL", "caCert", "cert", "certSN", "issueAuthority"}, True, data)
        self.assertEqual(data["issueAuthority"], authority)
        self.assertEqual(data["certChainURL"], f"{self.s.base}/enos/CA/cacert/{authority}")
        root = self.root_pem(authority)
        self.assertEqual(data["caCert"].strip(), root.strip())
        # certChainURL really serves that root.
        status, _, pem = self.s.request("GET", data["certChainURL"][len(self.s.base):])
        self.assertEqual((status, pem.decode().strip()), (200, root.strip()))
        p = self.ossl.verify(root, data["cert"])
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIsInstance(data["certSN"], str)
        self.assertRegex(data["certSN"], r"^[1-9][0-9]*$")
        self.assertEqual(int(data["certSN"]), cert.serial_number)
        req = x509.load_pem_x509_csr(csr_pem.encode())
        self.assertEqual(cert.subject.public_bytes(), req.subject.public_bytes())
        self.assertEqual(spki(cert), spki(req))
        root_cert = x509.load_pem_x509_certificate(root.encode())
        self.assertEqual(cert.issuer, root_cert.subject)
        if days is not None:
            self.assertEqual((cert.not_valid_after - cert.not_valid_before).total_seconds(), days * 86400)
        if before is not None:
            self.assertLessEqual(abs((cert.not_valid_before - before).total_seconds()), 5)
        sig = {"RSA": "1.2.840.113549.1.1.11", "ECC": "1.2.840.10045.4.3.2"}[authority]
        self.assertEqual(cert.signature_algorithm_oid.dotted_string, sig)

    def test_apply_rsa_by_asset_id(self):
        csr, _ = self.ossl.csr("/C=CN/ST=Shanghai/O=EnOS/CN=dev1/emailAddress=a@b.c")
        before = datetime.datetime.utcnow().replace(microsecond=0)
        data, cert = self.applied(dev("asset1"), csr, validDay=250, issueAuthority="RSA")
        self.check_issued(data, cert, csr, "RSA", 250, before)
        self.assertTrue(data["cert"].startswith("-----BEGIN CERTIFICATE-----"))
        entries = self.listed(dev("asset1"))
        self.assertEqual(list(entries), [data["certSN"]])
        self.assertEqual(entries[data["certSN"]]["certStatus"], 0)
        # The same device seen through productKey + deviceKey.
        self.assertEqual(list(self.listed(devpk("pk1", "dk1"))), [data["certSN"]])

    def test_apply_ecc_by_product_and_device_key(self):
        csr, _ = self.ossl.csr("/O=EnOS/CN=ecc-dev2", alg="p256")
        data, cert = self.applied(devpk("pk1", "dk2"), csr, validDay=100, issueAuthority="ECC")
        self.check_issued(data, cert, csr, "ECC", 100)
        self.assertEqual(list(self.listed(dev("asset2"))), [data["certSN"]])
        # Case-insensitive authority.
        csr2, _ = self.ossl.csr("/CN=ecc-dev2-b", alg="p256")
        data2, cert2 = self.applied(devpk("pk1", "dk2"), csr2, validDay="7", issueAuthority="ecc")
        self.check_issued(data2, cert2, csr2, "ECC", 7)
        csr3, _ = self.ossl.csr("/CN=rsa-dev2-c")
        data3, cert3 = self.applied(devpk("pk1", "dk2"), csr3, validDay=8, issueAuthority="rsa")
        self.check_issued(data3, cert3, csr3, "RSA", 8)
        self.assertEqual(set(self.listed(devpk("pk1", "dk2"))), {data["certSN"], data2["certSN"], data3["certSN"]})

    def test_public_base_url_in_chain_url(self):
        self.s.stop()
        self.s = self.start("--public-base-url", "https://ca.example.test:8443", config=self.config)
        self.c1.srv = self.s
        for authority, alg in (("RSA", "rsa2048"), ("ECC", "p256")):
            data, _ = self.applied(dev("asset1"), py_csr(f"pub-{authority}", alg=alg)[0], issueAuthority=authority)
            self.assertEqual(data["certChainURL"], f"https://ca.example.test:8443/enos/CA/cacert/{authority}")
            self.assertEqual(data["caCert"].strip(), self.root_pem(authority).strip())

    def test_device_identifier_in_body(self):
        csr, _ = py_csr("body-asset")
        data = self.ok(self.c1.certificates("POST", "apply", {"orgId": O1},
                                            {"csr": csr, "issueAuthority": "ECC", "assetId": "asset3"}))
        self.assertIn(data["certSN"], self.listed(dev("asset3")))
        csr, _ = py_csr("body-pkdk")
        data = self.ok(self.c1.certificates("POST", "apply", {"orgId": O1},
                                            {"csr": csr, "issueAuthority": "ECC", "productKey": "pk1",
                                             "deviceKey": "dk4"}))
        self.assertIn(data["certSN"], self.listed(dev("asset4")))

    def test_v21_path(self):
        csr, _ = self.ossl.csr("/CN=v21-dev")
        data = self.ok(self.c1.apply(dev("asset1"), csr, version="v2.1", validDay=10))
        cert = x509.load_pem_x509_certificate(data["cert"].encode())
        self.check_issued(data, cert, csr, "RSA", 10)
        v21 = self.ok(self.c1.list(dev("asset1"), version="v2.1"))
        self.assertEqual([e["certSN"] for e in v21], [data["certSN"]])

    def test_defaults_and_lenient_input(self):
        # No validDay, no issueAuthority: RSA, 730 days. Unknown body fields (DECADA sends a
        # timestamp) are ignored. The keytool "NEW CERTIFICATE REQUEST" header and CRLF accepted.
        csr, _ = self.ossl.csr("/C=CN/O=EnOS/CN=defaults")
        alt = csr.replace("CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST").replace("\n", "\r\n")
        data, cert = self.applied(dev("asset5"), alt, timestamp="1572574909697", extra={"a": [1, 2]})
        self.check_issued(data, cert, csr, "RSA", 730)
        # validDay as a numeric string.
        csr2, _ = self.ossl.csr("/CN=defaults-2")
        data2, cert2 = self.applied(dev("asset5"), csr2, validDay="42")
        self.check_issued(data2, cert2, csr2, "RSA", 42)
        # validDay equal to the product maximum is allowed (and clamped to the root if need be).
        csr3, _ = py_csr("defaults-3")
        data3, cert3 = self.applied(dev("asset5"), csr3, validDay=3650, issueAuthority="ECC")
        root = x509.load_pem_x509_certificate(self.root_pem("ECC").encode())
        self.assertLessEqual(cert3.not_valid_after, root.not_valid_after)
        self.assertGreater(cert3.not_valid_after, datetime.datetime.utcnow() + datetime.timedelta(days=3640))
        # Serials increase.
        self.assertLess(int(data["certSN"]), int(data2["certSN"]))
        self.assertLess(int(data2["certSN"]), int(data3["certSN"]))

    def test_validity_clamped_to_root(self):
        for authority, alg in (("RSA", "rsa2048"), ("ECC", "p256")):
            csr, _ = self.ossl.csr(f"/CN=long-{authority}", alg=alg)
            data, cert = self.applied(devpk("pk-long", "long1"), csr, validDay=36500, issueAuthority=authority)
            self.check_issued(data, cert, csr, authority, None)
            root = x509.load_pem_x509_certificate(self.root_pem(authority).encode())
            self.assertEqual(cert.not_valid_after, root.not_valid_after)
            entry = self.listed(dev("asset-long1"))[data["certSN"]]
            self.assertEqual(entry["expireDate"], epoch_ms(root.not_valid_after))

    def test_concurrent_applies_get_unique_serials(self):
        csrs = [py_csr(f"concurrent-{i:02d}", alg="p256" if i % 2 else "rsa2048")[0] for i in range(CONCURRENT)]
        results = [None] * CONCURRENT
        barrier = threading.Barrier(CONCURRENT)

        def work(i):
            barrier.wait()
            try:
                results[i] = self.c1.apply(devpk("pk-many", f"c{i:02d}"), csrs[i], validDay=30,
                                           issueAuthority="ECC" if i % 2 else "RSA")
            except Exception as e:  # reported below
                results[i] = e

        threads = [threading.Thread(target=work, args=(i,)) for i in range(CONCURRENT)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        serials = []
        for i, r in enumerate(results):
            self.assertNotIsInstance(r, Exception, f"device c{i:02d}: {r!r}")
            data = self.ok(r)
            cert = x509.load_pem_x509_certificate(data["cert"].encode())
            self.assertEqual(int(data["certSN"]), cert.serial_number)
            self.assertEqual(cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value,
                             f"concurrent-{i:02d}")
            serials.append(data["certSN"])
        self.assertEqual(len(set(serials)), CONCURRENT, serials)
        for i in range(CONCURRENT):
            self.assertEqual(list(self.listed(dev(f"asset-c{i:02d}"))), [serials[i]])

    def race(self, csrs, first=0):
        """Applies csrs[i] for device c<first+i> all at once; returns the responses."""
        n = len(csrs)
        results = [None] * n
        barrier = threading.Barrier(n)

        def work(i):
            barrier.wait()
            try:
                results[i] = self.c1.apply(devpk("pk-many", f"c{first + i:02d}"), csrs[i], issueAuthority="ECC")
            except Exception as e:
                results[i] = e

        threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        for i, r in enumerate(results):
            self.assertNotIsInstance(r, Exception, f"device c{first + i:02d}: {r!r}")
            self.assertEqual(r.status, 200, r)
        return results

    def test_concurrent_same_cn_or_same_key_only_one_wins(self):
        # The duplicate-subject and key-reuse rules hold under concurrency: of ten devices applying
        # for one CN at the same instant exactly one gets it.
        n = 10
        results = self.race([py_csr("contested-cn")[0] for _ in range(n)])
        codes = sorted(r.json["code"] for r in results)
        self.assertEqual(codes, [0] + [99400] * (n - 1), [r.json for r in results])
        winners = [i for i, r in enumerate(results) if r.json["code"] == 0]
        for r in results:
            if r.json["code"] != 0:
                self.assertTrue(r.json["msg"].startswith("Duplicate subject by certificate request!message: "), r)
        self.assertEqual(len(self.listed(dev(f"asset-c{winners[0]:02d}"))), 1)
        # Same key, different CNs, ten other devices.
        _, key = py_csr("x")
        csrs = [py_csr(f"contested-key-{i}", key=key)[0] for i in range(n)]
        results = self.race(csrs, first=n)
        codes = sorted(r.json["code"] for r in results)
        self.assertEqual(codes, [0] + [11833] * (n - 1), [r.json for r in results])
        for r in results:
            if r.json["code"] != 0:
                self.assertEqual(r.json["msg"], "Certificate is already bound to another device.")


if __name__ == "__main__":
    unittest.main(verbosity=2)
