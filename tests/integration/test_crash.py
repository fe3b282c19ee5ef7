"""Crash consistency: concurrent issuance and revocation killed with SIGKILL at random moments,
five times, restarting each time. Nothing answered is lost, no certSN repeats, the database
passes integrity_check, every CRL verifies, and serials keep growing across crashes."""
import http.client
import random
import threading
import time
import unittest

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from harness import BACKEND, db_rows, db_scalar, localca_test

TOKEN = "crash-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class crash_tests(localca_test):
    def test_kill9_during_issuance(self):
        cfg = self.write_json("config.json", {"pki": {"token": TOKEN}})
        csrs = [self.ossl.csr(f"/CN=c-{i}", alg="p256")[0] for i in range(4)]
        rng = random.Random(7)
        rounds = []  # per life of the server: answered (sn, der)
        revoked = set()
        for life in range(6):
            s = self.start(config=cfg)
            answered = []
            failures = []
            stop = threading.Event()

            def load(k):
                try:
                    load_until_stopped(k)
                except (OSError, http.client.HTTPException):
                    return  # the server died under us: this request was never answered
                except Exception as e:  # an assertion in a thread would vanish: report it
                    failures.append(repr(e))

            def load_until_stopped(k):
                i = k
                while not stop.is_set():
                    status, body = s.json("POST", "/pki/v1/certificates",
                                          {"csr": csrs[i % 4], "authority": "ECC", "validDays": 5}, AUTH)
                    self.assertEqual(status, 201, body)
                    der = x509.load_pem_x509_certificate(body["cert"].encode()).public_bytes(serialization.Encoding.DER)
                    answered.append((int(body["certSN"]), der))
                    if i % 7 == 0:
                        st, b = s.json("POST", f"/pki/v1/certificates/{body['certSN']}/revoke", {"reason": 1}, AUTH)
                        self.assertEqual(st, 200, b)
                        revoked.add(int(body["certSN"]))
                    i += 1

            threads = [threading.Thread(target=load, args=(k,)) for k in range(4)]
            for t in threads:
                t.start()
            time.sleep(rng.uniform(0.3, 1.2))
            if life < 5:
                s.kill9()
            else:
                s.stop()
            stop.set()
            for t in threads:
                t.join()
            self.assertEqual(failures, [])
            rounds.append(answered)

        # Serials grow across crashes: every life's serials are above every earlier life's.
        for k in range(1, len(rounds)):
            earlier = [sn for r in rounds[:k] for sn, _ in r]
            if rounds[k] and earlier:
                self.assertGreater(min(sn for sn, _ in rounds[k]), max(earlier))
        if BACKEND == "sqlite":  # PostgreSQL has no integrity_check: its WAL recovery is the server's
            self.assertEqual(db_scalar(self.data, "PRAGMA integrity_check"), "ok")
        stored = {sn: bytes(der) for sn, der in db_rows(self.data, "SELECT sn, der FROM certificates")}
        db_revoked = {sn for (sn,) in db_rows(self.data, "SELECT sn FROM certificates WHERE status = 1")}
        all_answered = [(sn, der) for r in rounds for sn, der in r]
        self.assertGreater(len(all_answered), 20)
        self.assertEqual(len({sn for sn, _ in all_answered}), len(all_answered))
        for sn, der in all_answered:
            self.assertEqual(stored.get(sn), der, f"certSN {sn} answered but not stored as answered")
        self.assertTrue(revoked <= db_revoked)
        # Every CRL verifies and lists every acknowledged revocation.
        s = self.start(config=cfg)
        for name in ("RSA", "ECC"):
            root = s.request("GET", f"/enos/CA/cacert/{name}")[2].decode()
            code, text = self.ossl.crl_text(root, s.request("GET", f"/enos/CA/crl/{name}")[2])
            self.assertEqual(code, 0, text)
            self.assertIn("verify OK", text)
        crl = x509.load_der_x509_crl(s.request("GET", "/enos/CA/crl/ECC")[2])
        self.assertTrue(revoked <= {r.serial_number for r in crl})


if __name__ == "__main__":
    unittest.main(verbosity=2)
