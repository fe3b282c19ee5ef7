"""Storage write failures (issue 7 item 4, second half), with a real fault: the running server's
RLIMIT_FSIZE is lowered to the size its database files already have (`prlimit --fsize`), so every
write that grows them fails with EFBIG, as on a full disk. Issuance on EnOS, emCA and Foundry must
then answer each vendor's internal error (EnOS 99500, emCA "Failure" / "Internal server error",
Foundry HTTP 500), as must EnOS revocation, and write nothing: after the stop, the certificates,
revocations, CRL entries, emCA requests, Foundry state and audit entries in the database are
exactly those of the answered calls, and the file passes `PRAGMA integrity_check`. Once the limit is lifted the same server process issues again,
with serials above every earlier one."""
import base64
import json
import os
import sqlite3
import subprocess
import unittest

from cryptography import x509

from emca_client import CREATE, decode_result, emca_client, payload_of, py_csr, signer
from enos_client import client, dev, py_csr as enos_csr
from foundry_client import BASE as FOUNDRY, generated
from harness import localca, localca_test

ORG, AK, SK, PK = "o-full", "ak-full", "sk-full-secret", "pk-full"
ACCOUNT, TOKEN = "441898714953", "tok-full"
EMCA_USER, EMCA_PW, EMCA_KEY = "u-full", "pw-full", os.urandom(32)
DEVICES = 400
MAX_ROUNDS = 300  # each round issues on all three APIs and revokes; the fault shows within a few


class write_failure(localca_test):
    def setUp(self):
        super().setUp()
        self.signer = signer(self.ossl, "full-signer")
        seed = {"enos": {"orgs": [{"orgId": ORG, "apps": [{"appKey": AK, "appSecret": SK}],
                                   "products": [{"productKey": PK, "biDirectionalAuth": True, "maxValidDay": 3650,
                                                 "devices": [{"deviceKey": f"d{i}", "assetId": f"a{i}"}
                                                             for i in range(DEVICES)]}]}]},
                "emca": {"users": [{"userName": EMCA_USER, "password": EMCA_PW, "emKey": "em-full",
                                    "aesKey": base64.b64encode(EMCA_KEY).decode(), "aesMode": "GCM",
                                    "allowedIps": ["127.0.0.1"], "signerCert": self.signer.cert_pem}],
                         "profiles": [{"profileId": "3", "authority": "RSA", "defaultValidity": "30:0:0:0",
                                       "maxValidity": "60:0:0:0"}]},
                "foundry": {"accounts": [{"accountId": ACCOUNT, "tokens": [TOKEN], "devices": ["dev-1"]}]}}
        localca("seed", self.write_json("seed.json", seed), "--data-dir", self.data)
        self.s = self.start(config=self.write_json("config.json", {"foundry": {"keyPoolSize": 2}}))
        self.enos = client(self.s, AK, SK)
        self.enos.login()
        self.emca = emca_client(self.s, EMCA_USER, EMCA_PW, "em-full", EMCA_KEY, "GCM")
        self.next_device = 0
        self.next_app = 0
        self.answered = {}           # serial -> API, for every certificate handed out
        self.emca_ok = set()         # applicationIds answered with certificates
        self.foundry_ok = set()      # Foundry certificate ids answered
        self.internal = {"enos": 0, "emca": 0, "foundry": 0, "revoke": 0}
        self.enos_device = {}        # EnOS serial -> its device
        self.revoked = set()         # serials whose revocation was answered with success

    def keep(self, api, cert):
        sn = cert.serial_number
        self.assertNotIn(sn, self.answered, "a serial was handed out twice")
        self.answered[sn] = api

    # Each issues one certificate; returns True when issued, False on the vendor's internal
    # error (anything else fails the test).
    def issue_enos(self):
        i, self.next_device = self.next_device, self.next_device + 1
        r = self.enos.apply(dev(f"a{i}", ORG), enos_csr(f"full-{i}")[0], issueAuthority="ECC")
        self.assertEqual(r.status, 200, r)
        if r.json["code"] == 99500:
            self.assertIsNone(r.json["data"], r)
            self.internal["enos"] += 1
            return False
        self.assertEqual(r.json["code"], 0, r)
        cert = x509.load_pem_x509_certificate(r.json["data"]["cert"].encode())
        self.assertEqual(int(r.json["data"]["certSN"]), cert.serial_number)
        self.keep("enos", cert)
        self.enos_device[cert.serial_number] = i
        return True

    def revoke_enos(self):
        """Revokes the oldest EnOS certificate not revoked yet (a write of its own: the row, its
        audit entry and the authority's revocation counter in one transaction)."""
        left = set(self.enos_device) - self.revoked
        if not left:
            return None  # nothing to revoke this round (EnOS issuance is failing)
        sn = min(left)
        r = self.enos.revoke(dev(f"a{self.enos_device[sn]}", ORG), str(sn))
        self.assertEqual(r.status, 200, r)
        if r.json["code"] == 99500:
            self.internal["revoke"] += 1
            return False
        self.assertEqual(r.json["code"], 0, r)
        self.revoked.add(sn)
        return True

    def issue_emca(self):
        self.next_app += 1
        app_id = f"full-{self.next_app}"
        content = payload_of([("ID1", py_csr(f"emca-{self.next_app}"))])
        body = self.emca.call(CREATE, {"applicationId": app_id, "profileID": "3", "subscriberId": "s",
                                       "signature": self.signer.sign_b64(content)})
        if body["status"] == "Failure":
            self.assertEqual(body["result"], "Internal server error", body)
            self.internal["emca"] += 1
            return False
        self.assertEqual(body["status"], "Success", body)
        self.keep("emca", decode_result(body["result"])["ID1"])
        self.emca_ok.add(app_id)
        return True

    def issue_foundry(self):
        status, _, data = self.s.request("GET", f"{FOUNDRY}/generate", headers={"Authorization": f"Bearer {TOKEN}"})
        body = json.loads(data)
        if status == 500:
            self.assertEqual(body, {"success": False, "message": body["message"]})
            self.internal["foundry"] += 1
            return False
        self.assertEqual(status, 200, body)
        g = generated(body)
        self.keep("foundry", g.cert)
        self.foundry_ok.add(g.id)
        return True

    def issue_all(self):
        return [self.issue_enos(), self.issue_emca(), self.issue_foundry()]

    def write_all(self):
        return self.issue_all() + [self.revoke_enos()]

    def prlimit(self, soft):
        # The soft limit only: raising a hard limit again would need CAP_SYS_RESOURCE.
        subprocess.run(["prlimit", "--pid", str(self.s.proc.pid), f"--fsize={soft}:unlimited"], check=True)

    def test_full_disk_is_an_internal_error_without_partial_state_and_recovers(self):
        for _ in range(3):
            self.assertEqual(self.write_all(), [True, True, True, True])
        # A stock of EnOS certificates to revoke while the disk is full: a revocation is a small
        # write now (no CRL in its transaction), so it keeps fitting for longer than issuance.
        for _ in range(40):
            self.assertTrue(self.issue_enos())

        # The "disk" fills up from now on: no database file may grow more than 64 KiB past the
        # largest one, so a few writes still fit, then every write that needs more space fails.
        db = os.path.join(self.data, "localca.db")
        # The WAL first emptied: a WAL file that a checkpoint restarted keeps its largest size,
        # and the writes reusing it would never reach a limit taken from that size.
        con = sqlite3.connect(db, timeout=10)
        busy = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        con.close()
        self.assertEqual(busy, 0, "the WAL could not be truncated")
        limit = max(os.path.getsize(db), os.path.getsize(db + "-wal")) + 65536
        self.prlimit(limit)
        issued_before = len(self.answered)
        for _ in range(MAX_ROUNDS):
            self.write_all()
            if min(self.internal.values()) >= 3:
                break
        self.assertGreaterEqual(min(self.internal.values()), 3, f"not every API failed: {self.internal}")
        self.assertEqual(self.s.proc.poll(), None, "the server died")

        # Space again: the same process issues on every API, above every serial seen so far.
        self.prlimit("unlimited")
        highest = max(self.answered)
        for _ in range(2):
            self.assertEqual(self.write_all(), [True, True, True, True])
        fresh = sorted(self.answered)[-6:]
        self.assertTrue(all(sn > highest for sn in fresh), (highest, fresh))
        # Revoked exactly when the revocation was answered, and then in the ECC CRL fetched
        # (EnOS issues under ECC here; emCA and Foundry under RSA).
        status, _, der = self.s.request("GET", "/enos/CA/crl/ECC")
        self.assertEqual(status, 200)
        self.assertEqual({e.serial_number for e in x509.load_der_x509_crl(der)}, self.revoked)
        print(f"\nlimit {limit} bytes: {issued_before} certificates before it, internal errors "
              f"{self.internal}, {len(self.answered)} certificates answered in all", flush=True)
        self.assertEqual(self.s.stop(), 0)

        con = sqlite3.connect(db)
        try:
            self.assertEqual(con.execute("PRAGMA integrity_check").fetchone()[0], "ok")
            # The OCSP responder certificates issued at start are no API's answer.
            stored = {r[0] for r in con.execute("SELECT sn FROM certificates WHERE profile != 'ocsp-responder'")}
            # Every certificate answered is stored; none is stored that was not answered.
            self.assertEqual(stored, set(self.answered))
            audited = {r[0] for r in con.execute("SELECT cert_sn FROM audit WHERE action IN ('issue', 'renew') "
                                                "AND actor != 'ocsp-responder'")}
            self.assertEqual(audited, set(self.answered))
            requests = {r[0] for r in con.execute("SELECT application_id FROM issuance_requests")}
            self.assertEqual(requests, self.emca_ok)
            self.assertEqual(con.execute("SELECT count(*) FROM issuance_items").fetchone()[0], len(self.emca_ok))
            managed = {r[0] for r in con.execute("SELECT sn FROM managed_certificates")}
            self.assertEqual(managed, {sn for sn, api in self.answered.items() if api == "foundry"})
            revoked = {r[0] for r in con.execute("SELECT sn FROM certificates WHERE status = 1")}
            self.assertEqual(revoked, self.revoked)
            # The stored CRL is the one that fetch built and stored: its number in the database,
            # its bytes in the CRL archive beside it (storage/crl_state_repository.hpp).
            number = con.execute("SELECT crl_number FROM authorities WHERE name = 'ECC'").fetchone()[0]
            archive = sqlite3.connect(os.path.join(self.data, "localca-crls.db"))
            try:
                crl = x509.load_der_x509_crl(archive.execute(
                    "SELECT der FROM crl_archive WHERE authority = 'ECC' AND crl_number = ?",
                    (number,)).fetchone()[0])
            finally:
                archive.close()
            self.assertEqual(crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number,
                             number)
            self.assertEqual({e.serial_number for e in crl}, self.revoked)
            next_free = con.execute("SELECT next_free FROM serial_sequence").fetchone()[0]
            self.assertGreater(next_free, max(self.answered))
        finally:
            con.close()
        p = localca("audit", "verify", "--data-dir", self.data)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
