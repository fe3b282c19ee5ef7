"""`localca backup` under load and `localca restore`: every certificate committed before the
backup is in the restored dir, the serial sequence continues above them, and a restore never
overwrites a data dir."""
import os
import threading
import time
import unittest

from harness import localca, localca_test

TOKEN = "backup-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class backup_tests(localca_test):
    def test_backup_under_load_then_restore(self):
        cfg = self.write_json("config.json", {"pki": {"token": TOKEN}})
        csrs = [self.ossl.csr(f"/CN=b-{i}", alg="p256")[0] for i in range(4)]
        s = self.start(config=cfg)
        answered = []  # (sn, pem, time answered)
        stop = threading.Event()

        def load(k):
            i = k
            while not stop.is_set():
                status, body = s.json("POST", "/pki/v1/certificates",
                                      {"csr": csrs[i % 4], "authority": "ECC", "validDays": 5}, AUTH)
                self.assertEqual(status, 201, body)
                answered.append((int(body["certSN"]), body["cert"], time.monotonic()))
                i += 1

        threads = [threading.Thread(target=load, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        backup = os.path.join(self.tmp, "backup")
        started = time.monotonic()
        p = localca("backup", backup, "--data-dir", self.data)
        self.assertIn("backed up", p.stdout)
        time.sleep(0.5)
        stop.set()
        for t in threads:
            t.join()
        before = [(sn, pem) for sn, pem, at in answered if at < started]
        self.assertGreater(len(before), 10)
        self.assertEqual(oct(os.stat(os.path.join(backup, "ca", "ecc.key.pem")).st_mode & 0o777), "0o600")

        # A restore never overwrites: into the live dir, or into any non-empty dir.
        p = localca("restore", backup, "--data-dir", self.data, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("not empty", p.stderr)
        # A backup never writes into a non-empty destination either.
        p = localca("backup", backup, "--data-dir", self.data, check=False)
        self.assertNotEqual(p.returncode, 0)

        restored = os.path.join(self.tmp, "restored")
        localca("restore", backup, "--data-dir", restored)
        s.stop()
        r = self.start(data_dir=restored, config=cfg)
        for sn, pem in before:
            status, body = r.json("GET", f"/pki/v1/certificates/{sn}", None, AUTH)
            self.assertEqual(status, 200, sn)
            self.assertEqual(body["cert"], pem)
        status, body = r.json("POST", "/pki/v1/certificates",
                              {"csr": csrs[0], "authority": "ECC", "validDays": 5}, AUTH)
        self.assertEqual(status, 201, body)
        self.assertGreater(int(body["certSN"]), max(sn for sn, _ in before))
        # The restored roots are the original ones.
        self.assertEqual(r.request("GET", "/enos/CA/cacert/ECC")[2],
                         open(os.path.join(self.data, "ca", "ecc.crt.pem"), "rb").read())


if __name__ == "__main__":
    unittest.main(verbosity=2)
