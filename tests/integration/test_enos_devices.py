"""EnOS device management (connect-service v2.1 devices API): the DECADA firmware flow replayed
byte for byte, the device lifecycle (create, get, search, update, disable/enable against apply,
delete revoking into the CRL), and bad input on every action answered in EnOS's envelope with
nothing written. Field names and codes from EnOS's Connection Service API docs (docs/enos.md)."""
import json
import re
import unittest

from cryptography import x509

from enos_client import (MSG_ACTION_INVALID, MSG_ACTION_MISSING, MSG_DEVICE_ID, MSG_DEVICE_NOT_FOUND,
                         MSG_ORG_MISSING, O1, O2, enos_test, py_csr, seed_doc)
from harness import db_bytes, db_rows, db_scalar, localca

DEVICES = "/connect-service/v2.1/devices"
ALNUM8 = re.compile(r"^[A-Za-z0-9]{8}$")


class device_tests(enos_test):
    def devices(self, method, action, query=None, body=None, c=None, **kw):
        q = {} if action is None else {"action": action}
        q.update(query or {})
        return (c or self.c1).call(method, DEVICES, q, body, **kw)

    def db_counts(self):
        """Rows that any device call may write: a refused call must leave them all unchanged."""
        return {t: db_scalar(self.data, f"SELECT count(*) FROM {t}")
                for t in ("devices", "enos_devices", "audit", "certificates")}

    def audit_actions(self):
        return db_rows(self.data, "SELECT action, cert_sn, subject FROM audit ORDER BY id")

    def crl_serials(self, authority):
        """{serial: reason} of the published CRL, verified against the root by openssl."""
        der = self.crl(authority)
        code, text = self.ossl.crl_text(self.root_pem(authority), der)
        self.assertEqual(code, 0, text)
        self.assertIn("verify OK", text)
        out = {}
        for r in x509.load_der_x509_crl(der):
            out[r.serial_number] = r.extensions.get_extension_for_class(x509.CRLReason).value.reason
        return out

    # ---- DECADA firmware ------------------------------------------------------------------------
    def test_decada_firmware_flow(self):
        # The Zephyr example's exact requests: query order action, orgId, productKey, deviceKey;
        # create's body as the firmware serialises it; then apply with "timestamp", mbed renew.
        dk = "zephyr-3c71bf2a1b04"
        q = {"action": "get", "orgId": O1, "productKey": "pk1", "deviceKey": dk}
        r = self.c1.call("GET", DEVICES, q)
        self.err(r, 11404, MSG_DEVICE_NOT_FOUND)
        body = (b'{"productKey":"pk1","timezone":"+08:00","deviceName":{"defaultValue":"zephyr-'
                + dk.encode()[7:] + b'"},"deviceKey":"' + dk.encode() + b'"}')
        r = self.c1.call("POST", DEVICES, {"action": "create", "orgId": O1}, body)
        created = self.ok(r)
        self.assertEqual(set(created), {"productKey", "deviceKey", "assetId", "deviceSecret"})
        self.assertEqual((created["productKey"], created["deviceKey"]), ("pk1", dk))
        self.assertRegex(created["assetId"], ALNUM8)
        self.assertRegex(created["deviceSecret"], r"^[A-Za-z0-9]{20}$")
        # A second create (the firmware retries every 500 ms until get answers) is refused.
        r = self.c1.call("POST", DEVICES, {"action": "create", "orgId": O1}, body)
        self.err(r, 11702, "DeviceKey existed")
        got = self.ok(self.c1.call("GET", DEVICES, q))
        self.assertEqual(got["deviceSecret"], created["deviceSecret"])
        self.assertEqual(got["assetId"], created["assetId"])
        # Apply as the firmware does (extra "timestamp"), then renew as mbed OS does.
        csr = py_csr("zephyr-device", alg="rsa2048")[0]
        apply_body = json.dumps({"csr": csr, "validDay": 365, "issueAuthority": "RSA",
                                 "timestamp": "1700000000000"}).encode()
        cq = {"action": "apply", "orgId": O1, "productKey": "pk1", "deviceKey": dk}
        applied = self.ok(self.c1.call("POST", "/connect-service/v2.1/certificates", cq, apply_body))
        sn = int(applied["certSN"])
        rq = {"action": "renew", "orgId": O1, "productKey": "pk1", "deviceKey": dk}
        renewed = self.ok(self.c1.call("POST", "/connect-service/v2.1/certificates", rq,
                                       json.dumps({"certSn": sn, "validDay": 365}).encode()))
        self.assertNotEqual(int(renewed["certSN"]), sn)
        cert = x509.load_pem_x509_certificate(renewed["cert"].encode())
        self.assertEqual(cert.serial_number, int(renewed["certSN"]))

    # ---- lifecycle ----------------------------------------------------------------------------
    def test_lifecycle(self):
        body = {"productKey": "pk1", "timezone": "+08:00",
                "deviceName": {"defaultValue": "Pump 7", "i18nValue": {"zh_CN": "泵 7", "en_US": "Pump seven"}},
                "deviceAttributes": {"serial": 111111, "site": "north"},
                "deviceTags": {"line": "A"}, "deviceDesc": "a pump"}
        created = self.ok(self.devices("POST", "create", {"orgId": O1}, body))
        asset, dk = created["assetId"], created["deviceKey"]
        self.assertRegex(dk, r"^[A-Za-z0-9]{10}$")  # generated when absent
        by_asset = self.ok(self.devices("GET", "get", {"orgId": O1, "assetId": asset}))
        by_key = self.ok(self.devices("GET", "get", {"orgId": O1, "productKey": "pk1", "deviceKey": dk}))
        self.assertEqual(by_asset, by_key)
        self.assertEqual(by_asset["deviceName"], body["deviceName"])
        self.assertEqual(by_asset["deviceAttributes"], body["deviceAttributes"])
        self.assertEqual(by_asset["deviceTags"], body["deviceTags"])
        self.assertEqual((by_asset["orgId"], by_asset["productKey"], by_asset["timezone"],
                          by_asset["deviceDesc"], by_asset["status"], by_asset["deviceSecret"]),
                         (O1, "pk1", "+08:00", "a pump", "inactive", created["deviceSecret"]))
        self.assertIsInstance(by_asset["createTime"], int)

        # A seeded device has a secret too, stable across reads.
        seeded = self.ok(self.devices("GET", "get", {"orgId": O1, "assetId": "asset2"}))
        self.assertRegex(seeded["deviceSecret"], r"^[A-Za-z0-9]{20}$")
        self.assertEqual(seeded["deviceKey"], "dk2")
        self.assertEqual(self.ok(self.devices("GET", "get", {"orgId": O1, "assetId": "asset2"}))["deviceSecret"],
                         seeded["deviceSecret"])

        # Search: filters and pagination as EnOS documents them.
        r = self.devices("POST", "search", {"orgId": O1},
                         {"expression": "productKey = 'pk1'", "pagination": {"pageNo": 2, "pageSize": 3}})
        self.assertEqual(r.json["pagination"]["pageNo"], 2)
        self.assertEqual(r.json["pagination"]["pageSize"], 3)
        # pk1 holds dk1..dk5, dk-odd and the new device.
        self.assertEqual(r.json["pagination"]["totalSize"], 7)
        self.assertIsNone(r.json["pagination"]["sortedBy"])
        page2 = self.ok(r)
        self.assertEqual([d["deviceKey"] for d in page2], ["dk4", "dk5", "dk-odd"])
        all_pk1 = self.ok(self.devices("POST", "search", {"orgId": O1},
                                       {"expression": "productKey = 'pk1'", "pagination": {"pageSize": 50}}))
        self.assertEqual(len(all_pk1), 7)
        found = self.ok(self.devices("POST", "search", {"orgId": O1},
                                     {"expression": f"assetId in ('{asset}', 'asset1') and deviceName like 'pump'"}))
        self.assertEqual([d["assetId"] for d in found], [asset])
        found = self.ok(self.devices("POST", "search", {"orgId": O1},
                                     {"expression": "deviceName.zh_CN like '泵'"}))
        self.assertEqual([d["assetId"] for d in found], [asset])
        # Default page size 10; the other org's devices never show.
        default = self.devices("POST", "search", {"orgId": O1}, {})
        self.assertEqual(len(self.ok(default)), 10)
        self.assertEqual(default.json["pagination"]["totalSize"], 1 + 6 + 1 + 1 + 20)
        self.assertNotIn("o2-asset1", [d["assetId"] for d in self.ok(default)])

        # Update (patch): name replaced, attributes and tags merged key by key.
        self.ok(self.devices("POST", "update", {"orgId": O1, "assetId": asset},
                             {"deviceName": {"defaultValue": "Pump 8"}, "deviceAttributes": {"serial": 2},
                              "deviceTags": {"zone": "3"}}))
        after = self.ok(self.devices("GET", "get", {"orgId": O1, "assetId": asset}))
        self.assertEqual(after["deviceName"], {"defaultValue": "Pump 8", "i18nValue": {}})
        self.assertEqual(after["deviceAttributes"], {"serial": 2, "site": "north"})
        self.assertEqual(after["deviceTags"], {"line": "A", "zone": "3"})
        self.assertEqual((after["timezone"], after["deviceDesc"]), ("+08:00", "a pump"))

        # Disable: apply and renew refused with EnOS's "Device is disabled"; enable: apply works.
        device = {"orgId": O1, "assetId": asset}
        first, _ = self.applied(device, py_csr("lifecycle-1")[0], issueAuthority="ECC")
        self.ok(self.devices("POST", "disable", device))
        self.assertEqual(self.ok(self.devices("GET", "get", device))["status"], "disable")
        self.err(self.devices("POST", "disable", device), 11723, "Device is disabled")
        self.err(self.c1.apply(device, py_csr("lifecycle-2")[0]), 11723, "Device is disabled")
        self.err(self.c1.renew(device, int(first["certSN"])), 11723, "Device is disabled")
        disabled = self.ok(self.devices("POST", "search", {"orgId": O1}, {"expression": "status = 'disable'"}))
        self.assertEqual([d["assetId"] for d in disabled], [asset])
        self.ok(self.devices("POST", "enable", device))
        self.err(self.devices("POST", "enable", device), 11721, "Device is enabled")
        second, _ = self.applied(device, py_csr("lifecycle-3", alg="rsa2048")[0], issueAuthority="RSA")
        third, _ = self.applied(device, py_csr("lifecycle-4", alg="rsa2048")[0], issueAuthority="RSA")
        self.ok(self.c1.revoke(device, int(third["certSN"]), reason=1))

        # Delete: live certificates revoked (cessationOfOperation) and in the CRLs; the one revoked
        # before keeps its reason; the device is gone.
        self.ok(self.devices("POST", "delete", {"orgId": O1, "productKey": "pk1", "deviceKey": dk}))
        ecc, rsa = self.crl_serials("ECC"), self.crl_serials("RSA")
        self.assertEqual(ecc[int(first["certSN"])], x509.ReasonFlags.cessation_of_operation)
        self.assertEqual(rsa[int(second["certSN"])], x509.ReasonFlags.cessation_of_operation)
        self.assertEqual(rsa[int(third["certSN"])], x509.ReasonFlags.key_compromise)
        self.err(self.devices("GET", "get", device), 11404, MSG_DEVICE_NOT_FOUND)
        self.err(self.devices("POST", "delete", device), 11404, MSG_DEVICE_NOT_FOUND)
        # Every change audited: create, update, disable, enable, one revoke per live certificate,
        # delete; the revocations precede the delete in the same transaction.
        actions = [a for a in self.audit_actions() if a[0].startswith("device-") or a[0] == "revoke"]
        names = [a[0] for a in actions]
        self.assertEqual(names[:4], ["device-create", "device-update", "device-disable", "device-enable"])
        self.assertEqual(names[-3:], ["revoke", "revoke", "device-delete"])
        self.assertEqual(sorted(a[1] for a in actions[-3:-1]),
                         sorted([int(first["certSN"]), int(second["certSN"])]))
        self.assertIn(f"assetId={asset}", actions[-1][2])
        # The key is free again.
        again = self.ok(self.devices("POST", "create", {"orgId": O1},
                                     {"productKey": "pk1", "timezone": "Asia/Singapore",
                                      "deviceName": {"defaultValue": "x"}, "deviceKey": dk}))
        self.assertNotEqual(again["deviceSecret"], created["deviceSecret"])

    def test_seed_gives_the_device_secret(self):
        before = self.ok(self.devices("GET", "get", {"orgId": O1, "assetId": "asset1"}))["deviceSecret"]
        doc = seed_doc()
        doc["enos"]["orgs"][0]["products"][0]["devices"][0]["deviceSecret"] = "seeded-secret-1"
        self.s.stop()
        localca("seed", self.write_json("seed2.json", doc), "--data-dir", self.data)
        self.restart(first=True)
        after = self.ok(self.devices("GET", "get", {"orgId": O1, "assetId": "asset1"}))["deviceSecret"]
        self.assertNotEqual(before, "seeded-secret-1")
        self.assertEqual(after, "seeded-secret-1")
        # Sealed at rest: the clear value is not in the database.
        self.assertNotIn(b"seeded-secret-1", db_bytes(self.data))
        # Seeding again without a secret keeps it.
        self.s.stop()
        localca("seed", self.write_json("seed3.json", seed_doc()), "--data-dir", self.data)
        self.restart(first=True)
        self.assertEqual(self.ok(self.devices("GET", "get", {"orgId": O1, "assetId": "asset1"}))["deviceSecret"],
                         "seeded-secret-1")

    # ---- bad input ----------------------------------------------------------------------------
    def test_bad_input_writes_nothing(self):
        good = {"productKey": "pk1", "timezone": "+08:00", "deviceName": {"defaultValue": "n"}}
        before = self.db_counts()
        cases = [
            # (method, action, query, body, code, msg or None)
            ("POST", None, {"orgId": O1}, good, 99400, MSG_ACTION_MISSING),
            ("POST", "frobnicate", {"orgId": O1}, good, 99400, MSG_ACTION_INVALID),
            ("GET", "create", {"orgId": O1}, None, 99400, MSG_ACTION_INVALID),
            ("POST", "get", {"orgId": O1, "assetId": "asset1"}, None, 99400, MSG_ACTION_INVALID),
            ("POST", "create", {}, good, 99400, MSG_ORG_MISSING),
            ("POST", "create", {"orgId": O2}, good, 99403, f"Denied resource:  orgId {O2}"),
            ("POST", "create", {"orgId": O1}, b"not json", 99400, "Invalid Argument body:body is invalid"),
            ("POST", "create", {"orgId": O1}, [good], 99400, "Invalid Argument body:body is invalid"),
            ("POST", "create", {"orgId": O1}, {k: v for k, v in good.items() if k != "productKey"},
             99400, "Invalid Argument productKey:productKey is missing"),
            ("POST", "create", {"orgId": O1}, {k: v for k, v in good.items() if k != "timezone"},
             99400, "Invalid Argument timezone:timezone is missing"),
            ("POST", "create", {"orgId": O1}, {k: v for k, v in good.items() if k != "deviceName"},
             99400, "Invalid Argument deviceName:deviceName is missing"),
            ("POST", "create", {"orgId": O1}, {**good, "colour": "red"}, 99400,
             "Invalid Argument colour:colour is unknown"),
            ("POST", "create", {"orgId": O1}, {**good, "productKey": 7}, 99400,
             "Invalid Argument productKey:productKey is invalid"),
            ("POST", "create", {"orgId": O1}, {**good, "deviceName": "n"}, 99400,
             "Invalid Argument deviceName:deviceName is invalid"),
            ("POST", "create", {"orgId": O1}, {**good, "deviceName": {"i18nValue": {}}}, 99400,
             "Invalid Argument deviceName:deviceName is invalid"),
            ("POST", "create", {"orgId": O1}, {**good, "timezone": "+25:00"}, 99400,
             "Invalid Argument timezone:timezone is invalid"),
            ("POST", "create", {"orgId": O1}, {**good, "deviceKey": "a b"}, 99400,
             "Invalid Argument deviceKey:deviceKey is invalid"),
            ("POST", "create", {"orgId": O1}, {**good, "deviceTags": {"t": 1}}, 99400,
             "Invalid Argument deviceTags:deviceTags is invalid"),
            ("POST", "create", {"orgId": O1}, {**good, "deviceAttributes": [1]}, 99400,
             "Invalid Argument deviceAttributes:deviceAttributes is invalid"),
            ("POST", "create", {"orgId": O1}, {**good, "deviceKey": "dk1"}, 11702, "DeviceKey existed"),
            ("POST", "create", {"orgId": O1}, {**good, "productKey": "nope"}, 99404, "Product cannot be found"),
            ("GET", "get", {"orgId": O1}, None, 99400, MSG_DEVICE_ID),
            ("GET", "get", {"orgId": O1, "productKey": "pk1"}, None, 99400, MSG_DEVICE_ID),
            ("GET", "get", {"orgId": O1, "assetId": "o2-asset1"}, None, 11404, MSG_DEVICE_NOT_FOUND),
            ("GET", "get", {"orgId": O2, "assetId": "o2-asset1"}, None, 99403, f"Denied resource:  orgId {O2}"),
            ("POST", "update", {"orgId": O1, "assetId": "asset1"}, {"deviceKey": "x"}, 99400,
             "Invalid Argument deviceKey:deviceKey is unknown"),
            ("POST", "update", {"orgId": O1, "assetId": "asset1"}, {"timezone": 8}, 99400,
             "Invalid Argument timezone:timezone is invalid"),
            ("POST", "update", {"orgId": O1, "assetId": "nope"}, {"deviceDesc": "d"}, 11404, MSG_DEVICE_NOT_FOUND),
            ("POST", "update", {"orgId": O1}, {"deviceDesc": "d"}, 99400, MSG_DEVICE_ID),
            ("POST", "delete", {"orgId": O1, "assetId": "nope"}, None, 11404, MSG_DEVICE_NOT_FOUND),
            ("POST", "delete", {"orgId": O2, "assetId": "o2-asset1"}, None, 99403, f"Denied resource:  orgId {O2}"),
            ("POST", "enable", {"orgId": O1, "assetId": "asset1"}, None, 11721, "Device is enabled"),
            ("POST", "disable", {"orgId": O1}, None, 99400, MSG_DEVICE_ID),
            ("POST", "search", {"orgId": O1}, {"expression": "colour = 'red'"}, 99400, None),
            ("POST", "search", {"orgId": O1}, {"expression": "productKey like 'p'"}, 99400, None),
            ("POST", "search", {"orgId": O1}, {"expression": "productKey = 'pk1' or 1"}, 99400, None),
            ("POST", "search", {"orgId": O1}, {"expression": 5}, 99400,
             "Invalid Argument expression:expression is invalid"),
            ("POST", "search", {"orgId": O1}, {"pagination": {"pageSize": 201}}, 99400,
             "Invalid Argument pagination.pageSize:pagination.pageSize is invalid"),
            ("POST", "search", {"orgId": O1}, {"pagination": {"pageNo": 0}}, 99400,
             "Invalid Argument pagination.pageNo:pagination.pageNo is invalid"),
            ("POST", "search", {"orgId": O1}, {"filter": {}}, 99400, "Invalid Argument filter:filter is unknown"),
        ]
        for method, action, query, body, code, msg in cases:
            with self.subTest(action=action, query=query, body=body):
                r = self.devices(method, action, query, body)
                m = self.err(r, code, msg)
                if msg is None:
                    self.assertTrue(m.startswith("Invalid Argument expression:expression is invalid, "), m)
        # The org's own product under another org's key: o2's app cannot reach o1's product.
        r = self.devices("POST", "create", {"orgId": O2}, {**good, "productKey": "pk-long"}, c=self.c2)
        self.err(r, 99404, "Product cannot be found")
        self.assertEqual(self.db_counts(), before)
        # Without a token: the gateway's 401, nothing written.
        r = self.devices("POST", "create", {"orgId": O1}, good, auth="none")
        self.unauthorized(r)


if __name__ == "__main__":
    unittest.main()
