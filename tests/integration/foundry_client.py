"""A Foundry API client for the integration tests, written from the Foundry self-provisioning
document (shared seeds 002) and the issue's spec, not from LocalCA's code:

- GET /foundry/certificates/generate[?topics=<url-encoded JSON array>] -> {id, arn, cert, private}
  with cert/private Base64 of PEM text;
- POST /foundry/certificates/provision {arn, certId, deviceId, topics};
- DELETE /foundry/certificates/revoke with certId, deviceId (query or JSON body);
- GET /foundry/certificates/{certId};
- auth: "Authorization: Bearer <token>" or "x-api-key: <token>".

Also holds `foundry_test`, the base class of the test_foundry_*.py files: it seeds two accounts
into a fresh data dir and starts the real server.
"""
import base64
import hashlib
import json
import os
import re
import urllib.parse

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from harness import localca, localca_test, run

ACCOUNT_A = "441898714953"
ACCOUNT_B = "123456789012"
TOKEN_A = "tok-a-7c1f2e9d"
TOKEN_A2 = "tok-a-second"
TOKEN_B = "tok-b-55d0a1"
REGION = "us-west-2"
DEVICES_A = ["a7b3c0-dev-1", "a7b3c0-dev-2", "shared-name"]
DEVICES_B = ["b-dev-1", "shared-name"]
UUID4_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
BASE = "/foundry/certificates"


def seed_doc(region=REGION):
    doc = {"foundry": {"accounts": [
        {"accountId": ACCOUNT_A, "tokens": [TOKEN_A, TOKEN_A2], "devices": DEVICES_A},
        {"accountId": ACCOUNT_B, "tokens": [TOKEN_B], "devices": DEVICES_B},
    ]}}
    if region:
        doc["foundry"]["region"] = region
    return doc


def der_sha256(pem):
    """The certificate id as the spec defines it: sha256 of the DER, via the openssl CLI."""
    der = run(["openssl", "x509", "-outform", "DER"], input=pem.encode(), text=False).stdout
    return hashlib.sha256(der).hexdigest()


def topics_query(topics):
    return "?" + urllib.parse.urlencode({"topics": json.dumps(topics)})


class generated:
    """A decoded generate answer."""

    def __init__(self, body):
        self.body = body
        self.id = body["id"]
        self.arn = body["arn"]
        self.cert_pem = base64.b64decode(body["cert"], validate=True).decode()
        self.key_pem = base64.b64decode(body["private"], validate=True).decode()
        self.cert = x509.load_pem_x509_certificate(self.cert_pem.encode())
        self.key = serialization.load_pem_private_key(self.key_pem.encode(), password=None)

    @property
    def cn(self):
        return self.cert.subject.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)[0].value


class foundry_test(localca_test):
    """Seeds accounts A (441898714953, two tokens, three devices) and B (123456789012, one token,
    two devices; "shared-name" exists in both) into a fresh data dir and starts the server with
    CONFIG."""
    CONFIG = {"foundry": {"keyPoolSize": 2}}
    REGION = REGION

    def setUp(self):
        super().setUp()
        seed = self.write_json("seed.json", seed_doc(self.REGION))
        localca("seed", seed, "--data-dir", self.data)
        doc = self.config_doc()
        self.config = self.write_json("config.json", doc) if doc else None
        self.s = self.start(config=self.config)

    def config_doc(self):
        """The server's config (None: no --config); tests that need paths under self.tmp override it."""
        return self.CONFIG

    def restart(self):
        self.s.stop()
        self.s = self.start(config=self.config)

    # ---- calls -----------------------------------------------------------------------------------
    def call(self, method, path, token=TOKEN_A, body=None, auth="bearer", headers=None):
        """Returns (status, parsed JSON or raw bytes)."""
        h = dict(headers or {})
        if token is not None:
            if auth == "bearer":
                h["Authorization"] = f"Bearer {token}"
            else:
                h["x-api-key"] = token
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
            h["Content-Type"] = "application/json"
        status, hdrs, data = self.s.request(method, path, body=body, headers=h)
        try:
            parsed = json.loads(data)
        except ValueError:
            return status, data
        ctype = {k.lower(): v for k, v in hdrs.items()}.get("content-type", "")
        self.assertIn("application/json", ctype)
        return status, parsed

    def generate(self, topics=None, token=TOKEN_A, query=None):
        q = query if query is not None else (topics_query(topics) if topics is not None else "")
        return self.call("GET", f"{BASE}/generate{q}", token)

    def provision(self, body, token=TOKEN_A):
        return self.call("POST", f"{BASE}/provision", token, body)

    def revoke(self, cert_id=None, device_id=None, token=TOKEN_A, via="query"):
        params = {k: v for k, v in (("certId", cert_id), ("deviceId", device_id)) if v is not None}
        if via == "query":
            q = ("?" + urllib.parse.urlencode(params)) if params else ""
            return self.call("DELETE", f"{BASE}/revoke{q}", token)
        return self.call("DELETE", f"{BASE}/revoke", token, params)

    def describe(self, cert_id, token=TOKEN_A):
        return self.call("GET", f"{BASE}/{cert_id}", token)

    # ---- assertions ------------------------------------------------------------------------------
    def ok(self, answer):
        status, body = answer
        self.assertEqual(status, 200, body)
        self.assertIsInstance(body, dict, body)
        self.assertIs(body.get("success"), True, body)
        return body

    def fails(self, answer, status, message=None, contains=()):
        got_status, body = answer
        self.assertEqual(got_status, status, body)
        self.assertIsInstance(body, dict, body)
        self.assertEqual(set(body), {"success", "message"}, body)
        self.assertIs(body["success"], False, body)
        self.assertIsInstance(body["message"], str)
        if message is not None:
            self.assertEqual(body["message"], message)
        for part in ([contains] if isinstance(contains, str) else contains):
            self.assertIn(part, body["message"])
        return body["message"]

    def unauthorized(self, answer):
        self.fails(answer, 401, "Unauthorized")

    # ---- helpers ---------------------------------------------------------------------------------
    def generated(self, topics=None, token=TOKEN_A):
        return generated(self.ok(self.generate(topics, token)))

    def provisioned(self, device, topics, token=TOKEN_A, g=None):
        g = g or self.generated(token=token)
        self.ok(self.provision({"arn": g.arn, "certId": g.id, "deviceId": device, "topics": topics},
                               token))
        return g

    def state(self, cert_id, token=TOKEN_A):
        return self.ok(self.describe(cert_id, token))

    def root_pem(self):
        status, _, pem = self.s.request("GET", "/enos/CA/cacert/RSA")
        self.assertEqual(status, 200)
        return pem.decode()

    def crl_entries(self):
        """{serial: reason name or None} of the RSA CRL, verified against the root."""
        status, _, der = self.s.request("GET", "/enos/CA/crl/RSA")
        self.assertEqual(status, 200)
        code, text = self.ossl.crl_text(self.root_pem(), der)
        self.assertEqual(code, 0, text)
        out = {}
        for r in x509.load_der_x509_crl(der):
            try:
                out[r.serial_number] = r.extensions.get_extension_for_class(x509.CRLReason).value.reason
            except x509.ExtensionNotFound:
                out[r.serial_number] = None
        return out

    def data_files_bytes(self):
        """Everything under the data dir (database, WAL, CA files)."""
        blob = b""
        for root, _, files in os.walk(self.data):
            for name in files:
                with open(os.path.join(root, name), "rb") as f:
                    blob += f.read()
        return blob
