"""Serials and certificates survive restarts and kill -9; SIGTERM finishes in-flight requests."""
import concurrent.futures
import signal
import unittest

from cryptography import x509

from harness import db_rows, localca_test

TOKEN = "durability-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class durability_tests(localca_test):
    def setUp(self):
        super().setUp()
        self.cfg = self.write_json("config.json", {"pki": {"token": TOKEN}})
        # Distinct keys made once; each request may reuse a CSR (no uniqueness policy on /pki/v1).
        self.csrs = [self.ossl.csr(f"/CN=dev-{i}", alg="p256")[0] for i in range(4)]

    def issue(self, s, i=0):
        status, body = s.json("POST", "/pki/v1/certificates",
                              {"csr": self.csrs[i % len(self.csrs)], "authority": "ECC", "validDays": 10}, AUTH)
        self.assertEqual(status, 201, body)
        cert = x509.load_pem_x509_certificate(body["cert"].encode())
        self.assertEqual(cert.serial_number, int(body["certSN"]))
        return int(body["certSN"]), body["cert"]

    def stored(self):
        return dict(db_rows(self.data, "SELECT sn, der FROM certificates"))

    def test_serials_survive_restart_and_kill9(self):
        seen = []
        s = self.start(config=self.cfg)
        seen += [self.issue(s, i)[0] for i in range(3)]
        self.assertEqual(s.stop(), 0)
        for _ in range(3):
            s = self.start(config=self.cfg)
            seen += [self.issue(s, i)[0] for i in range(3)]
            s.kill9()
        s = self.start(config=self.cfg)
        seen.append(self.issue(s)[0])
        self.assertEqual(seen, sorted(seen))
        self.assertEqual(len(seen), len(set(seen)))
        stored = self.stored()
        for sn in seen:
            self.assertIn(sn, stored)  # answered => durable, even across kill -9

    def test_concurrent_issuance_unique_and_durable(self):
        s = self.start(config=self.cfg)
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            results = list(pool.map(lambda i: self.issue(s, i), range(200)))
        sns = [sn for sn, _ in results]
        self.assertEqual(len(set(sns)), 200)
        s.kill9()  # nothing answered may be lost
        stored = self.stored()
        for sn, pem in results:
            der = x509.load_pem_x509_certificate(pem.encode()).public_bytes(
                __import__("cryptography.hazmat.primitives.serialization", fromlist=["Encoding"]).Encoding.DER)
            self.assertEqual(stored[sn], der)

    def test_sigterm_finishes_in_flight_requests(self):
        s = self.start(config=self.cfg)
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            futures = [pool.submit(self.issue, s, i) for i in range(64)]
            futures[0].result()
            s.proc.send_signal(signal.SIGTERM)
            outcomes = []
            for f in futures:
                try:
                    outcomes.append(("ok", f.result()[0]))
                except (ConnectionError, OSError) as e:  # refused after the listener closed
                    outcomes.append(("refused", str(e)))
        self.assertEqual(s.proc.wait(30), 0)
        stored = self.stored()
        for kind, sn in outcomes:
            if kind == "ok":
                self.assertIn(sn, stored)
        self.assertIn("stopped", s.output())


if __name__ == "__main__":
    unittest.main(verbosity=2)
