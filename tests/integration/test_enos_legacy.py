"""EnOS's legacy certificate path, replayed as Envision's public legacy SDKs send it:

- Java `enos-api-sdk-java` (EnOSDefaultClient + ApplyCertificateByDeviceKeyRequest,
  ListCertificatesByDeviceKeyRequest, RevokeCertificateByDeviceKeyRequest and the ByAssetId
  twins): URL `<path>?accessKey=<ak>&sign=<SIGN>&orgId=<org>&requestTimestamp=<ms>[&certSN=]`,
  body = gson.toJson(csr) (a JSON string literal, gson's HTML-safe escapes: '=' -> \\u003d),
  headers Content-Type application/json;charset=UTF-8 and Accept application/json;
- Python `enos-api-sdk-python` as `enos-cert-tool`'s get_cert.py drives it:
  `?accessKey=<ak>&requestTimestamp=<ms>&orgId=<org>&sign=<SIGN>`, body '"' + PEM with "\\n"
  escaped + '"';
- SIGN = uppercase hex SHA-1(accessKey + Σ sorted(key + value of orgId, requestTimestamp and the
  request's own parameters) + body + appSecret) (Sign.java).

The answers are {status, requestId, msg, submsg, data}. The certificates come from the same
device service as the connect-service API (its list shows them, its CRL revokes them)."""
import hashlib
import json
import unittest
import urllib.parse

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from enos_client import AK1, AK2, O1, O2, SK1, SK2, devpk, dev, enos_test, now_ms, py_csr

PEM = serialization.Encoding.PEM


def rsa_csr(cn):
    """The legacy EnOS CA was RSA only: an RSA-2048 CSR, PEM."""
    return py_csr(cn, alg="rsa")[0]


def legacy_sign(ak, sk, params, body):
    content = ak + "".join(k + str(params[k]) for k in sorted(params)) + (body or "") + sk
    return hashlib.sha1(content.encode("utf-8")).hexdigest().upper()


def gson_string(s):
    """gson.toJson(String) with gson's default HTML-safe escaping."""
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch in "<>&='" or ord(ch) < 0x20:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


class legacy_sdk:
    """The two legacy SDKs' request construction (see the module doc)."""

    def __init__(self, srv, ak, sk):
        self.srv, self.ak, self.sk = srv, ak, sk

    def java(self, method, path, org, params=None, body=None, ts=None, sign=None, ak=None):
        text = dict(params or {})
        text["orgId"] = org
        text["requestTimestamp"] = str(now_ms() if ts is None else ts)
        ak = self.ak if ak is None else ak
        sig = legacy_sign(ak, self.sk, text, body) if sign is None else sign
        url = f"{path}?accessKey={ak}&sign={sig}&" + urllib.parse.urlencode(text)
        hdrs = {"Content-Type": "application/json;charset=UTF-8", "Accept": "application/json"}
        raw = body.encode("utf-8") if body is not None else None
        status, _, data = self.srv.request(method, url, raw, hdrs)
        return status, json.loads(data)

    def java_apply(self, org, pk, dk, csr_pem, **kw):
        return self.java("POST", f"/connectService/products/{pk}/devices/{dk}/certificates/apply", org,
                         body=gson_string(csr_pem), **kw)

    def python_apply(self, org, pk, dk, csr_pem):
        ts = str(now_ms())
        body = '"' + csr_pem.replace("\n", "\\n") + '"'  # get_cert.py
        sig = legacy_sign(self.ak, self.sk, {"requestTimestamp": ts, "orgId": org}, body)
        url = (f"/connectService/products/{pk}/devices/{dk}/certificates/apply"
               f"?accessKey={self.ak}&requestTimestamp={ts}&orgId={org}&sign={sig}")
        status, _, data = self.srv.request("POST", url, body.encode("utf-8"),
                                           {"content-type": "application/json;charset=UTF-8"})
        return status, json.loads(data)


class legacy_tests(enos_test):
    def setUp(self):
        super().setUp()
        self.j1 = legacy_sdk(self.s, AK1, SK1)

    def legacy_ok(self, answer):
        status, body = answer
        self.assertEqual(status, 200, body)
        self.assertEqual(list(body), ["status", "requestId", "msg", "submsg", "data"], body)
        self.assertEqual((body["status"], body["msg"], body["submsg"]), (0, "Success", None), body)
        return body["data"]

    def refused(self, answer, status, msg=None):
        code, body = answer
        self.assertEqual(code, 200, body)
        self.assertEqual(list(body), ["status", "requestId", "msg", "submsg", "data"], body)
        self.assertEqual(body["status"], status, body)
        self.assertIsNone(body["data"], body)
        if msg is not None:
            self.assertEqual(body["msg"], msg, body)
        return body["msg"]

    def check_cert(self, data, cn, authority="RSA"):
        self.assertEqual(set(data), {"certChainURL", "cert", "certSN"})
        self.assertEqual(data["certChainURL"], f"{self.s.base}/enos/CA/cacert/{authority}")
        cert = x509.load_pem_x509_certificate(data["cert"].encode())
        self.assertEqual(str(cert.serial_number), data["certSN"])
        self.assertEqual(cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value, cn)
        root = self.root_pem(authority)
        p = self.ossl.verify(root, data["cert"])
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        return cert

    def v2_serials(self, device, c=None):
        return set(self.listed(device, c))

    def test_java_sdk_apply_byte_for_byte(self):
        pem = rsa_csr("legacy-java-1")
        data = self.legacy_ok(self.j1.java_apply(O1, "pk1", "dk1", pem))
        cert = self.check_cert(data, "legacy-java-1")
        self.assertEqual(cert.public_key().public_bytes(PEM, serialization.PublicFormat.SubjectPublicKeyInfo),
                         x509.load_pem_x509_csr(pem.encode()).public_key().public_bytes(
                             PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
        days = (cert.not_valid_after - cert.not_valid_before).days
        self.assertEqual(days, 730)  # EnOS's default; the legacy call has no validDay
        # Same core: the connect-service list of the device shows it.
        self.assertIn(data["certSN"], self.v2_serials(devpk("pk1", "dk1")))

    def test_python_cert_tool_apply_byte_for_byte(self):
        pem, _ = self.ossl.csr("/C=CN/ST=Shanghai/L=Shanghai/O=EnOS/OU=EnOS CA/CN=legacy-py-1")
        data = self.legacy_ok(self.j1.python_apply(O1, "pk1", "dk2", pem))
        self.check_cert(data, "legacy-py-1")
        text = self.ossl.x509_text(data["cert"])
        self.assertIn("legacy-py-1", text)

    def test_list_and_revoke_by_device_key(self):
        base = "/connectService/products/pk1/devices/dk3/certificates/"
        self.assertEqual(self.legacy_ok(self.j1.java("GET", base + "list", O1)), [])
        sn = self.legacy_ok(self.j1.java_apply(O1, "pk1", "dk3", rsa_csr("legacy-rev-1")))["certSN"]
        self.assertEqual(self.legacy_ok(self.j1.java("GET", base + "list", O1)), [{"certSN": sn, "certStatus": 0}])
        self.assertIsNone(self.legacy_ok(self.j1.java("DELETE", base + "revoke", O1, params={"certSN": sn})))
        self.assertEqual(self.legacy_ok(self.j1.java("GET", base + "list", O1)), [{"certSN": sn, "certStatus": 1}])
        crl = x509.load_der_x509_crl(self.crl("RSA"))
        self.assertIsNotNone(crl.get_revoked_certificate_by_serial_number(int(sn)))
        # Revoking again: the connect-service text, legacy numbering.
        msg = self.refused(self.j1.java("DELETE", base + "revoke", O1, params={"certSN": sn}), 400)
        self.assertTrue(msg.startswith("Revoke cert is failed!message: "), msg)

    def test_by_asset_id_siblings(self):
        base = "/connectService/devices/asset4/certificates/"
        data = self.legacy_ok(self.j1.java("POST", base + "apply", O1, body=gson_string(rsa_csr("legacy-asset-4"))))
        self.check_cert(data, "legacy-asset-4")
        self.assertEqual(self.legacy_ok(self.j1.java("GET", base + "list", O1)), [{"certSN": data["certSN"], "certStatus": 0}])
        self.legacy_ok(self.j1.java("DELETE", base + "revoke", O1, params={"certSN": data["certSN"], "reason": "1"}))
        listed = self.listed(dev("asset4"))
        self.assertEqual(listed[data["certSN"]]["certStatus"], 1)
        self.assertEqual(listed[data["certSN"]]["revokerReason"], "KEY COMPROMISE")

    def test_auth_refused_in_legacy_format_nothing_written(self):
        pem = rsa_csr("legacy-auth-1")
        apply = "/connectService/products/pk1/devices/dk4/certificates/apply"
        self.refused(self.j1.java("POST", apply, O1, body=gson_string(pem), sign="0" * 40),
                     497, "App Signature Checked Fail")
        self.refused(self.j1.java("POST", apply, O1, body=gson_string(pem), ts=now_ms() - 600_000),
                     497, "App Timestamp Checked Fail")
        self.refused(self.j1.java("POST", apply, O1, body=gson_string(pem), ak="no-such-app"),
                     401, "Unauthenticated")
        # The signature covers the body: a swapped CSR fails.
        other = gson_string(rsa_csr("legacy-auth-2"))
        sig = legacy_sign(AK1, SK1, {"orgId": O1, "requestTimestamp": "1"}, gson_string(pem))
        self.refused(self.j1.java("POST", apply, O1, body=other, ts=1, sign=sig), 497)
        # An app acts on its own org only.
        self.refused(self.j1.java_apply(O2, "pk1", "dk1", pem), 498, "App Resource Permission Denied")
        self.assertEqual(self.v2_serials(devpk("pk1", "dk4")), set())
        self.assertEqual(self.v2_serials(devpk("pk1", "dk1", O2), self.c2), set())

    def test_bad_input_refused_in_legacy_format_nothing_written(self):
        apply = "/connectService/products/pk1/devices/dk5/certificates/apply"
        pem = rsa_csr("legacy-bad-1")
        for body in ("", "{}", "[1,2]", "42", '{"csr": 5}', "not a csr"):
            self.refused(self.j1.java("POST", apply, O1, body=body), 400, "Invalid Argument csr:csr is missing")
        self.refused(self.j1.java("POST", apply, O1, body=gson_string("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n"
                                                                      "-----END CERTIFICATE REQUEST-----\n")), 400)
        self.refused(self.j1.java_apply(O1, "pk1", "no-such-device", pem), 404, "Device cannot be found")
        self.refused(self.j1.java_apply(O1, "no-such-product", "dk5", pem), 404, "Device cannot be found")
        self.refused(self.j1.java_apply(O1, "pk-nobidi", "nb1", pem), 400)
        # Without orgId the signature still covers what was sent.
        ts = str(now_ms())
        sig = legacy_sign(AK1, SK1, {"requestTimestamp": ts}, gson_string(pem))
        status, _, data = self.s.request("POST", f"{apply}?accessKey={AK1}&sign={sig}&requestTimestamp={ts}",
                                         gson_string(pem).encode(), {"Content-Type": "application/json;charset=UTF-8"})
        self.refused((status, json.loads(data)), 400, "Invalid Argument orgId:orgId is missing")
        revoke = "/connectService/products/pk1/devices/dk5/certificates/revoke"
        self.refused(self.j1.java("DELETE", revoke, O1), 400, "Invalid Argument certSN:certSN is missing")
        self.refused(self.j1.java("DELETE", revoke, O1, params={"certSN": "abc"}), 400,
                     "Invalid Argument certSN:certSN is invalid")
        self.refused(self.j1.java("DELETE", revoke, O1, params={"certSN": "999999"}), 400)
        self.refused(self.j1.java("DELETE", revoke, O1, params={"certSN": "1", "reason": "bogus"}), 400)
        self.assertEqual(self.v2_serials(devpk("pk1", "dk5")), set())
        self.assertEqual(self.v2_serials(devpk("pk-nobidi", "nb1")), set())


class legacy_auth_off(enos_test):
    AUTH = "off"

    def test_off_needs_no_signature_but_an_existing_org(self):
        pem = rsa_csr("legacy-off-1")
        path = "/connectService/products/pk1/devices/dk1/certificates/apply"
        status, _, data = self.s.request("POST", f"{path}?orgId={O1}", gson_string(pem).encode(),
                                         {"Content-Type": "application/json;charset=UTF-8"})
        body = json.loads(data)
        self.assertEqual((status, body["status"]), (200, 0), body)
        self.assertIn(body["data"]["certSN"], set(self.listed(devpk("pk1", "dk1"))))
        status, _, data = self.s.request("POST", f"{path}?orgId=o-nowhere", gson_string(pem).encode(),
                                         {"Content-Type": "application/json;charset=UTF-8"})
        self.assertEqual(json.loads(data)["status"], 400)


if __name__ == "__main__":
    unittest.main()
