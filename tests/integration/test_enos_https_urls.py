"""With tls.listen set and no publicBaseUrl, the URLs written into certificates (CRL
distribution point) and into answers (certChainURL, connect-service and legacy) name the HTTPS
listener, and both URLs can be fetched over HTTPS."""
import ssl
import unittest
import urllib.request

from cryptography import x509

import harness
from enos_client import AK1, SK1, O1, client, devpk, enos_test, py_csr, seed_doc
from test_enos_legacy import gson_string, legacy_sdk


class https_urls(enos_test):
    def setUp(self):
        harness.localca_test.setUp(self)
        self.tls_port = harness.free_port()
        seed = self.write_json("seed.json", seed_doc())
        harness.localca("seed", seed, "--data-dir", self.data)
        self.config = self.write_json("config.json", {"tls": {"listen": f"127.0.0.1:{self.tls_port}",
                                                              "auto": ["127.0.0.1", "localhost"]}})
        self.s = self.start(config=self.config)
        self.c1 = client(self.s, AK1, SK1)
        self.c1.login()

    def fetch_https(self, url, cafile):
        ctx = ssl.create_default_context(cafile=cafile)
        with urllib.request.urlopen(url, context=ctx, timeout=30) as r:
            self.assertEqual(r.status, 200)
            return r.read()

    def test_urls_name_the_https_listener(self):
        base = f"https://127.0.0.1:{self.tls_port}"
        data, cert = self.applied(devpk("pk1", "dk1"), py_csr("https-1", alg="rsa")[0])
        self.assertEqual(data["certChainURL"], f"{base}/enos/CA/cacert/RSA")
        dp = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
        urls = [n.value for p in dp for n in p.full_name]
        self.assertEqual(urls, [f"{base}/enos/CA/crl/RSA"])
        # The legacy path answers the same base.
        legacy = legacy_sdk(self.s, AK1, SK1)
        status, body = legacy.java_apply(O1, "pk1", "dk2", py_csr("https-2", alg="rsa")[0])
        self.assertEqual((status, body["status"]), (200, 0), body)
        self.assertEqual(body["data"]["certChainURL"], f"{base}/enos/CA/cacert/RSA")
        # Both URLs work over HTTPS; the listener's certificate comes from the RSA root.
        root = self.ossl.write("rsa-root.pem", self.root_pem("RSA"))
        chain = self.fetch_https(data["certChainURL"], root).decode()
        self.assertEqual(x509.load_pem_x509_certificate(chain.encode()).subject, cert.issuer)
        crl = x509.load_der_x509_crl(self.fetch_https(urls[0], root))
        self.assertEqual(crl.issuer, cert.issuer)
        self.assertTrue(crl.is_signature_valid(x509.load_pem_x509_certificate(chain.encode()).public_key()))


class explicit_base_wins(enos_test):
    def setUp(self):
        harness.localca_test.setUp(self)
        seed = self.write_json("seed.json", seed_doc())
        harness.localca("seed", seed, "--data-dir", self.data)
        self.config = self.write_json("config.json", {
            "publicBaseUrl": "http://ca.example.test:8080/",
            "tls": {"listen": f"127.0.0.1:{harness.free_port()}", "auto": ["localhost"]}})
        self.s = self.start(config=self.config)
        self.c1 = client(self.s, AK1, SK1)
        self.c1.login()

    def test_public_base_url_is_kept(self):
        data, cert = self.applied(devpk("pk1", "dk1"), py_csr("https-3", alg="rsa")[0])
        self.assertEqual(data["certChainURL"], "http://ca.example.test:8080/enos/CA/cacert/RSA")
        dp = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
        self.assertEqual([n.value for p in dp for n in p.full_name], ["http://ca.example.test:8080/enos/CA/crl/RSA"])


if __name__ == "__main__":
    unittest.main()
