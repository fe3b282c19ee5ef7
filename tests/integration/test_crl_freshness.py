"""CRLs built off the writer (issue 15, deliverable 1): a CRL fetched after a revocation's answer
includes it, its cRLNumber only grows, and many concurrent revocations make fewer CRL builds than
revocations (counted from the server's "CRL <authority> #n built" log lines)."""
import re
import threading
import unittest

from cryptography import x509

from harness import localca, localca_test

TOKEN = "pki-crl-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class crl_freshness_tests(localca_test):
    def setUp(self):
        super().setUp()
        self.cfg = self.write_json("config.json", {"pki": {"token": TOKEN}})
        self.s = self.start(config=self.cfg)
        self.csr, _ = self.ossl.csr("/CN=fresh")

    def issue(self, n):
        out = []
        for _ in range(n):
            status, body = self.s.json("POST", "/pki/v1/certificates", {"csr": self.csr, "validDays": 30}, AUTH)
            self.assertEqual(status, 201, body)
            out.append(int(body["certSN"]))
        return out

    def revoke(self, sn, reason=1):
        status, body = self.s.json("POST", f"/pki/v1/certificates/{sn}/revoke", {"reason": reason}, AUTH)
        self.assertEqual(status, 200, body)

    def crl(self):
        status, _, der = self.s.request("GET", "/enos/CA/crl/RSA")
        self.assertEqual(status, 200)
        crl = x509.load_der_x509_crl(der)
        number = crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
        return {r.serial_number for r in crl}, number

    def builds(self):
        return len(re.findall(r"CRL RSA #\d+ built", self.s.output()))

    def test_fetched_after_the_answer_includes_it_and_the_number_grows(self):
        sns = self.issue(5)
        serials, last = self.crl()
        self.assertFalse(serials & set(sns))
        for sn in sns:
            self.revoke(sn)
            serials, number = self.crl()  # at once: no waiting for the background rebuild
            self.assertIn(sn, serials)
            self.assertGreater(number, last)
            last = number
        # A fetch without a revocation in between is the cached CRL: same number.
        self.assertEqual(self.crl()[1], last)
        # Restarted, the stored CRL is served (number never goes back).
        self.s.stop()
        self.s = self.start(config=self.cfg)
        serials, number = self.crl()
        self.assertGreaterEqual(number, last)
        self.assertTrue(set(sns) <= serials)

    def test_revocation_by_another_process_is_in_the_next_fetch(self):
        sns = self.issue(3)
        _, before = self.crl()
        localca("revoke", "--data-dir", self.data, "--serial-from", str(sns[1]), "--serial-to", str(sns[1]),
                "--reason", "keyCompromise")
        serials, number = self.crl()
        self.assertIn(sns[1], serials)
        self.assertNotIn(sns[0], serials)
        self.assertGreater(number, before)

    def test_concurrent_revocations_coalesce_into_fewer_builds(self):
        n = 40
        sns = self.issue(n)
        self.crl()
        before = self.builds()
        threads = [threading.Thread(target=self.revoke, args=(sn,)) for sn in sns]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        serials, _ = self.crl()
        self.assertTrue(set(sns) <= serials)
        built = self.builds() - before
        self.assertGreaterEqual(built, 1)
        self.assertLess(built, n, f"{built} CRL builds for {n} revocations")
        print(f"{n} concurrent revocations: {built} CRL builds")


if __name__ == "__main__":
    unittest.main()
