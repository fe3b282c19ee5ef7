"""One error path per API (issue 12, deliverable 3): when the database fails, every endpoint of
every API answers its own internal error (status code and body shape), the server stays up, each
failure is logged once with the request id, and nothing is half-written.

Two real faults, both effective for root (which chmod is not):
- writes: the running server's RLIMIT_FSIZE is lowered to 1 byte (`prlimit --fsize`; the server
  ignores SIGXFSZ), so every write to the database or its WAL fails with EFBIG, as on a full disk.
  Reads still work, so the read endpoints must still answer normally. After the limit is lifted,
  the database holds exactly what it held before (no row, audit entry, emCA request or Foundry
  state of a failed call) and passes `PRAGMA integrity_check`.
- reads: the database file is overwritten with garbage, the WAL truncated and the WAL index
  zeroed under the running server. Zeroing the index makes every connection drop its page cache at
  its next transaction (the index no longer matches its snapshot), so the next read hits the
  garbage and SQLite fails with "file is not a database". Now every endpoint that touches the
  database fails, reads included. (The root certificates, /enos/CA/cacert, are served from memory
  and keep working.)
"""
import base64
import json
import os
import sqlite3
import subprocess
import time
import unittest
import urllib.parse

from emca_client import (BY_REQUEST_ID, CREATE, GET_CERT, REVOKE, aes_encrypt, decode_result, emca_client,
                         payload_of, py_csr, signer)
from enos_client import client, dev, py_csr as enos_csr
from foundry_client import BASE as FOUNDRY, generated
from harness import localca, localca_test

ORG, AK, SK, PK = "o-int", "ak-int", "sk-int-secret", "pk-int"
ACCOUNT, TOKEN, FOUNDRY_DEVICE = "441898714953", "tok-int", "dev-1"
EMCA_USER, EMCA_PW, EMCA_KEY = "u-int", "pw-int", os.urandom(32)
PKI_TOKEN = "pki-int-token"

ENOS_INTERNAL = "Internal error of certificate service."
EMCA_INTERNAL = "Internal server error"


class internal_errors(localca_test):
    def setUp(self):
        super().setUp()
        self.signer = signer(self.ossl, "int-signer")
        seed = {"enos": {"orgs": [{"orgId": ORG, "apps": [{"appKey": AK, "appSecret": SK}],
                                   "products": [{"productKey": PK, "biDirectionalAuth": True, "maxValidDay": 3650,
                                                 "devices": [{"deviceKey": f"d{i}", "assetId": f"a{i}"}
                                                             for i in range(4)]}]}]},
                "emca": {"users": [{"userName": EMCA_USER, "password": EMCA_PW, "emKey": "em-int",
                                    "aesKey": base64.b64encode(EMCA_KEY).decode(), "aesMode": "GCM",
                                    "allowedIps": ["127.0.0.1"], "signerCert": self.signer.cert_pem}],
                         "profiles": [{"profileId": "3", "authority": "RSA", "defaultValidity": "30:0:0:0",
                                       "maxValidity": "60:0:0:0"}]},
                "foundry": {"accounts": [{"accountId": ACCOUNT, "tokens": [TOKEN], "devices": [FOUNDRY_DEVICE]}]}}
        localca("seed", self.write_json("seed.json", seed), "--data-dir", self.data)
        config = {"foundry": {"keyPoolSize": 2}, "pki": {"token": PKI_TOKEN}}
        self.s = self.start(config=self.write_json("config.json", config))
        self.db = os.path.join(self.data, "localca.db")
        self.enos = client(self.s, AK, SK)
        self.enos.login()
        self.emca = emca_client(self.s, EMCA_USER, EMCA_PW, "em-int", EMCA_KEY, "GCM")

        # Something to read, renew, revoke and describe on every API.
        r = self.enos.apply(dev("a0", ORG), enos_csr("int-0")[0], issueAuthority="ECC")
        self.assertEqual(r.json["code"], 0, r)
        self.enos_sn = r.json["data"]["certSN"]
        body = self.emca.call(CREATE, self.emca_create_fields("int-ok"))
        self.assertEqual(body["status"], "Success", body)
        con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
        self.emca_request = str(con.execute("SELECT max(id) FROM issuance_items").fetchone()[0])
        con.close()
        self.emca_sn = decode_result(body["result"])["ID1"].serial_number
        status, _, data = self.foundry("GET", f"{FOUNDRY}/generate")
        self.assertEqual(status, 200, data)
        self.foundry_cert = generated(json.loads(data))
        status, _, data = self.foundry("POST", f"{FOUNDRY}/provision", {
            "arn": self.foundry_cert.arn, "certId": self.foundry_cert.id, "deviceId": FOUNDRY_DEVICE, "topics": ["t/0"]})
        self.assertEqual(status, 200, data)  # so that revoke reaches its write
        status, _, data = self.pki("POST", "/pki/v1/certificates", {"csr": self.ossl.csr("/CN=pki-int")[0]})
        self.assertEqual(status, 201, data)
        self.pki_sn = json.loads(data)["certSN"]

    # ---- the calls ------------------------------------------------------------------------------
    def emca_create_fields(self, app_id):
        content = payload_of([("ID1", py_csr(app_id))])
        return {"applicationId": app_id, "profileID": "3", "subscriberId": "s",
                "signature": self.signer.sign_b64(content)}

    def foundry(self, method, path, body=None):
        return self.s.request(method, path, json.dumps(body) if body is not None else None,
                              {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})

    def pki(self, method, path, body=None):
        return self.s.request(method, path, json.dumps(body) if body is not None else None,
                              {"Authorization": f"Bearer {PKI_TOKEN}", "Content-Type": "application/json"})

    def emca_raw(self, path, fields):
        inner = json.dumps({"userName": EMCA_USER, "password": EMCA_PW, **fields}).encode()
        body = {"requestData": base64.b64encode(aes_encrypt("GCM", EMCA_KEY, inner)).decode(), "userName": EMCA_USER}
        return self.s.request("POST", path, json.dumps(body), {"Content-Type": "application/json", "emKey": "em-int"})

    def calls(self, n):
        """Every endpoint: name -> (kind, writes, thunk returning (status, headers, body bytes)).
        `n` makes new names unique per round."""
        def enos(fn):
            def call():
                r = fn()
                return r.status, r.headers, r.raw
            return call

        def emca(path, fields):
            return lambda: self.emca_raw(path, fields)

        signed = lambda text: self.signer.sign_b64(text)
        cid = self.foundry_cert.id
        return {
            "pki healthz": ("health", False, lambda: self.s.request("GET", "/healthz")),
            "pki crl": ("pki", False, lambda: self.s.request("GET", "/enos/CA/crl/ECC")),
            "pki issue": ("pki", True, lambda: self.pki("POST", "/pki/v1/certificates",
                                                        {"csr": self.ossl.csr(f"/CN=pki-{n}")[0]})),
            "pki get": ("pki", False, lambda: self.pki("GET", f"/pki/v1/certificates/{self.pki_sn}")),
            "pki revoke": ("pki", True, lambda: self.pki("POST", f"/pki/v1/certificates/{self.pki_sn}/revoke",
                                                         {"reason": 1})),
            "enos token get": ("enos-token", False, enos(lambda: self.enos.get_token())),
            "enos token refresh": ("enos-token", False, enos(lambda: self.enos.refresh_token())),
            "enos apply": ("enos", True, enos(lambda: self.enos.apply(dev("a1", ORG), enos_csr(f"enos-{n}")[0], issueAuthority="ECC"))),
            "enos renew": ("enos", True, enos(lambda: self.enos.renew(dev("a0", ORG), self.enos_sn))),
            "enos revoke": ("enos", True, enos(lambda: self.enos.revoke(dev("a0", ORG), self.enos_sn))),
            "enos list": ("enos", False, enos(lambda: self.enos.list(dev("a0", ORG)))),
            "emca create": ("emca", True, emca(CREATE, self.emca_create_fields(f"emca-{n}"))),
            "emca by request id": ("emca", False, emca(BY_REQUEST_ID, {"signature": signed(self.emca_request)})),
            "emca get certificate": ("emca", False, emca(GET_CERT, {"signature": signed(str(self.emca_sn))})),
            "emca revoke": ("emca", True, emca(REVOKE, {"revokeMode": "1", "remarks": "r",
                                                        "signature": signed(str(self.emca_sn))})),
            "foundry generate": ("foundry", True, lambda: self.foundry("GET", f"{FOUNDRY}/generate")),
            "foundry provision": ("foundry", True, lambda: self.foundry("POST", f"{FOUNDRY}/provision", {
                "arn": self.foundry_cert.arn, "certId": cid, "deviceId": FOUNDRY_DEVICE, "topics": ["t/1"]})),
            "foundry revoke": ("foundry", True, lambda: self.foundry(
                "DELETE", f"{FOUNDRY}/revoke?" + urllib.parse.urlencode({"certId": cid, "deviceId": FOUNDRY_DEVICE}))),
            "foundry describe": ("foundry", False, lambda: self.foundry("GET", f"{FOUNDRY}/{cid}")),
        }

    # ---- each API's internal error --------------------------------------------------------------
    def assert_internal(self, name, kind, status, headers, data):
        body = json.loads(data)
        rid = headers.get("X-Request-Id")
        self.assertTrue(rid, (name, headers))
        if kind == "health":
            # Not an internal error: the node says its database is unavailable (a load balancer
            # takes it out), naming the backend (issue 14).
            self.assertEqual((status, body), (503, {"status": "unavailable", "database": "sqlite"}), name)
        elif kind == "pki":
            self.assertEqual((status, body), (500, {"code": "internal", "message": "internal error", "detail": ""}), name)
        elif kind == "enos":
            self.assertEqual((status, body), (200, {"code": 99500, "msg": ENOS_INTERNAL, "requestId": rid,
                                                    "data": None}), name)
        elif kind == "enos-token":
            self.assertEqual((status, body), (200, {"status": 1005, "msg": "internal error",
                                                    "business": "apim-token-service", "data": None}), name)
        elif kind == "emca":
            self.assertEqual((status, body), (200, {"status": "Failure", "result": EMCA_INTERNAL,
                                                    "subscriberId": None, "requestId": None}), name)
        elif kind == "foundry":
            self.assertEqual((status, body), (500, {"success": False, "message": "internal error"}), name)
        else:
            self.fail(kind)
        return rid

    def assert_success(self, name, kind, status, data):
        if kind in ("pki", "health"):
            self.assertEqual(status, 200, (name, data))
            return
        body = json.loads(data)
        if kind == "enos":
            self.assertEqual((status, body["code"]), (200, 0), (name, body))
        elif kind == "enos-token":
            self.assertEqual((status, body["status"]), (200, 0), (name, body))
        elif kind == "emca":
            self.assertEqual((status, body["status"]), (200, "Success"), (name, body))
        elif kind == "foundry":
            self.assertEqual(status, 200, (name, body))
            self.assertTrue(body["success"], (name, body))

    def assert_logged_once(self, rids):
        # The server's output is a regular file, so it could not be written while RLIMIT_FSIZE was
        # 1 byte; only the read phase checks the log.
        out = self.s.output()
        for name, rid in rids.items():
            lines = [l for l in out.splitlines() if f"request {rid} " in l]
            self.assertEqual(len(lines), 1, (name, rid, lines))
            self.assertIn("failed: ", lines[0], name)

    # ---- the database as it stands --------------------------------------------------------------
    def snapshot(self):
        con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True)
        try:
            q = lambda sql: con.execute(sql).fetchall()
            return {"certificates": q("SELECT sn, status FROM certificates ORDER BY sn"),
                    "audit": q("SELECT id, hash FROM audit ORDER BY id"),
                    "requests": q("SELECT application_id FROM issuance_requests ORDER BY 1"),
                    "items": q("SELECT id, status FROM issuance_items ORDER BY 1"),
                    "managed": q("SELECT sn, active, device FROM managed_certificates ORDER BY 1"),
                    "topics": q("SELECT * FROM managed_certificate_topics ORDER BY 1, 2"),
                    "crls": q("SELECT name, crl_number FROM authorities ORDER BY 1"),
                    "integrity": q("PRAGMA integrity_check")}
        finally:
            con.close()

    def prlimit(self, soft):
        subprocess.run(["prlimit", "--pid", str(self.s.proc.pid), f"--fsize={soft}:unlimited"], check=True)

    def test_every_endpoint_answers_its_own_internal_error(self):
        # Writes fail.
        before = self.snapshot()
        self.assertEqual(before["integrity"], [("ok",)])
        self.prlimit(1)
        for name, (kind, writes, call) in self.calls(1).items():
            status, headers, data = call()
            if writes:
                self.assert_internal(name, kind, status, headers, data)
            else:
                self.assert_success(name, kind, status, data)
            self.assertIsNone(self.s.proc.poll(), f"the server died at {name}")
        self.prlimit("unlimited")
        after = self.snapshot()
        self.assertEqual(after, before, "a failed write left something behind")

        # Reads fail too: garbage for a database, an empty WAL and a zeroed WAL index.
        size = os.path.getsize(self.db)
        with open(self.db, "r+b") as f:
            f.write(os.urandom(size))
        with open(self.db + "-wal", "r+b") as f:
            f.truncate(0)
        shm = self.db + "-shm"
        with open(shm, "r+b") as f:
            f.write(bytes(os.path.getsize(shm)))
        rids = {}
        for name, (kind, _, call) in self.calls(2).items():
            status, headers, data = call()
            rid = self.assert_internal(name, kind, status, headers, data)
            if kind != "health":
                rids[name] = rid
            self.assertIsNone(self.s.proc.poll(), f"the server died at {name}")
        # The roots are in memory: still served.
        status, _, data = self.s.request("GET", "/enos/CA/cacert/RSA")
        self.assertEqual(status, 200)
        self.assertIn(b"BEGIN CERTIFICATE", data)
        time.sleep(0.2)  # the access log line of the last call
        self.assert_logged_once(rids)
        self.assertIsNone(self.s.proc.poll(), "the server died")
        # It still stops in order: the exit status says that its last write (the "stop" audit
        # entry) failed, not a signal.
        self.assertEqual(self.s.stop(), 1, self.s.output()[-3000:])


if __name__ == "__main__":
    unittest.main(verbosity=2)
