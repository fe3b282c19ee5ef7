"""Foundry API failures: 401 for every endpoint, every 400 of the request syntax and topic
filters, 404 for unknown or foreign certificates and devices, 409 for state conflicts, account
isolation in every direction; and that no failure changes any state."""
import json
import unittest
import urllib.parse

from foundry_client import (BASE, DEVICES_A, DEVICES_B, TOKEN_A, TOKEN_B, foundry_test, topics_query)

UNKNOWN_ID = "0" * 64
TOPIC_ERRORS = [
    ("1/#/1", "'#' must be the last level"),
    ("a#", "'#' must be a whole level"),
    ("a/b+", "'+' must be a whole level"),
    ("", "a topic filter must not be empty"),
    ("a\u0000b", "control character U+0000"),
    ("a\nuser x", "control character U+000A"),
    (" a", "must not start or end with a space"),
]


class auth_tests(foundry_test):
    def test_every_endpoint_needs_a_known_token(self):
        g = self.generated()
        calls = [
            ("GET", f"{BASE}/generate", None),
            ("GET", f"{BASE}/generate?topics=%5B%22a%22%5D", None),
            ("POST", f"{BASE}/provision", {"arn": g.arn, "certId": g.id, "deviceId": DEVICES_A[0],
                                           "topics": ["a"]}),
            ("DELETE", f"{BASE}/revoke?certId={g.id}&deviceId={DEVICES_A[0]}", None),
            ("GET", f"{BASE}/{g.id}", None),
        ]
        headers = [
            {},
            {"Authorization": "Bearer not-a-token"},
            {"x-api-key": "not-a-token"},
            {"Authorization": f"Basic {TOKEN_A}"},  # not our scheme
            {"Authorization": f"Bearer {TOKEN_A}x"},
            {"Authorization": "Bearer"},
            {"x-api-key": ""},
            {"Authorization": f"Token {TOKEN_A}"},
        ]
        for method, path, body in calls:
            for h in headers:
                with self.subTest(method=method, path=path, headers=h):
                    self.unauthorized(self.call(method, path, None, body, headers=h))
        # Nothing happened.
        st = self.state(g.id)
        self.assertEqual((st["status"], st["deviceId"]), ("INACTIVE", None))
        self.assertEqual(self.crl_entries(), {})

    def test_auth_is_checked_before_the_input(self):
        self.unauthorized(self.call("POST", f"{BASE}/provision", "nope", "not json"))
        self.unauthorized(self.call("GET", f"{BASE}/generate?topics=oops", "nope"))
        self.unauthorized(self.call("GET", f"{BASE}/XYZ", "nope"))


class generate_error_tests(foundry_test):
    def test_bad_topics_parameter(self):
        for query in ("?topics=", "?topics=oops", "?topics=%22a%2Fb%22", "?topics=%7B%7D",
                      "?topics=%5B1%5D", "?topics=%5B%22a%22%2Cnull%5D", "?topics=%5B%22a%22",
                      "?topics=%5B%5B%22a%22%5D%5D"):
            with self.subTest(query=query):
                self.fails(self.generate(query=query), 400,
                           "topics must be a URL-encoded JSON array of topic filter strings")
        self.fails(self.generate([]), 400, contains="at least one filter")
        for topic, problem in TOPIC_ERRORS:
            with self.subTest(topic=topic):
                msg = self.fails(self.generate(["ok/#", topic]), 400)
                self.assertTrue(msg.startswith("invalid topic filter: topics[1]: "), msg)
                self.assertIn(problem, msg)
        # Invalid UTF-8 cannot even be sent as JSON text; percent-encoded raw bytes are refused
        # by the transport (a query must decode to UTF-8) before Foundry sees them.
        for query in ("?topics=%5B%22%FF%22%5D", "?topics=%5B%22a%C3%22%5D"):
            with self.subTest(query=query):
                self.assertEqual(self.generate(query=query), (400, {"message": "Bad Request"}))
        # Nothing was issued by any of these.
        self.assertEqual(self.crl_entries(), {})
        status, _, der = self.s.request("GET", "/enos/CA/crl/RSA")
        self.assertEqual(status, 200)


class provision_error_tests(foundry_test):
    def body(self, g, **over):
        b = {"arn": g.arn, "certId": g.id, "deviceId": DEVICES_A[0], "topics": ["a/#"]}
        b.update(over)
        return {k: v for k, v in b.items() if v is not ...}

    def test_request_syntax(self):
        g = self.generated()
        for raw in ("", "not json", "[1,2]", "\"x\"", "{\"arn\":"):
            with self.subTest(raw=raw):
                self.fails(self.provision(raw), 400, "request body must be a JSON object")
        for field in ("arn", "certId", "deviceId"):
            for bad in (..., "", None, 5, ["x"]):
                with self.subTest(field=field, value=bad):
                    self.fails(self.provision(self.body(g, **{field: bad})), 400,
                               f"{field} is required (a non-empty string)")
        self.fails(self.provision(self.body(g, topics=...)), 400, "topics is required")
        for bad in ([], None, "a/#", "[\"a\"]", [1], ["a", None], {"a": 1}):
            with self.subTest(topics=bad):
                self.fails(self.provision(self.body(g, topics=bad)), 400,
                           "topics must be a non-empty array of topic filter strings")
        for topic, problem in TOPIC_ERRORS + [("x" * 65536, "at most 65535 bytes")]:
            with self.subTest(topic=topic[:20]):
                msg = self.fails(self.provision(self.body(g, topics=["fine", topic])), 400)
                self.assertIn("topics[1]: ", msg)
                self.assertIn(problem, msg)
        self.ok(self.provision(self.body(g, topics=["x" * 65535])))

    def test_certificate_id_and_arn(self):
        g = self.generated()
        for bad in (g.id.upper(), g.id[:-1], g.id + "0", "0x" + g.id[2:], g.id[:-1] + "g"):
            with self.subTest(certId=bad):
                self.fails(self.provision(self.body(g, certId=bad)), 400,
                           "certId must be 64 lowercase hexadecimal digits")
        other = self.generated()
        wrong_arns = [
            other.arn,                                   # another certificate's ARN
            g.arn.replace("us-west-2", "us-east-1"),     # another region
            g.arn.replace(":441898714953:", ":123456789012:"),  # another account
            g.arn.replace("arn:aws:", "arn:aws-cn:"),
            g.arn + " ",
            g.id,
        ]
        for arn in wrong_arns:
            with self.subTest(arn=arn):
                self.fails(self.provision(self.body(g, arn=arn)), 400,
                           f"arn is not the ARN of certificate {g.id}")
        self.assertEqual(self.state(g.id)["status"], "INACTIVE")

    def test_not_found_and_conflicts(self):
        g = self.generated()
        unknown_arn = g.arn.replace(g.id, UNKNOWN_ID)
        self.fails(self.provision(self.body(g, arn=unknown_arn, certId=UNKNOWN_ID)), 404,
                   contains="certificate not found")
        self.fails(self.provision(self.body(g, deviceId="no-such-device")), 404,
                   contains="device not found")
        self.fails(self.provision(self.body(g, deviceId=DEVICES_B[0])), 404,  # B's device
                   contains="device not found")
        self.ok(self.provision(self.body(g)))
        msg = self.fails(self.provision(self.body(g, deviceId=DEVICES_A[1])), 409)
        self.assertIn("provisioned to another device", msg)
        self.assertIn(DEVICES_A[0], msg)
        st = self.state(g.id)
        self.assertEqual((st["deviceId"], st["topics"]), (DEVICES_A[0], ["a/#"]))
        self.ok(self.revoke(g.id, DEVICES_A[0]))
        self.fails(self.provision(self.body(g)), 409, contains="revoked")


class revoke_error_tests(foundry_test):
    def test_request_syntax(self):
        g = self.provisioned(DEVICES_A[0], ["a"])
        self.fails(self.revoke(), 400, "certId is required")
        self.fails(self.revoke(g.id), 400, "deviceId is required")
        self.fails(self.revoke(None, DEVICES_A[0]), 400, "certId is required")
        self.fails(self.revoke(g.id, via="body"), 400, "deviceId is required")
        self.fails(self.revoke("", DEVICES_A[0]), 400, "certId is required")
        self.fails(self.call("DELETE", f"{BASE}/revoke?certId={g.id}", TOKEN_A, "not json"), 400,
                   "request body must be a JSON object")
        for bad in (g.id.upper(), "xyz", g.id[:63]):
            self.fails(self.revoke(bad, DEVICES_A[0]), 400,
                       "certId must be 64 lowercase hexadecimal digits")
        # Query wins over the body.
        self.fails(self.call("DELETE", f"{BASE}/revoke?certId={UNKNOWN_ID}&deviceId={DEVICES_A[0]}",
                             TOKEN_A, {"certId": g.id, "deviceId": DEVICES_A[0]}), 404)
        self.assertEqual(self.state(g.id)["status"], "ACTIVE")
        self.assertEqual(self.crl_entries(), {})

    def test_not_found_and_conflicts(self):
        g = self.provisioned(DEVICES_A[0], ["a"])
        inactive = self.generated()
        active_unbound = self.generated(["z"])
        self.fails(self.revoke(UNKNOWN_ID, DEVICES_A[0]), 404, contains="certificate not found")
        self.fails(self.revoke(g.id, "no-such-device"), 404, contains="device not found")
        self.fails(self.revoke(g.id, DEVICES_B[0]), 404, contains="device not found")
        for cert, dev in ((g, DEVICES_A[1]), (inactive, DEVICES_A[0]), (active_unbound, DEVICES_A[0])):
            with self.subTest(cert=cert.id):
                self.fails(self.revoke(cert.id, dev), 409,
                           contains="not provisioned to this device")
        self.assertEqual(self.crl_entries(), {})
        self.assertEqual([self.state(c.id)["status"] for c in (g, inactive, active_unbound)],
                         ["ACTIVE", "INACTIVE", "ACTIVE"])
        self.ok(self.revoke(g.id, DEVICES_A[0]))
        self.fails(self.revoke(g.id, DEVICES_A[0]), 409, f"already revoked: certificate {g.id} "
                                                         "is already revoked")
        self.fails(self.revoke(g.id, DEVICES_A[1]), 409, contains="already revoked")
        self.assertEqual(list(self.crl_entries()), [g.cert.serial_number])


class describe_error_tests(foundry_test):
    def test_describe_errors(self):
        self.fails(self.describe(UNKNOWN_ID), 404, f"certificate not found: no certificate "
                                                   f"{UNKNOWN_ID} in this account")
        for bad in ("abc", UNKNOWN_ID.upper()[:-1] + "A", "g" * 64):
            self.fails(self.describe(bad), 400, "certId must be 64 lowercase hexadecimal digits")
        # Wrong methods on the fixed paths.
        status, body = self.call("POST", f"{BASE}/generate", TOKEN_A, {})
        self.assertEqual(status, 405)
        status, body = self.call("GET", f"{BASE}/revoke", TOKEN_A)
        self.assertEqual(status, 400)  # "revoke" is not a certificate id
        status, body = self.call("PUT", f"{BASE}/provision", TOKEN_A, {})
        self.assertEqual(status, 405)


class isolation_tests(foundry_test):
    def test_accounts_see_only_their_own(self):
        a = self.provisioned(DEVICES_A[0], ["a/#"])
        b = self.provisioned(DEVICES_B[0], ["b/#"], token=TOKEN_B)
        # B cannot see, provision or revoke A's certificate, and the other way round.
        for mine, theirs, token, my_dev in ((a, b, TOKEN_A, DEVICES_A[0]), (b, a, TOKEN_B, DEVICES_B[0])):
            msg = self.fails(self.describe(theirs.id, token), 404)
            self.assertIn("certificate not found", msg)
            self.fails(self.provision({"arn": theirs.arn, "certId": theirs.id, "deviceId": my_dev,
                                       "topics": ["x"]}, token), 400)  # not our ARN
            arn = theirs.arn.replace(theirs.arn.split(":")[4], mine.arn.split(":")[4])
            self.fails(self.provision({"arn": arn, "certId": theirs.id, "deviceId": my_dev,
                                       "topics": ["x"]}, token), 404)
            self.fails(self.revoke(theirs.id, my_dev, token), 404)
            self.fails(self.revoke(theirs.id, "shared-name", token), 404)
        # A device name both accounts have does not let one reach the other's certificate.
        self.fails(self.revoke(b.id, "shared-name", TOKEN_A), 404)
        for g, token, dev, topics in ((a, TOKEN_A, DEVICES_A[0], ["a/#"]), (b, TOKEN_B, DEVICES_B[0], ["b/#"])):
            st = self.state(g.id, token)
            self.assertEqual((st["status"], st["deviceId"], st["topics"]), ("ACTIVE", dev, topics))
        self.assertEqual(self.crl_entries(), {})


if __name__ == "__main__":
    unittest.main(verbosity=2)
