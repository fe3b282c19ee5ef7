"""The operator API's browse lists (issue 18, docs/admin-api.md "Browse"): a data dir seeded with
EnOS orgs, Foundry accounts and emCA users and profiles, certificates made by the real EnOS,
Foundry and emCA clients, then every list checked against the seed documents and what the clients
did: contents and order, keyset pages followed to the end, scopes (404 for an unknown parent),
filters, the viewer role, and bad parameters in the admin API's error format."""
import json
import os
import re
import unittest
import urllib.parse

import jsonschema

from emca_client import emca_test, py_csr
from enos_client import O1, O2, devpk
from enos_client import client as enos_client
from enos_client import py_csr as enos_csr
from enos_client import seed_doc as enos_seed
from foundry_client import ACCOUNT_A, ACCOUNT_B, DEVICES_A, DEVICES_B, REGION, TOKEN_A, generated, topics_query
from foundry_client import seed_doc as foundry_seed
from harness import localca, server

SOURCE = os.environ.get("LOCALCA_SOURCE_DIR") or os.path.join(os.path.dirname(__file__), "..", "..")
with open(os.path.join(SOURCE, "schemas", "admin-api.openapi.json")) as f:
    OPENAPI = json.load(f)


def page_schema(path):
    """The OpenAPI page schema of a browse list URL (its route template matched by segments)."""
    segments = urllib.parse.urlsplit(path).path.split("/")
    for route, item in OPENAPI["paths"].items():
        pattern = "^" + re.sub(r"\\{[^/]+\\}", "[^/]+", re.escape(route)) + "$"
        if re.match(pattern, "/".join(segments)):
            ref = item["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
            return {"$ref": ref, "components": OPENAPI["components"]}
    raise AssertionError(f"no OpenAPI route for {path}")


def restart_with_every_api(cls, config):
    """An emca_test class's data dir, stopped, seeded with the EnOS orgs and Foundry accounts of
    the other clients too, and served again with `config` (also used by tests/browser/)."""
    cls.srv.stop()
    cls.srv.log.close()
    for name, doc in (("enos.json", enos_seed()), ("foundry.json", foundry_seed())):
        path = os.path.join(cls.tmp, name)
        with open(path, "w") as f:
            json.dump(doc, f)
        localca("seed", path, "--data-dir", cls.data)
    cfg = os.path.join(cls.tmp, "every-api.json")
    with open(cfg, "w") as f:
        json.dump({"foundry": {"keyPoolSize": 2}, **config}, f)
    cls.srv = server(cls.data, config=cfg)


class browse_tests(emca_test):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()  # emCA users app1, app2, app3, far; profiles 3, 4, 9
        restart_with_every_api(cls, {})
        cls.c1 = cls.client("app1", "ECB")
        cls.viewer = localca("admin", "token", "create", "--name", "browse-viewer", "--role", "viewer",
                             "--data-dir", cls.data).stdout.strip()

    def get(self, path, token="viewer"):
        headers = {"Authorization": f"Bearer {self.viewer if token == 'viewer' else token}"} if token else {}
        return self.srv.json("GET", path, headers=headers)

    def walk(self, path, limit):
        """Every item of a list, following nextCursor; asserts each page holds at most `limit`."""
        items, cursor, pages = [], None, 0
        sep = "&" if "?" in path else "?"
        while True:
            url = f"{path}{sep}limit={limit}" + (f"&cursor={cursor}" if cursor else "")
            st, page = self.get(url)
            self.assertEqual(st, 200, page)
            self.assertEqual(set(page), {"items", "nextCursor"})
            jsonschema.Draft202012Validator(page_schema(path)).validate(page)
            self.assertLessEqual(len(page["items"]), limit)
            items += page["items"]
            pages += 1
            cursor = page["nextCursor"]
            if cursor is None:
                return items
            self.assertLess(pages, 100)

    def test_enos_orgs_products_devices(self):
        seed = {o["orgId"]: o for o in enos_seed()["enos"]["orgs"]}
        applied = {}  # (org, product, device) -> certSNs
        c1 = enos_client(self.srv, "ak-o1-0001", "sk-o1-secret-0001")
        c1.login()
        for pk, dk in (("pk1", "dk1"), ("pk1", "dk1"), ("pk1", "dk2")):
            r = c1.apply(devpk(pk, dk, O1), enos_csr(f"browse-{dk}-{len(applied)}-{os.getpid()}")[0], validDay=30, issueAuthority="ECC")
            self.assertEqual((r.status, r.json["code"]), (200, 0), r)
            applied.setdefault((O1, pk, dk), []).append(str(r.json["data"]["certSN"]))

        orgs = self.walk("/admin/v1/enos/orgs", 1)
        self.assertEqual([o["orgId"] for o in orgs], list(seed))
        for o in orgs:
            products = seed[o["orgId"]]["products"]
            self.assertEqual(o["products"], len(products))
            self.assertEqual(o["devices"], sum(len(p["devices"]) for p in products))

        for org, doc in seed.items():
            got = self.walk(f"/admin/v1/enos/orgs/{org}/products", 3)
            self.assertEqual([(p["productKey"], p["biDirectionalAuth"], p["maxValidDay"], p["devices"]) for p in got],
                             [(p["productKey"], p["biDirectionalAuth"], p["maxValidDay"], len(p["devices"]))
                              for p in doc["products"]])
            for p in doc["products"]:
                path = f"/admin/v1/enos/orgs/{org}/products/{urllib.parse.quote(p['productKey'])}/devices"
                devices = self.walk(path, 7)
                self.assertEqual([(d["deviceKey"], d["assetId"]) for d in devices],
                                 [(d["deviceKey"], d["assetId"]) for d in p["devices"]], path)
                for d in devices:
                    self.assertIs(d["disabled"], False)
                    mine = applied.get((org, p["productKey"], d["deviceKey"]), [])
                    self.assertEqual(d["certificates"], len(mine), d)
                    # The console's link from a device to its certificates: the inventory's filters.
                    st, inv = self.get(f"/admin/v1/certificates?org={org}&product={p['productKey']}"
                                       f"&device={d['deviceKey']}")
                    self.assertEqual([i["certSN"] for i in inv["items"]], mine)

        # An unknown parent is a 404, not an empty list.
        st, body = self.get("/admin/v1/enos/orgs/no-such-org/products")
        self.assertEqual((st, set(body)), (404, {"message"}))
        st, body = self.get(f"/admin/v1/enos/orgs/{O2}/products/pk-long/devices")
        self.assertEqual(st, 404, body)

    def test_foundry_accounts_devices_policies(self):
        def call(method, path, body=None):
            h = {"Authorization": f"Bearer {TOKEN_A}"}
            st, data = self.srv.json(method, path, body, h)
            self.assertEqual(st, 200, data)
            return data
        made = []
        for device, topics in ((DEVICES_A[0], ["sensors/a/#", "cmd/a/+"]), (DEVICES_A[0], ["only/one"]),
                               (DEVICES_A[1], ["status/b"])):
            g = generated(call("GET", "/foundry/certificates/generate" + topics_query(topics)))
            call("POST", "/foundry/certificates/provision",
                 {"arn": g.arn, "certId": g.id, "deviceId": device, "topics": topics})
            made.append((g, device, topics))
        unprovisioned = generated(call("GET", "/foundry/certificates/generate"))

        accounts = self.walk("/admin/v1/foundry/accounts", 1)
        self.assertEqual([(a["accountId"], a["region"], a["devices"]) for a in accounts],
                         [(ACCOUNT_A, REGION, len(DEVICES_A)), (ACCOUNT_B, REGION, len(DEVICES_B))])
        self.assertEqual(accounts[0]["certificates"], len(made) + 1)
        self.assertEqual(accounts[1]["certificates"], 0)

        devices = self.walk(f"/admin/v1/foundry/accounts/{ACCOUNT_A}/devices", 2)
        self.assertEqual([d["deviceId"] for d in devices], DEVICES_A)
        per_device = {d["deviceId"]: (d["certificates"], d["activeCertificates"]) for d in devices}
        self.assertEqual(per_device, {DEVICES_A[0]: (2, 2), DEVICES_A[1]: (1, 1), DEVICES_A[2]: (0, 0)})

        certs = self.walk(f"/admin/v1/foundry/accounts/{ACCOUNT_A}/certificates", 2)
        by_id = {c["certificateId"]: c for c in certs}
        for g, device, topics in made:
            c = by_id[g.id]
            self.assertEqual((c["deviceId"], c["active"], c["topics"]), (device, True, topics))
            self.assertEqual(int(c["certSN"]), g.cert.serial_number)
        self.assertEqual((by_id[unprovisioned.id]["deviceId"], by_id[unprovisioned.id]["active"]), (None, False))
        self.assertEqual([int(c["certSN"]) for c in certs], sorted(int(c["certSN"]) for c in certs))

        only = self.walk(f"/admin/v1/foundry/accounts/{ACCOUNT_A}/certificates?device={DEVICES_A[0]}", 5)
        self.assertEqual({c["certificateId"] for c in only}, {made[0][0].id, made[1][0].id})
        self.assertEqual(self.walk(f"/admin/v1/foundry/accounts/{ACCOUNT_B}/certificates", 5), [])
        self.assertEqual(self.get("/admin/v1/foundry/accounts/000000000000/devices")[0], 404)

    def test_emca_users_and_profiles(self):
        body = self.create(self.c1, "s1", [("P", py_csr("browse-pending"))], profile="9")
        users = self.walk("/admin/v1/emca/users", 3)
        self.assertEqual([(u["userName"], u["aesMode"]) for u in users],
                         [("app1", "ECB"), ("app2", "CBC"), ("app3", "GCM"), ("far", "ECB")])
        self.assertEqual(users[3]["allowedIps"], "10.9.9.9")
        app1 = users[0]
        self.assertGreaterEqual(app1["pending"], 1)
        st, pending = self.get("/admin/v1/emca/pending")
        self.assertEqual(app1["pending"], sum(1 for p in pending["items"] if p["user"] == "app1"))
        for u in users:  # credentials are never listed
            self.assertEqual(set(u), {"userName", "aesMode", "allowedIps", "requests", "pending", "certificates"})

        profiles = self.walk("/admin/v1/emca/profiles", 1)  # a text key: cursor after "3", then "4"
        self.assertEqual([(p["profileId"], p["authority"], p["manualAuthorization"]) for p in profiles],
                         [("3", "RSA", False), ("4", "ECC", False), ("9", "RSA", True)])
        self.assertEqual(profiles[0]["defaultValiditySeconds"], 365 * 86400)
        self.assertEqual(profiles[1]["extendedKeyUsage"].split(), ["clientAuth", "serverAuth"])

    def test_roles_and_bad_parameters(self):
        operator = localca("admin", "token", "create", "--name", "browse-op", "--role", "operator",
                           "--data-dir", self.data).stdout.strip()
        self.assertEqual(self.get("/admin/v1/emca/users", token=operator)[0], 200)
        st, body = self.get("/admin/v1/enos/orgs", token=None)
        self.assertEqual((st, set(body)), (401, {"message"}))
        self.assertEqual(self.get("/admin/v1/enos/orgs", token="not-a-token")[0], 401)

        def bad(path, parameter):
            st, body = self.get(path)
            self.assertEqual((st, body.get("parameter")), (400, parameter), (path, body))
            self.assertIsInstance(body["message"], str)
        bad("/admin/v1/enos/orgs?cursor=zz", "cursor")
        bad("/admin/v1/enos/orgs?cursor=" + "41" * 4, "cursor")
        # A cursor of another list, and one of ours with a key that is not an integer.
        st, page = self.get("/admin/v1/emca/profiles?limit=1")
        bad(f"/admin/v1/enos/orgs?cursor={page['nextCursor']}", "cursor")
        bad("/admin/v1/enos/orgs?cursor=" + "enos/orgs:x1".encode().hex(), "cursor")
        bad("/admin/v1/enos/orgs?limit=0", "limit")
        bad("/admin/v1/enos/orgs?limit=1001", "limit")
        bad("/admin/v1/enos/orgs?org=o1", "org")
        bad(f"/admin/v1/foundry/accounts/{ACCOUNT_A}/devices?device=x", "device")
        # Write methods are not routes of these lists.
        self.assertIn(self.srv.json("POST", "/admin/v1/enos/orgs", {},
                                    {"Authorization": f"Bearer {operator}"})[0], (404, 405))


if __name__ == "__main__":
    unittest.main()
