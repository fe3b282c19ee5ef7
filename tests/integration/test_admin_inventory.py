"""The operator API /admin/v1 (issue 16): certificates issued through the real /pki/v1 API, then
every filter and combinations checked against expectations computed from what this test issued,
keyset pagination under concurrent issuance, roles, bad parameters, export formats, details,
stats and audit search. Answers are validated against schemas/admin-api.openapi.json."""
import csv
import io
import json
import os
import sqlite3
import threading
import time
import unittest
from datetime import datetime, timezone

import jsonschema
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes

from emca_client import decode_result, emca_test, py_csr
from enos_client import O1, O2, devpk, enos_test
from enos_client import py_csr as enos_csr
import harness
from harness import localca, localca_test

SOURCE = os.environ.get("LOCALCA_SOURCE_DIR") or os.path.join(os.path.dirname(__file__), "..", "..")
with open(os.path.join(SOURCE, "schemas", "admin-api.openapi.json")) as f:
    OPENAPI = json.load(f)


def validate(obj, schema_name):
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": OPENAPI["components"]}
    jsonschema.Draft202012Validator(schema).validate(obj)


def csr_pem(cn, alg):
    key = rsa.generate_private_key(65537, 2048) if alg == "RSA" else ec.generate_private_key(ec.SECP256R1())
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
           .sign(key, hashes.SHA256()))
    return csr.public_bytes(serialization.Encoding.PEM).decode()


def ts(epoch):
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class admin_tests(localca_test):
    PKI = "pki-secret"

    def setUp(self):
        super().setUp()
        cfg = self.write_json("c.json", {"pki": {"token": self.PKI}})
        localca("init", "--data-dir", self.data)
        self.viewer = localca("admin", "token", "create", "--name", "v", "--role", "viewer",
                              "--data-dir", self.data).stdout.strip()
        self.operator = localca("admin", "token", "create", "--name", "op", "--role", "operator",
                                "--data-dir", self.data).stdout.strip()
        self.s = self.start(config=cfg)
        self.issued = {}  # certSN -> what we know of it

    def issue(self, cn, alg, days):
        st, body = self.s.json("POST", "/pki/v1/certificates",
                               {"csr": csr_pem(cn, alg), "authority": alg, "validDays": days},
                               {"Authorization": f"Bearer {self.PKI}"})
        self.assertEqual(st, 201, body)
        self.issued[body["certSN"]] = {"cn": cn, "authority": alg, "notAfter": body["notAfter"],
                                       "notBefore": body["notBefore"], "status": "valid"}
        return body["certSN"]

    def get(self, path, token=None):
        st, body = self.s.json("GET", path, headers={"Authorization": f"Bearer {token or self.viewer}"})
        return st, body

    def list_all(self, query, limit=3):
        """Follows nextCursor to the end; returns certSNs in order."""
        out, cursor = [], None
        while True:
            # The server's own certificates (OCSP responders, api=server) are not this test's.
            scoped = query if "api=" in query else (f"{query}&api=pki" if query else "api=pki")
            q = f"{scoped}&limit={limit}" + (f"&cursor={cursor}" if cursor else "")
            st, body = self.get(f"/admin/v1/certificates?{q}")
            self.assertEqual(st, 200, body)
            validate(body, "CertificatePage")
            out += [i["certSN"] for i in body["items"]]
            cursor = body["nextCursor"]
            if not cursor:
                return out

    def populate(self):
        for i in range(6):
            self.issue(f"alpha-{i}", "RSA" if i % 2 else "ECC", 10 + i)
        for i in range(4):
            self.issue(f"beta-{i}", "ECC", 400 + i)
        revoked = sorted(self.issued, key=int)[1::3]
        for sn in revoked:
            st, body = self.s.json("POST", f"/admin/v1/certificates/{sn}/revoke", {"reason": "keyCompromise"},
                                   {"Authorization": f"Bearer {self.operator}"})
            self.assertEqual(st, 200, body)
            validate(body, "Revoked")
            self.issued[sn]["status"] = "revoked"

    def test_filters_and_combinations(self):
        self.populate()
        every = sorted(self.issued, key=int)
        mid = sorted(v["notAfter"] for v in self.issued.values())[5]
        cases = {
            "": lambda c: True,
            "authority=RSA": lambda c: c["authority"] == "RSA",
            "authority=ECC": lambda c: c["authority"] == "ECC",
            "status=revoked": lambda c: c["status"] == "revoked",
            "status=valid": lambda c: c["status"] == "valid",
            "status=expired": lambda c: False,
            "api=pki": lambda c: True,
            "api=enos": lambda c: False,
            "profile=device": lambda c: True,
            "cn=alpha": lambda c: c["cn"].startswith("alpha"),
            "cn=beta-2": lambda c: c["cn"] == "beta-2",
            f"expiresBefore={ts(mid)}": lambda c: c["notAfter"] < mid,
            f"expiresAfter={ts(mid)}": lambda c: c["notAfter"] > mid,
            f"issuedAfter={ts(0)}": lambda c: True,
            f"issuedBefore={ts(0)}": lambda c: False,
            "authority=ECC&status=valid&cn=beta": lambda c: c["authority"] == "ECC" and c["status"] == "valid" and c["cn"].startswith("beta"),
            f"authority=RSA&expiresBefore={ts(mid)}": lambda c: c["authority"] == "RSA" and c["notAfter"] < mid,
            "status=revoked&cn=alpha": lambda c: c["status"] == "revoked" and c["cn"].startswith("alpha"),
        }
        for q, pred in cases.items():
            want = [sn for sn in every if pred(self.issued[sn])]
            self.assertEqual(self.list_all(q), want, q)
            self.assertEqual(self.list_all(q + "&sort=-issued"), want[::-1], q)
        # serial, owner filters with nothing of theirs, notAfter sort
        self.assertEqual(self.list_all(f"serial={every[3]}"), [every[3]])
        self.assertEqual(self.list_all("org=nobody"), [])
        self.assertEqual(self.list_all("user=nobody&authority=RSA"), [])
        by_na = sorted(every, key=lambda sn: (self.issued[sn]["notAfter"], int(sn)))
        self.assertEqual(self.list_all("sort=notAfter"), by_na)
        self.assertEqual(self.list_all("sort=-notAfter"), by_na[::-1])
        # items carry what was issued
        st, body = self.get("/admin/v1/certificates?limit=1000&api=pki")
        for item in body["items"]:
            mine = self.issued[item["certSN"]]
            self.assertEqual((item["cn"], item["authority"], item["status"], item["api"]),
                             (mine["cn"], mine["authority"], mine["status"], "pki"))
            self.assertEqual(item["reason"], "keyCompromise" if mine["status"] == "revoked" else None)

    def test_details_stats_audit(self):
        self.populate()
        sn = sorted(self.issued, key=int)[1]  # revoked
        st, d = self.get(f"/admin/v1/certificates/{sn}")
        self.assertEqual(st, 200, d)
        validate(d, "CertificateDetail")
        cert = x509.load_pem_x509_certificate(d["pem"].encode())
        self.assertEqual(d["sha256"], cert.fingerprint(hashes.SHA256()).hex())
        self.assertEqual(d["sha1"], cert.fingerprint(hashes.SHA1()).hex())
        self.assertEqual(d["keySize"], cert.public_key().key_size)
        self.assertEqual({e["oid"] for e in d["extensions"]}, {e.oid.dotted_string for e in cert.extensions})
        self.assertEqual(sorted(a["action"] for a in d["audit"]), ["issue", "revoke"])
        self.assertEqual(self.get("/admin/v1/certificates/999999")[0], 404)

        st, s = self.get("/admin/v1/stats")
        self.assertEqual(st, 200, s)
        validate(s, "Stats")
        counts = {(c["api"], c["authority"], c["status"]): c["count"] for c in s["counts"]
                  if c["api"] == "pki"}  # api=server: the OCSP responders' own certificates
        own = sum(c["count"] for c in s["counts"] if c["api"] == "server")
        want = {}
        for c in self.issued.values():
            k = ("pki", c["authority"], c["status"])
            want[k] = want.get(k, 0) + 1
        self.assertEqual(counts, want)
        self.assertEqual(sum(b["count"] for b in s["issuedPerDay"]), len(self.issued) + own)
        self.assertEqual(sum(b["count"] for b in s["expiringPerWeek"]),
                         sum(1 for c in self.issued.values() if c["status"] == "valid"
                             and c["notAfter"] <= s_now(s) + 12 * 7 * 86400) + own)

        st, a = self.get(f"/admin/v1/audit?action=revoke&limit=2")
        self.assertEqual(st, 200, a)
        validate(a, "AuditPage")
        self.assertTrue(a["chain"]["ok"])
        revokes, cursor = [x["certSN"] for x in a["items"]], a["nextCursor"]
        while cursor:
            a = self.get(f"/admin/v1/audit?action=revoke&limit=2&cursor={cursor}")[1]
            revokes += [x["certSN"] for x in a["items"]]
            cursor = a["nextCursor"]
        self.assertEqual(revokes, [sn for sn in sorted(self.issued, key=int) if self.issued[sn]["status"] == "revoked"])
        self.assertTrue(all(x["actor"] == "admin:op" for x in self.get("/admin/v1/audit?action=revoke")[1]["items"]))

    def test_export_formats(self):
        self.populate()
        st, hdrs, data = self.s.request("GET", "/admin/v1/certificates?format=csv&cn=alpha",
                                        headers={"Authorization": f"Bearer {self.viewer}"})
        self.assertEqual(st, 200)
        rows = list(csv.DictReader(io.StringIO(data.decode())))
        self.assertEqual([r["certSN"] for r in rows],
                         [sn for sn in sorted(self.issued, key=int) if self.issued[sn]["cn"].startswith("alpha")])
        st, hdrs, data = self.s.request("GET", "/admin/v1/certificates?format=ndjson&api=pki",
                                        headers={"Authorization": f"Bearer {self.viewer}"})
        items = [json.loads(line) for line in data.decode().splitlines()]
        for i in items:
            validate(i, "CertificateItem")
        self.assertEqual([i["certSN"] for i in items], sorted(self.issued, key=int))

    def test_one_api_in_not_after_order(self):
        """`api=X&sort=notAfter` (schemas/016): on SQLite a small api's rows are read from
        certificates_api and sorted, a large one's found by walking (not_after, api) in order; the
        api's size comes from certificate_counts, so inflating pki's count there makes this small
        database take the walk. Both shapes give the same order and pages that neither skip nor
        repeat, at every page size."""
        self.populate()
        every = sorted(self.issued, key=int)
        by_na = sorted(every, key=lambda sn: (self.issued[sn]["notAfter"], int(sn)))
        valid = [sn for sn in by_na if self.issued[sn]["status"] == "valid"]
        for shape in ("sorted", "walked"):
            if shape == "walked":
                sql = "UPDATE certificate_counts SET n = n + 100000 WHERE api = 'pki'"
                if harness.BACKEND == "postgres":
                    harness._psql(harness._pg["url"], sql)
                else:
                    with sqlite3.connect(os.path.join(self.data, "localca.db")) as con:
                        con.execute(sql)
            for limit in (1, 2, 3, 1000):
                self.assertEqual(self.list_all("api=pki&sort=notAfter", limit), by_na, (shape, limit))
                self.assertEqual(self.list_all("api=pki&sort=-notAfter", limit), by_na[::-1],
                                 (shape, limit))
            self.assertEqual(self.list_all("api=pki&status=valid&sort=notAfter", 2), valid, shape)
            self.assertEqual(self.list_all("api=pki&authority=RSA&sort=-notAfter", 2),
                             [sn for sn in by_na[::-1] if self.issued[sn]["authority"] == "RSA"], shape)
            self.assertEqual(self.list_all("api=enos&sort=notAfter"), [], shape)

    def test_pagination_under_concurrent_issuance(self):
        for i in range(12):
            self.issue(f"pre-{i}", "ECC", 30)
        before = set(self.issued)
        stop = threading.Event()

        def issuer():
            n = 0
            while not stop.is_set() and n < 30:
                self.issue(f"during-{n}", "ECC", 30)
                n += 1
        t = threading.Thread(target=issuer)
        t.start()
        try:
            for sort in ("issued", "-issued", "notAfter", "-notAfter"):
                seen = self.list_all(f"sort={sort}", limit=2)
                self.assertEqual(len(seen), len(set(seen)), f"repeat with sort={sort}")
                self.assertTrue(before <= set(seen), f"skip with sort={sort}")
        finally:
            stop.set()
            t.join()

    def test_whoami_names_the_token_and_its_role(self):
        for token, name, role in [(self.viewer, "v", "viewer"), (self.operator, "op", "operator")]:
            st, body = self.get("/admin/v1/whoami", token=token)
            self.assertEqual(st, 200, body)
            validate(body, "Whoami")
            self.assertEqual(body, {"name": name, "role": role})
        st, body = self.get("/admin/v1/whoami", token="lcadm_wrong")
        self.assertEqual(st, 401)
        validate(body, "Error")

    def test_roles_and_bad_parameters(self):
        sn = self.issue("roles", "ECC", 5)
        self.assertEqual(self.s.json("GET", "/admin/v1/certificates")[0], 401)
        st, body = self.get("/admin/v1/certificates", token="lcadm_wrong")
        self.assertEqual(st, 401)
        validate(body, "Error")
        st, body = self.s.json("POST", f"/admin/v1/certificates/{sn}/revoke", {"reason": 1},
                               {"Authorization": f"Bearer {self.viewer}"})
        self.assertEqual(st, 403)
        validate(body, "Error")
        st, body = self.s.json("POST", "/admin/v1/emca/requests/1/approve", {},
                               {"Authorization": f"Bearer {self.viewer}"})
        self.assertEqual(st, 403)
        # Refusals are audited asynchronously (the writer queue): wait for them.
        deadline = time.time() + 10
        while True:
            actors = {d["actor"] for d in self.get("/admin/v1/audit?action=auth&outcome=denied")[1]["items"]}
            if {"admin:v", "admin-token"} <= actors or time.time() > deadline:
                break
            time.sleep(0.1)
        self.assertIn("admin:v", actors)
        self.assertIn("admin-token", actors)
        for q, param in [("bogus=1", "bogus"), ("status=dead", "status"), ("api=x", "api"),
                         ("limit=1001", "limit"), ("limit=0", "limit"), ("cursor=zz", "cursor"),
                         ("sort=cn", "sort"), ("expiresBefore=yesterday", "expiresBefore"),
                         ("serial=-3", "serial"), ("authority=DSA", "authority"), ("format=xml", "format")]:
            st, body = self.get(f"/admin/v1/certificates?{q}")
            self.assertEqual((st, body.get("parameter")), (400, param), q)
            validate(body, "Error")
        # a cursor of another sort is refused
        self.issue("roles-2", "ECC", 5)
        cur = self.get("/admin/v1/certificates?limit=1")[1]["nextCursor"]
        self.assertEqual(self.get(f"/admin/v1/certificates?sort=notAfter&cursor={cur}")[1]["parameter"], "cursor")
        st, body = self.s.json("POST", f"/admin/v1/certificates/{sn}/revoke", {"reason": "nonsense"},
                               {"Authorization": f"Bearer {self.operator}"})
        self.assertEqual((st, body["parameter"]), (400, "reason"))
        # a revoked token stops working while the server runs
        localca("admin", "token", "revoke", "v", "--data-dir", self.data)
        self.assertEqual(self.get("/admin/v1/stats")[0], 401)
        listed = localca("admin", "token", "list", "--data-dir", self.data).stdout
        self.assertIn("op\toperator", listed)
        self.assertNotIn("\nv\t", listed)


class admin_emca_tests(emca_test):
    """emCA officer actions over HTTP and the emCA owner (user) in the inventory."""

    def admin(self, method, path, role="operator"):
        token = localca("admin", "token", "create", "--name", f"{role}-{self.app_id()}", "--role", role,
                        "--data-dir", self.data).stdout.strip()
        return self.srv.json(method, path, headers={"Authorization": f"Bearer {token}"})

    def test_approve_reject_over_http_and_user_filter(self):
        body = self.create(self.c1, "s1", [("A", py_csr("officer-a")), ("B", py_csr("officer-b"))], profile="9")
        ids = dict(e.split("|") for e in body["requestId"].split("~"))
        st, pending = self.admin("GET", "/admin/v1/emca/pending", role="viewer")
        self.assertEqual(st, 200, pending)
        validate(pending, "EmcaPending")
        self.assertLessEqual({int(ids["A"]), int(ids["B"])}, {p["requestId"] for p in pending["items"]})
        self.assertEqual(self.admin("POST", f"/admin/v1/emca/requests/{ids['A']}/approve", role="viewer")[0], 403)
        st, d = self.admin("POST", f"/admin/v1/emca/requests/{ids['A']}/approve")
        self.assertEqual(st, 200, d)
        validate(d, "Decision")
        st, r = self.admin("POST", f"/admin/v1/emca/requests/{ids['B']}/reject")
        self.assertEqual((st, r["status"]), (200, "rejected"))
        self.assertEqual(self.admin("POST", f"/admin/v1/emca/requests/{ids['B']}/approve")[0], 404)
        st, pending = self.admin("GET", "/admin/v1/emca/pending", role="viewer")
        self.assertFalse({int(ids["A"]), int(ids["B"])} & {p["requestId"] for p in pending["items"]})

        # Issued directly for app2 as well: the user filter separates them.
        body = self.create(self.c2, "s2", [("C", py_csr("officer-c", alg="ec"))], profile="4")
        c_sn = None
        st, page = self.admin("GET", "/admin/v1/certificates?api=emca&limit=1000", role="viewer")
        self.assertEqual(st, 200, page)
        validate(page, "CertificatePage")
        by_user = {}
        for item in page["items"]:
            self.assertEqual(item["api"], "emca")
            by_user.setdefault(item["owner"]["user"], []).append(item["certSN"])
        self.assertIn(d["certSN"], by_user["app1"])
        for user, sns in by_user.items():
            st, page = self.admin("GET", f"/admin/v1/certificates?user={user}&limit=1000", role="viewer")
            self.assertEqual([i["certSN"] for i in page["items"]], sns)
        self.assertEqual(len(by_user.get("app2", [])), 1)
        st, audit = self.admin("GET", f"/admin/v1/audit?certSN={d['certSN']}", role="viewer")
        self.assertEqual([a["action"] for a in audit["items"]], ["emca-approve"])
        self.assertTrue(audit["items"][0]["actor"].startswith("admin:operator-"))


class admin_enos_tests(enos_test):
    """EnOS owners (org/product/device) in the inventory, from certificates applied through EnOS."""

    def test_enos_owner_filters(self):
        mine = {}  # certSN -> (org, product, device)
        for org, client, pk, dk in [(O1, self.c1, "pk1", "dk1"), (O1, self.c1, "pk1", "dk2"),
                                    (O1, self.c1, "pk-many", "c01"), (O2, self.c2, "pk1", "dk1")]:
            r = client.apply(devpk(pk, dk, org), enos_csr(f"{org}-{dk}")[0], validDay=30, issueAuthority="ECC")
            self.assertEqual(r.status, 200, r)
            mine[str(r.json["data"]["certSN"])] = (org, pk, dk)
        token = localca("admin", "token", "create", "--name", "v", "--role", "viewer",
                        "--data-dir", self.data).stdout.strip()

        def listed(q):
            st, body = self.s.json("GET", f"/admin/v1/certificates?limit=1000&{q}",
                                   headers={"Authorization": f"Bearer {token}"})
            self.assertEqual(st, 200, body)
            validate(body, "CertificatePage")
            return body["items"]
        every = sorted(mine, key=int)
        items = listed("api=enos")
        self.assertEqual([i["certSN"] for i in items], every)
        for i in items:
            self.assertEqual(i["owner"], dict(zip(("org", "product", "device"), mine[i["certSN"]])))
        for q, pred in [(f"org={O1}", lambda o: o[0] == O1), (f"org={O2}", lambda o: o[0] == O2),
                        ("product=pk1", lambda o: o[1] == "pk1"), ("device=dk1", lambda o: o[2] == "dk1"),
                        (f"org={O1}&product=pk1&device=dk1", lambda o: o == (O1, "pk1", "dk1")),
                        (f"org={O2}&device=dk2", lambda o: False)]:
            self.assertEqual([i["certSN"] for i in listed(q)], [sn for sn in every if pred(mine[sn])], q)


def s_now(stats):
    return int(datetime.strptime(stats["now"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp())


if __name__ == "__main__":
    unittest.main()
