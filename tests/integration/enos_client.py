"""An independent EnOS API client for the integration tests, written from the EnOS documentation
(shared notes, section 3.1) and not from LocalCA's code:

- token service: POST /apim-token-service/v2.0/token/get and /token/refresh, with
  encryption = lowercase hex SHA-256(appKey + timestamp + appSecret), timestamp in epoch ms;
- signed API calls: headers apim-accesstoken, apim-timestamp and
  apim-signature = lowercase hex SHA-256(accessToken + concat(key + value of every query parameter,
  sorted by key, values URL-decoded) + raw body bytes + timestamp + appSecret);
- the connect-service certificate calls (apply, renew, revoke, list) and their envelope.

Also holds `enos_test`, the base class of the test_enos_*.py files: it seeds a fresh data directory
with two orgs (apps, products, devices) and starts the real server.
"""
import calendar
import hashlib
import json
import re
import time
import urllib.parse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from harness import localca, localca_test

JSON_CT = "application/json;charset=UTF-8"
AUTH_FAILURE = {"message": "Invalid authentication credentials"}
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)

# Messages of the EnOS documentation (and the decisions the implementation follows).
MSG_ACTION_MISSING = "Invalid Argument action:action is missing"
MSG_ACTION_INVALID = "Invalid Argument action:action is invalid"
MSG_ORG_MISSING = "Invalid Argument orgId:orgId is missing"
MSG_ORG_UNKNOWN = "Invalid Argument orgId:  orgId does not exist"
MSG_DEVICE_ID = "invalid argument: The device identifier is invalid"
MSG_DEVICE_NOT_FOUND = "Device cannot be found"
MSG_CSR_MISSING = "Invalid Argument csr:csr is missing"
MSG_NO_BIDI = ("The product to which the device belongs to is not a product that supports "
               "bi-directional authorization.")
MSG_VALIDDAY_MAX = ("The specified validity period exceeds the maximum certificate validity period of "
                    "the product to which this device belongs.")
PFX_PARAMS = "When calling Certificate Services, the call parameters are invalid.message: "
PFX_INVALID_CSR = "Invalid cert request!message: "
PFX_DUPLICATE = "Duplicate subject by certificate request!message: "
PFX_REVOKE_FAILED = "Revoke cert is failed!message: "
MSG_KEY_BOUND = "Certificate is already bound to another device."
MSG_CERTSN_MISSING = "Invalid Argument certSn:certSn is missing"
MSG_CERTSN_NEGATIVE = "The serial number of the new certificate is invalid (less than 0)."
MSG_NOT_BOUND = ("The certificate list bound to the device does not have the certificate, or the "
                 "certificate is bound to other devices.")
MSG_RENEW_REVOKED = "The original certificate has been revoked and cannot be updated."


def sha256_hex(data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def now_ms():
    return int(time.time() * 1000)


def encryption(app_key, timestamp, app_secret):
    return sha256_hex(f"{app_key}{timestamp}{app_secret}")


def signature(access_token, query, body, timestamp, app_secret):
    """query: dict of decoded values (or list of pairs); body: the raw bytes sent (or None)."""
    pairs = sorted(query.items() if isinstance(query, dict) else query, key=lambda kv: kv[0])
    data = access_token.encode() + b"".join(f"{k}{v}".encode("utf-8") for k, v in pairs)
    if body:
        data += body
    data += f"{timestamp}{app_secret}".encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def x500_java(name):
    """Java X500Name.toString() style of a cryptography x509.Name: RDNs in reverse DER order."""
    keywords = {NameOID.COMMON_NAME: "CN", NameOID.ORGANIZATIONAL_UNIT_NAME: "OU",
                NameOID.ORGANIZATION_NAME: "O", NameOID.LOCALITY_NAME: "L",
                NameOID.STATE_OR_PROVINCE_NAME: "ST", NameOID.COUNTRY_NAME: "C",
                NameOID.EMAIL_ADDRESS: "EMAILADDRESS"}
    parts = []
    for rdn in reversed(list(name.rdns)):
        parts.append("+".join(f"{keywords[a.oid]}={a.value}" for a in rdn))
    return ", ".join(parts)


def epoch_ms(dt):
    return calendar.timegm(dt.utctimetuple()) * 1000


def spki(obj):
    return obj.public_key().public_bytes(serialization.Encoding.DER,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


def py_csr(cn, alg="p256", key=None, extra_names=()):
    """A CSR made with python cryptography: returns (pem, key)."""
    if key is None:
        key = ec.generate_private_key(ec.SECP256R1()) if alg == "p256" else \
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, cn), *extra_names]
    csr = x509.CertificateSigningRequestBuilder().subject_name(x509.Name(attrs)).sign(key, hashes.SHA256())
    return csr.public_bytes(serialization.Encoding.PEM).decode(), key


class response:
    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.raw = raw
        try:
            self.json = json.loads(raw) if raw else None
        except ValueError:
            self.json = None

    def __repr__(self):
        return f"HTTP {self.status} {self.raw[:600]!r}"


class client:
    """One EnOS app (appKey/appSecret) talking to one LocalCA server."""

    def __init__(self, srv, app_key=None, app_secret=None):
        self.srv = srv
        self.app_key = app_key
        self.app_secret = app_secret
        self.access_token = None
        self.default_auth = "sign"

    # ---- token service -------------------------------------------------------------------------
    def token_call(self, op, body):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        status, hdrs, data = self.srv.request("POST", f"/apim-token-service/v2.0/token/{op}", raw,
                                              {"Content-Type": JSON_CT})
        return response(status, hdrs, data)

    def token_body(self, timestamp=None, ts_string=False, app_key=None, secret=None, enc=None, **more):
        app_key = self.app_key if app_key is None else app_key
        secret = self.app_secret if secret is None else secret
        ts = now_ms() if timestamp is None else timestamp
        body = {"appKey": app_key, "encryption": enc if enc is not None else encryption(app_key, ts, secret),
                "timestamp": str(ts) if ts_string else ts}
        body.update(more)
        return body

    def get_token(self, **kw):
        return self.token_call("get", self.token_body(**kw))

    def refresh_token(self, access_token=None, **kw):
        return self.token_call("refresh", self.token_body(
            accessToken=self.access_token if access_token is None else access_token, **kw))

    def login(self):
        r = self.get_token()
        assert r.status == 200 and r.json and r.json.get("status") == 0, r
        self.login_data = r.json["data"]
        self.access_token = r.json["data"]["accessToken"]
        return self.access_token

    # ---- signed API calls ----------------------------------------------------------------------
    def call(self, method, path, query=None, body=None, auth=None, token=None, timestamp=None,
             sig=None, secret=None, sign_query=None, sign_body=None, headers=None, header_case=None):
        """Sends one request. query: dict (decoded values, sent URL-encoded in the given order);
        body: dict (serialised here), bytes or None; auth: "sign" (token, timestamp, signature),
        "token" (token only), "none". sign_query/sign_body override what the signature covers."""
        auth = auth or self.default_auth
        query = dict(query or {})
        if isinstance(body, (dict, list)):
            raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
        else:
            raw = body
        target = path
        if query:
            target += "?" + urllib.parse.urlencode(query, quote_via=urllib.parse.quote, safe="")
        hdrs = {}
        if raw is not None:
            hdrs["Content-Type"] = JSON_CT
        if auth in ("sign", "token"):
            tok = token if token is not None else (self.access_token or self.login())
            hdrs["apim-accesstoken"] = tok
            if auth == "sign":
                ts = now_ms() if timestamp is None else timestamp
                hdrs["apim-timestamp"] = str(ts)
                hdrs["apim-signature"] = sig if sig is not None else signature(
                    tok, query if sign_query is None else sign_query,
                    raw if sign_body is None else sign_body, ts,
                    self.app_secret if secret is None else secret)
        if header_case == "title":
            hdrs = {"-".join(w.capitalize() for w in k.split("-")): v for k, v in hdrs.items()}
        elif header_case == "upper":
            hdrs = {k.upper(): v for k, v in hdrs.items()}
        hdrs.update(headers or {})
        status, rh, data = self.srv.request(method, target, raw, hdrs)
        return response(status, rh, data)

    def certificates(self, method, action, device, body=None, version="v2.0", **kw):
        q = {}
        if action is not None:
            q["action"] = action
        q.update(device or {})
        return self.call(method, f"/connect-service/{version}/certificates", q, body, **kw)

    def apply(self, device, csr=None, version="v2.0", **fields):
        body = {} if csr is None else {"csr": csr}
        body.update(fields)
        return self.certificates("POST", "apply", device, body, version)

    def renew(self, device, cert_sn=None, version="v2.0", **fields):
        body = {} if cert_sn is None else {"certSn": cert_sn}
        body.update(fields)
        return self.certificates("POST", "renew", device, body, version)

    def revoke(self, device, cert_sn=None, version="v2.0", **fields):
        body = {} if cert_sn is None else {"certSn": cert_sn}
        body.update(fields)
        return self.certificates("POST", "revoke", device, body, version)

    def list(self, device, version="v2.0"):
        return self.certificates("GET", "list", device, None, version)


# ---- the seeded world ------------------------------------------------------------------------------
O1, O2 = "o1", "o2"
AK1, SK1 = "ak-o1-0001", "sk-o1-secret-0001"
AK2, SK2 = "ak-o2-0001", "sk-o2-secret-0001"
ODD_ASSET = "a s/e+t&x=y?é"  # needs URL encoding; the signature covers the decoded value
CONCURRENT = 20


def seed_doc():
    devices = [{"deviceKey": f"dk{i}", "assetId": f"asset{i}"} for i in range(1, 6)]
    devices.append({"deviceKey": "dk-odd", "assetId": ODD_ASSET})
    return {"enos": {"orgs": [
        {"orgId": O1, "apps": [{"appKey": AK1, "appSecret": SK1}],
         "products": [
             {"productKey": "pk1", "biDirectionalAuth": True, "maxValidDay": 3650, "devices": devices},
             {"productKey": "pk-long", "biDirectionalAuth": True, "maxValidDay": 36500,
              "devices": [{"deviceKey": "long1", "assetId": "asset-long1"}]},
             {"productKey": "pk-nobidi", "biDirectionalAuth": False, "maxValidDay": 365,
              "devices": [{"deviceKey": "nb1", "assetId": "asset-nb1"}]},
             {"productKey": "pk-many", "biDirectionalAuth": True, "maxValidDay": 3650,
              "devices": [{"deviceKey": f"c{i:02d}", "assetId": f"asset-c{i:02d}"} for i in range(CONCURRENT)]},
         ]},
        {"orgId": O2, "apps": [{"appKey": AK2, "appSecret": SK2}],
         "products": [
             {"productKey": "pk1", "biDirectionalAuth": True, "maxValidDay": 3650,
              "devices": [{"deviceKey": "dk1", "assetId": "o2-asset1"}]},
         ]},
    ]}}


def dev(asset, org=O1):
    return {"orgId": org, "assetId": asset}


def devpk(pk, dk, org=O1):
    return {"orgId": org, "productKey": pk, "deviceKey": dk}


class enos_test(localca_test):
    """Seeds two orgs into a fresh data dir, starts the server with `enos.auth` = AUTH (None: no
    config, i.e. the default strict mode) and logs in one client per org."""
    AUTH = None

    def setUp(self):
        super().setUp()
        seed = self.write_json("seed.json", seed_doc())
        localca("seed", seed, "--data-dir", self.data)
        self.config = self.write_json("config.json", {"enos": {"auth": self.AUTH}}) if self.AUTH else None
        self.restart(first=True)

    def restart(self, first=False):
        if not first:
            self.s.stop()
        self.s = self.start(config=self.config)
        self.c1 = client(self.s, AK1, SK1)
        self.c2 = client(self.s, AK2, SK2)
        if self.AUTH == "off":
            self.c1.default_auth = self.c2.default_auth = "none"
        elif not first:
            self.c1.access_token, self.c2.access_token = self.tokens
        else:
            self.c1.login()
            self.c2.login()
        self.tokens = (self.c1.access_token, self.c2.access_token)
        return self.s

    # ---- envelope assertions -------------------------------------------------------------------
    def ok(self, r):
        """Asserts a success envelope, returns data."""
        self.assertEqual(r.status, 200, r)
        self.assertIsInstance(r.json, dict, r)
        self.assertEqual((r.json.get("code"), r.json.get("msg")), (0, "OK"), r)
        self.assertRegex(str(r.json.get("requestId")), UUID_RE)
        self.assertIn("application/json", {k.lower(): v for k, v in r.headers.items()}.get("content-type", ""))
        self.assertIn("data", r.json)
        return r.json["data"]

    def err(self, r, code, msg=None, prefix=None, contains=()):
        """Asserts a business error: HTTP 200, `code`, data null, and msg equal to / starting with."""
        self.assertEqual(r.status, 200, r)
        self.assertIsInstance(r.json, dict, r)
        self.assertEqual(r.json.get("code"), code, r)
        self.assertIn("data", r.json, r)
        self.assertIsNone(r.json["data"], r)
        self.assertRegex(str(r.json.get("requestId")), UUID_RE)
        m = r.json.get("msg")
        self.assertIsInstance(m, str, r)
        if msg is not None:
            self.assertEqual(m, msg, r)
        if prefix is not None:
            self.assertTrue(m.startswith(prefix), f"msg {m!r} does not start with {prefix!r}")
        for part in ([contains] if isinstance(contains, str) else contains):
            self.assertIn(part, m)
        return m

    def unauthorized(self, r):
        self.assertEqual(r.status, 401, r)
        self.assertEqual(r.json, AUTH_FAILURE, r)

    # ---- certificate helpers -------------------------------------------------------------------
    def root_pem(self, authority):
        status, _, pem = self.s.request("GET", f"/enos/CA/cacert/{authority}")
        self.assertEqual(status, 200)
        return pem.decode()

    def crl(self, authority):
        status, _, der = self.s.request("GET", f"/enos/CA/crl/{authority}")
        self.assertEqual(status, 200)
        return der

    def applied(self, device, csr, c=None, **fields):
        """Applies, asserts success, returns (data, x509 certificate)."""
        data = self.ok((c or self.c1).apply(device, csr, **fields))
        self.assertIsInstance(data, dict)
        return data, x509.load_pem_x509_certificate(data["cert"].encode())

    def listed(self, device, c=None):
        data = self.ok((c or self.c1).list(device))
        self.assertIsInstance(data, list)
        return {e["certSN"]: e for e in data}
