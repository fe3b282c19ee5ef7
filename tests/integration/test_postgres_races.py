"""Races between LocalCA nodes on one PostgreSQL (issue 14, items 3 and 4), against a real
throw-away cluster (tests/support/pg_cluster.py) and three real `localca serve` nodes on one
database, one cluster for the whole file:

- EnOS: nodes racing to give one CN (or one public key) to different devices: exactly one wins,
  the others get EnOS's own error, the database holds one certificate;
- emCA: the same create call on every node at once: one request stored, every answer the same;
- Foundry: provision on one node while revoking on another, double provision, double revoke;
- EnOS: a token from node A works on node B; a revocation answered by A is in B's CRL and B's
  OCSP answer;
- a PostgreSQL restart: every request after it succeeds (no stale-connection 500s);
- one audit chain over every node's entries, which `localca audit verify` accepts.

The tests run in the order of their names; the last one checks the audit chain they all wrote."""
import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
import pg_cluster  # noqa: E402

import emca_client  # noqa: E402
import enos_client  # noqa: E402
import foundry_client  # noqa: E402
from harness import localca, openssl_tools, server  # noqa: E402

TOKEN = "pg-race-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PASSPHRASE = "pg-race-passphrase"
ROUNDS = 8
WORKERS = 3  # per node: the restart test sends enough requests to reach every worker


def race(calls):
    """Runs every call on its own thread, released together; returns their results in order
    (an exception is returned, not raised)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        try:
            results[i] = call()
        except Exception as e:  # noqa: BLE001 - reported by the caller's assertion
            results[i] = e

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


class postgres_race_tests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.environ["LOCALCA_CA_PASSPHRASE"] = PASSPHRASE
        cls.pg = pg_cluster.cluster().__enter__()
        cls.tmp = tempfile.mkdtemp(prefix="localca-pgraces-")
        cls.nodes = []
        try:
            cls.set_up_nodes()
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def set_up_nodes(cls):
        cls.ossl = openssl_tools(cls.tmp)
        cls.cfg = os.path.join(cls.tmp, "config.json")
        with open(cls.cfg, "w") as f:
            json.dump({"pki": {"token": TOKEN}, "workerThreads": WORKERS,
                       "foundry": {"keyPoolSize": 2},
                       "storage": {"backend": "postgres",
                                   "postgres": {"url": cls.pg.url, "statementTimeoutMs": 5000}}}, f)
        cls.emca_signer = emca_client.signer(cls.ossl, "race-signer")
        cls.emca_key = emca_client.gen_aes_key()
        seed = enos_client.seed_doc()
        seed.update(foundry_client.seed_doc())
        seed["emca"] = {
            "users": [{"userName": "racer", "password": "pw-racer", "emKey": "key-racer",
                       "aesKey": base64.b64encode(cls.emca_key).decode(), "aesMode": "ECB",
                       "allowedIps": ["127.0.0.1"], "signerCert": cls.emca_signer.cert_pem}],
            "profiles": [{"profileId": "4", "authority": "ECC", "keyTypes": ["P-256"],
                          "defaultValidity": "30:0:0:0", "maxValidity": "90:0:0:0",
                          "requiredSubject": ["CN"], "keyUsage": ["digitalSignature"],
                          "extendedKeyUsage": ["clientAuth"]}]}
        seed_path = os.path.join(cls.tmp, "seed.json")
        with open(seed_path, "w") as f:
            json.dump(seed, f)
        first = os.path.join(cls.tmp, "node-a", "data")
        localca("init", "--data-dir", first, "--config", cls.cfg)
        localca("seed", seed_path, "--data-dir", first, "--config", cls.cfg)
        # The other nodes start on empty data dirs: keys and state come from the database.
        for name in ("node-a", "node-b", "node-c"):
            os.makedirs(os.path.join(cls.tmp, name), exist_ok=True)
            cls.nodes.append(server(os.path.join(cls.tmp, name, "data"), config=cls.cfg))
        # Serials each node answered (whatever the API), for the audit check at the end.
        cls.answered = {i: set() for i in range(len(cls.nodes))}

    @classmethod
    def tearDownClass(cls):
        for s in cls.nodes:
            s.stop(signal.SIGKILL)
            s.log.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)
        cls.pg.__exit__(None, None, None)

    # ---- helpers ---------------------------------------------------------------------------------
    def psql(self, sql):
        p = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", self.pg.url,
                            "-c", sql], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout.strip()

    def count(self, sql):
        return int(self.psql(sql))

    def note(self, node, sn):
        self.answered[self.nodes.index(node)].add(int(sn))

    def enos(self, node):
        c = enos_client.client(node, enos_client.AK1, enos_client.SK1)
        c.login()
        return c

    def enos_ok(self, r):
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["code"], r.json["msg"]), (0, "OK"), r)
        return r.json["data"]

    def foundry_call(self, node, method, path, body=None):
        headers = {"Authorization": f"Bearer {foundry_client.TOKEN_A}"}
        if body is not None:
            body = json.dumps(body)
            headers["Content-Type"] = "application/json"
        status, _, data = node.request(method, path, body, headers)
        return status, json.loads(data)

    def foundry_generate(self, node, topics=None):
        q = foundry_client.topics_query(topics) if topics else ""
        status, body = self.foundry_call(node, "GET", f"{foundry_client.BASE}/generate{q}")
        self.assertEqual(status, 200, body)
        g = foundry_client.generated(body)
        self.note(node, g.cert.serial_number)
        return g

    def foundry_provisioned(self, node, device, topics):
        g = self.foundry_generate(node)
        self.assertEqual(self.foundry_provision(node, g, device, topics), (200, {"success": True}))
        return g

    def foundry_provision(self, node, g, device, topics):
        return self.foundry_call(node, "POST", f"{foundry_client.BASE}/provision",
                                 {"arn": g.arn, "certId": g.id, "deviceId": device,
                                  "topics": topics})

    def foundry_revoke(self, node, g, device):
        q = urllib.parse.urlencode({"certId": g.id, "deviceId": device})
        return self.foundry_call(node, "DELETE", f"{foundry_client.BASE}/revoke?{q}")

    def foundry_state(self, node, g):
        status, body = self.foundry_call(node, "GET", f"{foundry_client.BASE}/{g.id}")
        self.assertEqual(status, 200, body)
        return body

    def crl_serials(self, node, authority):
        status, _, der = node.request("GET", f"/enos/CA/crl/{authority}")
        self.assertEqual(status, 200, der)
        return [r.serial_number for r in x509.load_der_x509_crl(der)]

    def ocsp_status(self, node, cert_pem, authority):
        status, _, root = node.request("GET", f"/enos/CA/cacert/{authority}")
        self.assertEqual(status, 200)
        req = ocsp.OCSPRequestBuilder().add_certificate(
            x509.load_pem_x509_certificate(cert_pem.encode()),
            x509.load_pem_x509_certificate(root), hashes.SHA1()).build()
        status, _, body = node.request("POST", "/ocsp", req.public_bytes(serialization.Encoding.DER),
                                       {"Content-Type": "application/ocsp-request"})
        self.assertEqual(status, 200)
        resp = ocsp.load_der_ocsp_response(body)
        self.assertEqual(resp.response_status, ocsp.OCSPResponseStatus.SUCCESSFUL)
        return resp.certificate_status

    # ---- 1. EnOS: one CN, one key, several devices ----------------------------------------------
    def test_1_enos_nodes_racing_for_one_cn_one_wins(self):
        clients = [self.enos(n) for n in self.nodes]
        for r in range(ROUNDS):
            cn = f"race-cn-{r}"
            # Three devices, one per node, each with its own key, the same CN.
            devices = [enos_client.dev(f"asset-c{(3 * r + i) % enos_client.CONCURRENT:02d}")
                       for i in range(len(self.nodes))]
            csrs = [enos_client.py_csr(cn)[0] for _ in self.nodes]
            answers = race([lambda c=c, d=d, csr=csr: c.apply(d, csr, issueAuthority="ECC")
                            for c, d, csr in zip(clients, devices, csrs)])
            won = [i for i, a in enumerate(answers) if a.status == 200 and a.json["code"] == 0]
            self.assertEqual(len(won), 1, answers)
            sn = answers[won[0]].json["data"]["certSN"]
            for i, a in enumerate(answers):
                if i in won:
                    continue
                self.assertEqual((a.status, a.json["code"], a.json["data"]), (200, 99400, None), a)
                self.assertTrue(a.json["msg"].startswith(enos_client.PFX_DUPLICATE), a)
                # Refused because of the winner's certificate, which the loser's node read from
                # the database the winner's node wrote.
                self.assertIn(f"live certificate {sn} ", a.json["msg"])
            self.note(self.nodes[won[0]], sn)
            self.assertEqual(self.psql(f"SELECT sn FROM certificates WHERE subject_cn = '{cn}'"), sn)

    def test_1_enos_nodes_racing_for_one_key_one_wins(self):
        clients = [self.enos(n) for n in self.nodes]
        for r in range(ROUNDS):
            _, key = enos_client.py_csr("unused")
            cns = [f"race-key-{r}-{i}" for i in range(len(self.nodes))]
            devices = [enos_client.dev(f"asset-c{(3 * r + i + 1) % enos_client.CONCURRENT:02d}")
                       for i in range(len(self.nodes))]
            csrs = [enos_client.py_csr(cn, key=key)[0] for cn in cns]
            answers = race([lambda c=c, d=d, csr=csr: c.apply(d, csr, issueAuthority="ECC")
                            for c, d, csr in zip(clients, devices, csrs)])
            won = [i for i, a in enumerate(answers) if a.status == 200 and a.json["code"] == 0]
            self.assertEqual(len(won), 1, answers)
            for i, a in enumerate(answers):
                if i not in won:
                    self.assertEqual((a.status, a.json["code"], a.json["msg"], a.json["data"]),
                                     (200, 11833, enos_client.MSG_KEY_BOUND, None), a)
            sn = answers[won[0]].json["data"]["certSN"]
            self.note(self.nodes[won[0]], sn)
            spki = enos_client.spki(key).hex()
            self.assertEqual(self.psql("SELECT string_agg(sn::text, ',') FROM certificates "
                                       f"WHERE spki_sha256 = sha256('\\x{spki}'::bytea)"), sn)

    # ---- 2. emCA: one (user, applicationId), every node at once ---------------------------------
    def test_2_emca_same_application_id_on_every_node_one_request(self):
        clients = [emca_client.emca_client(n, "racer", "pw-racer", "key-racer", self.emca_key)
                   for n in self.nodes]
        for r in range(ROUNDS):
            app = f"race-app-{r}"
            # Even rounds: the same call everywhere (a client retrying on another node). Odd
            # rounds: each node's call carries its own CSR; the stored answer wins all the same.
            def body_for(cn):
                content = emca_client.payload_of([("ID1", emca_client.py_csr(cn, alg="ec"))])
                return {"applicationId": app, "profileID": "4", "subscriberId": f"sub-{r}",
                        "signature": self.emca_signer.sign_b64(content)}
            if r % 2 == 0:
                bodies = [body_for(f"emca-race-{r}")] * len(self.nodes)
            else:
                bodies = [body_for(f"emca-race-{r}-node-{i}") for i in range(len(self.nodes))]
            answers = race([lambda c=c, body=body: c.call(emca_client.CREATE, body)
                            for c, body in zip(clients, bodies)])
            for a in answers:
                self.assertIsInstance(a, dict, answers)
                self.assertEqual(a["status"], "Success", a)
            # One commits, the others get its stored answer: the same certificate everywhere.
            self.assertEqual([a["result"] for a in answers], [answers[0]["result"]] * len(answers))
            cert = emca_client.decode_result(answers[0]["result"])["ID1"]
            self.assertEqual(self.count("SELECT count(*) FROM issuance_requests "
                                        f"WHERE application_id = '{app}'"), 1)
            self.assertEqual(self.psql("SELECT string_agg(sn::text, ',') FROM certificates "
                                       f"WHERE subject_cn = 'emca-race-{r}' "
                                       f"OR subject_cn LIKE 'emca-race-{r}-node-%'"),
                             str(cert.serial_number))
            for serials in self.answered.values():
                serials.add(cert.serial_number)  # every node answered it

    # ---- 3. Foundry: provision and revoke from different nodes ----------------------------------
    def test_3_foundry_double_provision_one_device_wins(self):
        a, b = self.nodes[0], self.nodes[1]
        devices = foundry_client.DEVICES_A[:2]
        for r in range(ROUNDS):
            g = self.foundry_generate(self.nodes[r % 3])
            answers = race([lambda n=n, d=d: self.foundry_provision(n, g, d, [f"race/{r}/#"])
                            for n, d in ((a, devices[0]), (b, devices[1]))])
            won = [i for i, (status, _) in enumerate(answers) if status == 200]
            self.assertEqual(len(won), 1, answers)
            status, body = answers[1 - won[0]]
            self.assertEqual(status, 409, body)
            self.assertEqual(body, {"success": False, "message":
                                    f"certificate provisioned to another device: certificate "
                                    f"{g.id} is provisioned to device {devices[won[0]]}"})
            state = self.foundry_state(self.nodes[2], g)
            self.assertEqual((state["status"], state["deviceId"]), ("ACTIVE", devices[won[0]]))
        # The same device from two nodes: both succeed (the second only replaces the policy).
        g = self.foundry_generate(a)
        answers = race([lambda n=n: self.foundry_provision(n, g, devices[0], ["same/#"])
                        for n in (a, b)])
        self.assertEqual([s for s, _ in answers], [200, 200], answers)

    def test_3_foundry_provision_while_revoking_never_leaves_a_revoked_certificate_active(self):
        a, b, c = self.nodes
        device = foundry_client.DEVICES_A[0]
        for r in range(ROUNDS):
            g = self.foundry_provisioned(c, device, ["before/#"])
            provision, revoke = race([lambda: self.foundry_provision(a, g, device, ["after/#"]),
                                      lambda: self.foundry_revoke(b, g, device)])
            self.assertEqual(revoke, (200, {"success": True}))
            # Provisioned before the revocation committed, or refused after it: never in between.
            self.assertIn(provision[0], (200, 409), provision)
            if provision[0] == 409:
                self.assertTrue(provision[1]["message"].startswith("certificate revoked: "),
                                provision)
            state = self.foundry_state(c, g)
            self.assertEqual((state["status"], state["deviceId"], state["topics"]),
                             ("REVOKED", None, []), state)
            self.assertEqual(self.count(f"SELECT count(*) FROM managed_certificates m JOIN "
                                        f"certificates c USING (sn) WHERE m.cert_id = '{g.id}' "
                                        "AND (m.active = 1 OR c.status <> 1)"), 0)
            serial = g.cert.serial_number
            for node in self.nodes:
                self.assertEqual(self.crl_serials(node, "RSA").count(serial), 1)

    def test_3_foundry_double_revoke_one_wins(self):
        a, b, c = self.nodes
        device = foundry_client.DEVICES_A[1]
        for r in range(ROUNDS):
            g = self.foundry_provisioned(c, device, ["x/#"])
            answers = race([lambda n=n: self.foundry_revoke(n, g, device) for n in (a, b)])
            self.assertEqual(sorted(s for s, _ in answers), [200, 409], answers)
            refused = [body for s, body in answers if s == 409][0]
            self.assertEqual(refused["message"],
                             f"already revoked: certificate {g.id} is already revoked")
            self.assertEqual(self.crl_serials(c, "RSA").count(g.cert.serial_number), 1)

    # ---- 4. EnOS: tokens and revocations across nodes -------------------------------------------
    def test_4_enos_token_from_one_node_works_on_another(self):
        a, b, c = self.nodes
        from_a = self.enos(a)
        on_b = enos_client.client(b, enos_client.AK1, enos_client.SK1)
        on_b.access_token = from_a.access_token
        data = self.enos_ok(on_b.apply(enos_client.dev("asset4"),
                                       enos_client.py_csr("token-across")[0], issueAuthority="ECC"))
        self.note(b, data["certSN"])
        self.assertEqual(self.psql("SELECT sn FROM certificates WHERE subject_cn = 'token-across'"),
                         data["certSN"])
        # A token refreshed on C works on A too.
        on_c = enos_client.client(c, enos_client.AK1, enos_client.SK1)
        r = on_c.refresh_token(access_token=from_a.access_token)
        self.assertEqual((r.status, r.json.get("status")), (200, 0), r)
        from_a.access_token = r.json["data"]["accessToken"]
        self.enos_ok(from_a.list(enos_client.dev("asset4")))

    def test_4_enos_revocation_on_a_is_in_crl_and_ocsp_of_b(self):
        a, b, _ = self.nodes
        ca, cb = self.enos(a), self.enos(b)
        device = enos_client.dev("asset5")
        for authority, alg in (("ECC", "p256"), ("RSA", "rsa")):
            data = self.enos_ok(ca.apply(device, enos_client.py_csr(f"revoked-{authority}", alg)[0],
                                         issueAuthority=authority))
            self.note(a, data["certSN"])
            sn = int(data["certSN"])
            # B has served both before the revocation (any cache of B's is warm with "good").
            self.assertNotIn(sn, self.crl_serials(b, authority))
            self.assertEqual(self.ocsp_status(b, data["cert"], authority), ocsp.OCSPCertStatus.GOOD)
            self.enos_ok(ca.revoke(device, data["certSN"], reason=1))
            # Fetched after A's answer: B's CRL lists it and B's OCSP says revoked.
            self.assertIn(sn, self.crl_serials(b, authority))
            self.assertEqual(self.ocsp_status(b, data["cert"], authority),
                             ocsp.OCSPCertStatus.REVOKED)
            listed = {e["certSN"]: e for e in self.enos_ok(cb.list(device))}
            self.assertEqual(listed[data["certSN"]]["certStatus"], 1, listed)

    # ---- 6. a PostgreSQL restart under running nodes --------------------------------------------
    def test_6_every_request_after_a_postgres_restart_succeeds(self):
        # "fast": the server tells each session it ends (57P01); "immediate": it just goes (crash
        # recovery at start). The first round meets statements never prepared on the stale
        # connections (the CRL's, emCA's...), the second statements prepared before the restart.
        for mode in ("fast", "immediate"):
            with self.subTest(mode=mode):
                self.requests_after_restart(mode)

    def requests_after_restart(self, mode):
        clients = [self.enos(n) for n in self.nodes]
        emca = [emca_client.emca_client(n, "racer", "pw-racer", "key-racer", self.emca_key)
                for n in self.nodes]
        known = self.psql("SELECT max(sn) FROM certificates")
        # Every worker of every node has used its connections before the restart.
        for node in self.nodes:
            answers = race([lambda n=node: n.request("GET", f"/pki/v1/certificates/{known}",
                                                     None, AUTH)[0]] * (2 * WORKERS))
            self.assertEqual(answers, [200] * (2 * WORKERS))
        subprocess.run(self.pg.pg_ctl("restart", "-m", mode), check=True)
        # Reads, writes (the writer's transaction) and the workers' own checks, on each node
        # concurrently, enough of them that every worker meets its stale connection.
        calls = []
        for i, node in enumerate(self.nodes):
            calls.append(lambda n=node: ("healthz", n.request("GET", "/healthz")[0], None))
            for k in range(2 * WORKERS):
                calls.append(lambda n=node: ("read", n.request(
                    "GET", f"/pki/v1/certificates/{known}", None, AUTH)[0], None))
                calls.append(lambda n=node: ("crl", n.request("GET", "/enos/CA/crl/ECC")[0], None))
                csr = self.ossl.csr(f"/CN=after-{mode}-restart-{i}-{k}", alg="p256")[0]
                calls.append(lambda n=node, csr=csr: ("issue", *n.json(
                    "POST", "/pki/v1/certificates", {"csr": csr, "authority": "ECC",
                                                     "validDays": 30}, AUTH), n))
            calls.append(lambda c=clients[i], i=i: ("enos", *self.enos_answer(c.apply(
                enos_client.dev(f"asset-c{i:02d}"),
                enos_client.py_csr(f"enos-after-{mode}-restart-{i}")[0], issueAuthority="ECC"))))
            calls.append(lambda n=node: ("foundry",) + self.foundry_call(
                n, "GET", f"{foundry_client.BASE}/generate"))
            content = emca_client.payload_of(
                [("ID1", emca_client.py_csr(f"emca-after-{mode}-restart-{i}", alg="ec"))])
            body = {"applicationId": f"after-{mode}-restart-{i}", "profileID": "4",
                    "subscriberId": "s", "signature": self.emca_signer.sign_b64(content)}
            calls.append(lambda c=emca[i], body=body: ("emca", *self.emca_answer(c, body)))
        answers = race(calls)
        failed = [a for a in answers if not isinstance(a, tuple) or a[1] not in (200, 201)]
        self.assertEqual(failed, [], self.log_news())
        issued = [(a[3], a[2]) for a in answers if a[0] == "issue"]
        for node, body in issued:
            self.note(node, body["certSN"])
            self.assertEqual(self.stored_der(body["certSN"]),
                             x509.load_pem_x509_certificate(body["cert"].encode())
                             .public_bytes(serialization.Encoding.DER))
        self.assertEqual(self.count("SELECT count(*) FROM certificates "
                                    f"WHERE subject_cn LIKE 'after-{mode}-restart-%'"),
                         len(issued))

    def stored_der(self, sn):
        return bytes.fromhex(self.psql(f"SELECT encode(der, 'hex') FROM certificates WHERE sn = {sn}"))

    def emca_answer(self, c, body):
        a = c.call(emca_client.CREATE, body)
        return (200 if a["status"] == "Success" else 0), a

    def log_news(self):
        """The nodes' log lines other than successful requests: what to read when a test fails."""
        lines = []
        for i, node in enumerate(self.nodes):
            lines += [f"node {i}: {line}" for line in node.output().splitlines()
                      if not any(f'"status":{s},' in line for s in (200, 201))]
        return "\n".join(lines[-60:])

    def enos_answer(self, r):
        """(HTTP status, data) of an EnOS answer; an EnOS error counts as a failure (status 0)."""
        if r.status == 200 and r.json and r.json.get("code") == 0:
            return 200, r.json["data"]
        return 0, r

    # ---- 7. one audit chain ---------------------------------------------------------------------
    def test_7_one_audit_chain_holds_every_nodes_entries(self):
        for i, serials in self.answered.items():
            self.assertTrue(serials, f"node {i} answered nothing in this file's tests")
            audited = self.count("SELECT count(DISTINCT cert_sn) FROM audit WHERE cert_sn IN ("
                                 + ",".join(str(s) for s in serials) + ")")
            self.assertEqual(audited, len(serials), f"node {i}")
        entries = self.count("SELECT count(*) FROM audit")
        # From a fourth data dir, as an operator on another host would run it.
        verify = localca("audit", "verify", "--data-dir", os.path.join(self.tmp, "cli", "data"),
                         "--config", self.cfg)
        self.assertIn("audit log ok", verify.stdout)
        self.assertIn(f"{entries} entries verified", verify.stdout)


if __name__ == "__main__":
    unittest.main()
