"""EnOS gateway auth as an existing EnOS client sees it: the token service (get, refresh, error
statuses), signed calls in the default strict mode, the `token` and `off` modes, org isolation, and
tokens surviving a restart. The client (enos_client.py) implements the documented scheme itself."""
import json
import time
import unittest

from enos_client import (AK1, AK2, AUTH_FAILURE, MSG_DEVICE_NOT_FOUND, MSG_ORG_MISSING, MSG_ORG_UNKNOWN,
                         O1, O2, ODD_ASSET, SK1, SK2, client, dev, devpk, enos_test, now_ms, py_csr)

FIVE_MIN_MS = 5 * 60 * 1000


class token_service_tests(enos_test):
    def token_ok(self, r):
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], 0, r)
        self.assertEqual(r.json["msg"], "SUCCESS", r)
        self.assertEqual(r.json["business"], "apim-token-service", r)
        data = r.json["data"]
        self.assertIsInstance(data["accessToken"], str)
        self.assertTrue(data["accessToken"])
        self.assertIsInstance(data["expire"], int)
        return data

    def token_err(self, r, status):
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["status"], status, r)
        self.assertEqual(r.json["business"], "apim-token-service", r)
        self.assertIn("data", r.json)
        self.assertIsNone(r.json["data"], r)
        self.assertIsInstance(r.json["msg"], str)
        self.assertTrue(r.json["msg"])

    def test_get_token_number_and_string_timestamp_same_token_while_valid(self):
        c = client(self.s, AK1, SK1)
        first = self.token_ok(c.get_token())
        # setUp already obtained a token for this app: the same one comes back while it is valid.
        self.assertEqual(first["accessToken"], self.c1.access_token)
        self.assertTrue(7100 <= first["expire"] <= 7200, first)
        again = self.token_ok(c.get_token(ts_string=True))
        self.assertEqual(again["accessToken"], first["accessToken"])
        self.assertTrue(7100 <= again["expire"] <= 7200, again)
        # Timestamps anywhere within five minutes are fine.
        self.token_ok(c.get_token(timestamp=now_ms() - FIVE_MIN_MS + 20000))
        self.token_ok(c.get_token(timestamp=now_ms() + FIVE_MIN_MS - 20000, ts_string=True))
        # Each app has its own token.
        s2 = client(self.s, AK2, SK2)
        self.assertEqual(self.c2.access_token, self.token_ok(s2.get_token())["accessToken"])
        self.assertNotEqual(self.c1.access_token, self.c2.access_token)

    def test_fresh_token_expire_is_7200(self):
        # setUp logged both apps in on a brand-new server: fresh tokens.
        self.assertEqual(self.c1.login_data["expire"], 7200)
        self.assertEqual(self.c2.login_data["expire"], 7200)

    def test_get_token_errors(self):
        c = client(self.s, AK1, SK1)
        self.token_err(c.get_token(app_key="ak-nobody"), 1002)
        self.token_err(c.get_token(secret="wrong-secret"), 1003)
        self.token_err(c.get_token(enc="0" * 64), 1003)
        # encryption computed for another timestamp than the one sent
        ts = now_ms()
        self.token_err(c.get_token(timestamp=ts, enc=c.token_body(timestamp=ts - 1)["encryption"]), 1003)
        # Timestamp more than five minutes off, either way, or not a number.
        self.token_err(c.get_token(timestamp=now_ms() - FIVE_MIN_MS - 60000), 1004)
        self.token_err(c.get_token(timestamp=now_ms() + FIVE_MIN_MS + 60000, ts_string=True), 1004)
        self.token_err(c.get_token(timestamp="yesterday"), 1004)
        # Missing parameters.
        for field in ("appKey", "encryption", "timestamp"):
            body = c.token_body()
            del body[field]
            self.token_err(c.token_call("get", body), 1202)
        self.token_err(c.token_call("get", {}), 1202)

    def test_refresh(self):
        c = client(self.s, AK1, SK1)
        old = self.c1.access_token
        time.sleep(1.1)
        data = self.token_ok(c.refresh_token(access_token=old))
        new = data["accessToken"]
        self.assertNotEqual(new, old)
        self.assertEqual(data["expire"], 7200)
        # The refreshed token works for signed calls.
        c.access_token = new
        self.ok(c.list(dev("asset1")))
        # String timestamp accepted as well.
        self.token_ok(c.refresh_token(access_token=new, ts_string=True))

    def test_refresh_errors(self):
        c = client(self.s, AK1, SK1)
        self.token_err(c.refresh_token(access_token="not-a-token"), 1203)
        self.token_err(c.refresh_token(access_token=self.c1.access_token + "x"), 1203)
        self.token_err(c.refresh_token(access_token=self.c1.access_token, app_key="ak-nobody"), 1002)
        self.token_err(c.refresh_token(access_token=self.c1.access_token, secret="nope"), 1003)
        self.token_err(c.refresh_token(access_token=self.c1.access_token,
                                       timestamp=now_ms() - FIVE_MIN_MS - 60000), 1004)
        body = c.token_body()  # no accessToken
        self.token_err(c.token_call("refresh", body), 1202)

    def test_token_survives_restart(self):
        old1, old2 = self.c1.access_token, self.c2.access_token
        self.ok(self.c1.list(dev("asset1")))
        self.restart()
        self.assertEqual(self.c1.access_token, old1)
        self.ok(self.c1.list(dev("asset1")))
        self.ok(self.c2.list(dev("o2-asset1", O2)))
        # And a refresh with the pre-restart token works too.
        r = client(self.s, AK1, SK1).refresh_token(access_token=old1)
        self.assertEqual(r.json["status"], 0, r)
        del old2


class strict_mode_tests(enos_test):
    def test_signed_calls_pass(self):
        self.ok(self.c1.list(dev("asset1")))
        self.ok(self.c1.list(devpk("pk1", "dk1")))
        self.ok(self.c1.list(dev("asset1"), version="v2.1"))
        # A query value that needs URL encoding: the signature covers the decoded value.
        self.assertEqual(self.ok(self.c1.list(dev(ODD_ASSET))), [])
        # Signed POST with a body (non-ASCII bytes, unknown fields, pretty-printed): raw bytes signed.
        csr, _ = py_csr("auth-body-dev")
        raw = ('{\n  "csr": ' + json.dumps(csr) + ',\n  "note": "héllo wörld", "issueAuthority": "ECC",'
               ' "timestamp": "' + str(now_ms()) + '"\n}').encode("utf-8")
        r = self.c1.certificates("POST", "apply", dev("asset2"), raw)
        self.ok(r)
        # Every query parameter is signed, also ones the server does not use.
        self.ok(self.c1.list({**dev("asset1"), "requestTimestamp": str(now_ms()), "zz": "last"}))
        self.unauthorized(self.c1.certificates("GET", "list", {**dev("asset1"), "zz": "last"},
                                               sign_query={"action": "list", **dev("asset1")}))
        # Header names are case-insensitive.
        self.ok(self.c1.certificates("GET", "list", dev("asset1"), header_case="title"))
        self.ok(self.c1.certificates("GET", "list", dev("asset1"), header_case="upper"))
        # Every response has its own requestId.
        ids = {self.c1.list(dev("asset1")).json["requestId"] for _ in range(3)}
        self.assertEqual(len(ids), 3)
        # Timestamp a little in the past or the future is fine.
        self.ok(self.c1.certificates("GET", "list", dev("asset1"), timestamp=now_ms() - FIVE_MIN_MS + 20000))
        self.ok(self.c1.certificates("GET", "list", dev("asset1"), timestamp=now_ms() + FIVE_MIN_MS - 20000))

    def test_auth_failures_are_401(self):
        c = self.c1
        body = {"csr": py_csr("never-issued")[0]}
        d = dev("asset1")
        cases = {
            "no headers": dict(auth="none"),
            "token without signature": dict(auth="token"),
            "unknown token": dict(token="not-a-real-token"),
            "token of wrong app signed with own secret": dict(token=self.c2.access_token),
            "tampered token": dict(token=self.c1.access_token[:-1] + ("A" if self.c1.access_token[-1] != "A" else "B")),
            "wrong secret": dict(secret="not-the-secret"),
            "garbage signature": dict(sig="deadbeef"),
            "signature over other body": dict(sign_body=b'{"csr":"other"}'),
            "signature over other query": dict(sign_query={"action": "apply", "orgId": O1, "assetId": "asset2"}),
            "signature without query": dict(sign_query={}),
            "stale timestamp": dict(timestamp=now_ms() - FIVE_MIN_MS - 60000),
            "future timestamp": dict(timestamp=now_ms() + FIVE_MIN_MS + 60000),
        }
        for name, kw in cases.items():
            with self.subTest(name):
                self.unauthorized(c.certificates("POST", "apply", d, body, **kw))
        # Timestamp that is not a number.
        self.unauthorized(c.certificates("GET", "list", d, headers={"apim-timestamp": "soon"}))
        self.unauthorized(c.certificates("GET", "list", d, timestamp="soon"))
        # Authentication comes first, as at the EnOS API gateway: an unauthenticated request learns
        # nothing, not even that its action is missing, unknown or sent with the wrong method.
        for method, action in (("POST", None), ("POST", "frobnicate"), ("GET", "apply"), ("POST", "list")):
            for how in ("none", "bad signature"):
                with self.subTest(method=method, action=action, auth=how):
                    kw = dict(auth="none") if how == "none" else dict(sig="0" * 64)
                    self.unauthorized(c.certificates(method, action, d, body if method == "POST" else None, **kw))
        # Signature header present but no timestamp header.
        r = c.certificates("GET", "list", d, headers={"apim-timestamp": ""})
        self.unauthorized(r)
        # Nothing was issued by any of those.
        self.assertEqual(self.ok(c.list(d)), [])
        # 401 for GET list too, and for the v2.1 path.
        self.unauthorized(c.certificates("GET", "list", d, auth="none"))
        self.unauthorized(c.certificates("GET", "list", d, version="v2.1", sig="0" * 64))
        # Raw body of the failure is the gateway's JSON message.
        r = c.certificates("GET", "list", d, auth="none")
        self.assertEqual(r.json, AUTH_FAILURE)

    def test_org_isolation(self):
        # App of o1 on o2's device, naming o2: 99403.
        self.err(self.c1.list(dev("o2-asset1", O2)), 99403, f"Denied resource:  orgId {O2}")
        self.err(self.c1.apply(dev("o2-asset1", O2), py_csr("iso-1")[0]), 99403, f"Denied resource:  orgId {O2}")
        self.err(self.c1.list(devpk("pk1", "dk1", O2)), 99403, f"Denied resource:  orgId {O2}")
        # An org that does not exist is also not the app's own: 99403.
        self.err(self.c1.list(dev("asset1", "o-nowhere")), 99403, "Denied resource:  orgId o-nowhere")
        # Naming its own org but o2's asset: the device is not found.
        self.err(self.c1.list(dev("o2-asset1", O1)), 11404, MSG_DEVICE_NOT_FOUND)
        self.err(self.c1.apply(dev("o2-asset1", O1), py_csr("iso-2")[0]), 11404, MSG_DEVICE_NOT_FOUND)
        # The other way round.
        self.err(self.c2.list(dev("asset1", O1)), 99403, f"Denied resource:  orgId {O1}")
        self.err(self.c2.list(dev("asset1", O2)), 11404, MSG_DEVICE_NOT_FOUND)
        # pk1/dk1 exists in both orgs: each app sees its own.
        d1, _ = self.applied(devpk("pk1", "dk1"), py_csr("iso-o1")[0], issueAuthority="ECC")
        d2, _ = self.applied(devpk("pk1", "dk1", O2), py_csr("iso-o2")[0], c=self.c2, issueAuthority="ECC")
        self.assertEqual(list(self.listed(dev("asset1"))), [d1["certSN"]])
        self.assertEqual(list(self.listed(dev("o2-asset1", O2), c=self.c2)), [d2["certSN"]])
        # Revoking o2's certificate through o1's device: not bound.
        self.err(self.c1.revoke(dev("asset1"), int(d2["certSN"])), 99400,
                 "The certificate list bound to the device does not have the certificate, or the "
                 "certificate is bound to other devices.")
        # orgId missing.
        self.err(self.c1.list({"assetId": "asset1"}), 99400, MSG_ORG_MISSING)


class token_mode_tests(enos_test):
    AUTH = "token"

    def test_signature_optional_but_checked_when_sent(self):
        self.ok(self.c1.list(dev("asset1"), ))
        # No signature (and no timestamp): accepted.
        data = self.ok(self.c1.certificates("POST", "apply", dev("asset1"), {"csr": py_csr("tok-1")[0], "issueAuthority": "ECC"}, auth="token"))
        self.assertTrue(data["certSN"])
        self.ok(self.c1.certificates("GET", "list", dev("asset1"), auth="token"))
        # Signature sent but wrong: 401.
        self.unauthorized(self.c1.certificates("GET", "list", dev("asset1"), sig="0" * 64))
        self.unauthorized(self.c1.certificates("GET", "list", dev("asset1"), secret="wrong"))
        # A signature that is sent is checked fully, timestamp window included.
        self.unauthorized(self.c1.certificates("GET", "list", dev("asset1"), timestamp=now_ms() - 10 * 60 * 1000))
        # A token is still required and must be known.
        self.unauthorized(self.c1.certificates("GET", "list", dev("asset1"), auth="none"))
        self.unauthorized(self.c1.certificates("GET", "list", dev("asset1"), auth="token", token="bogus"))
        # Org isolation still applies.
        self.err(self.c1.certificates("GET", "list", dev("o2-asset1", O2), auth="token"), 99403,
                 f"Denied resource:  orgId {O2}")


class off_mode_tests(enos_test):
    AUTH = "off"

    def test_no_auth_at_all(self):
        c = client(self.s)
        c.default_auth = "none"
        data = self.ok(c.certificates("POST", "apply", dev("asset1"), {"csr": py_csr("off-1")[0], "issueAuthority": "ECC"}, auth="none"))
        self.assertIn(data["certSN"], self.listed(dev("asset1"), c=c))
        # Every org is usable without any credentials.
        self.ok(c.certificates("POST", "apply", dev("o2-asset1", O2), {"csr": py_csr("off-2")[0], "issueAuthority": "ECC"}, auth="none"))
        # A Poseidon-style opaque token is simply ignored.
        self.ok(c.certificates("GET", "list", dev("asset1"), auth="none",
                               headers={"apim-accesstoken": "T3BhcXVlUG9zZWlkb25Ub2tlbg=="}))
        # Unknown org: 99400 "orgId does not exist".
        self.err(c.certificates("GET", "list", dev("asset1", "o-nowhere"), auth="none"), 99400, MSG_ORG_UNKNOWN)
        self.err(c.certificates("GET", "list", dev("nope", O2), auth="none"), 11404, MSG_DEVICE_NOT_FOUND)


if __name__ == "__main__":
    unittest.main(verbosity=2)
