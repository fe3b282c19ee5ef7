"""An independent emCA v4.0.17 "Open API" client for the integration tests, written from the shared
notes (part A) and issue 5, not from LocalCA's code:

- POST /emCAServices/rest/<method>, Content-Type application/json, header emKey;
- body {"requestData": Base64(AES-256(inner JSON)), "userName": ...}; AES-256 ECB with PKCS#7
  padding (Java's default), or CBC / GCM with the IV / nonce in front of the ciphertext;
- the inner JSON carries the method's fields plus userName and password;
- `signature` is Base64 of a CMS SignedData made by `openssl cms -sign -binary -nodetach -md sha256`
  (DER, or BER with indefinite lengths with -stream), signed by the PFX's certificate;
- the multi-CSR payload is "ID1|<CSR>~ID2|<CSR>", the result "ID1|<Base64 DER>~..." in Base64;
- every answer is HTTP 200 {"status", "result", "subscriberId", "requestId"}.

Also holds `emca_test`, the base class of the test_emca*.py files: one data dir seeded with three
users (ECB, CBC, GCM), one user registered for another address, and RSA, ECC and
manual-authorization profiles, and one running server per test class.
"""
import base64
import json
import os
import shutil
import signal
import subprocess
import tempfile
import unittest

from cryptography import x509
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.x509.oid import NameOID

import harness
from harness import localca, openssl_tools, run, server

BASE = "/emCAServices/rest/"
CREATE = BASE + "createX509CertificatesByIdWithMultipleCsrData"
CREATE_ALIAS = BASE + "createCertificatesByIdWithMultipleCsrData"
BY_REQUEST_ID = BASE + "getCertificateByRequestID"
GET_CERT = BASE + "getCertificate"
REVOKE = BASE + "revoke"

# Error texts (emCA's documents; the last ones are LocalCA's choices, docs/emca.md).
INVALID_INPUT = "Invalid input data"
INVALID_PARAMETER = "Invalid parameter"
INVALID_REQUEST = "Invalid request details found"
SIGNATURE_FAILED = "Signature verification failed"
INVALID_VALIDITY = "Invalid validity"
INVALID_FROM = "Invalid From Date"
INVALID_DATA = "Please enter valid data"
CERT_NOT_FOUND = "Certificate does not exist"
ALREADY_REVOKED = "Certificate is already revoked"
REQUEST_REJECTED = "Request rejected"
REQUEST_NOT_FOUND = "Request ID does not exist"

EKU = {"clientAuth": "1.3.6.1.5.5.7.3.2", "serverAuth": "1.3.6.1.5.5.7.3.1"}


def aes_encrypt(mode, key, plain):
    if mode == "GCM":
        nonce = os.urandom(12)
        return nonce + AESGCM(key).encrypt(nonce, plain, None)
    padder = padding.PKCS7(128).padder()
    data = padder.update(plain) + padder.finalize()
    if mode == "ECB":
        enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
        return enc.update(data) + enc.finalize()
    iv = os.urandom(16)
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return iv + enc.update(data) + enc.finalize()


def py_csr(cn, alg="rsa", o="LocalCA Test", extra=()):
    """(PEM CSR, DER CSR) made with python cryptography."""
    key = rsa.generate_private_key(65537, 2048) if alg == "rsa" else ec.generate_private_key(ec.SECP256R1())
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "IN")]
    if o:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, o))
    attrs += list(extra)
    if cn:
        attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    req = x509.CertificateSigningRequestBuilder().subject_name(x509.Name(attrs)).sign(key, hashes.SHA256())
    return req.public_bytes(serialization.Encoding.PEM).decode(), req.public_bytes(serialization.Encoding.DER)


def payload_of(items, pem=False):
    """"ID1|<CSR>~ID2|<CSR>" from [(id, (pem, der))]."""
    return "~".join(f"{i}|{c[0] if pem else base64.b64encode(c[1]).decode()}" for i, c in items)


class signer:
    """A PFX-like signer: an RSA key and self-signed certificate made with openssl."""

    def __init__(self, ossl, name, alg="rsa"):
        self.ossl = ossl
        self.key = ossl.path(f"{name}.key")
        self.cert = ossl.path(f"{name}.crt")
        if alg == "rsa":
            run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", self.key, "-out", self.cert,
                 "-days", "30", "-subj", f"/CN={name}/O=emCA client"])
        else:
            run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                 "-keyout", self.key, "-out", self.cert, "-days", "30", "-subj", f"/CN={name}"])
        with open(self.cert) as f:
            self.cert_pem = f.read()

    def sign(self, content, stream=False, attrs=True):
        """Base64 of `openssl cms -sign -binary -nodetach -outform DER -md sha256` over content."""
        if isinstance(content, str):
            content = content.encode()
        path = self.ossl.write("content.bin", content)
        args = ["openssl", "cms", "-sign", "-binary", "-nodetach", "-outform", "DER", "-md", "sha256",
                "-signer", self.cert, "-inkey", self.key, "-in", path]
        if stream:
            args.append("-stream")
        if not attrs:
            args.append("-noattr")
        der = subprocess.run(args, capture_output=True, check=True).stdout
        return der

    def sign_b64(self, content, **kw):
        return base64.b64encode(self.sign(content, **kw)).decode()


class emca_client:
    def __init__(self, srv, user_name, password, em_key, aes_key, mode="ECB", send_user=True):
        self.srv = srv
        self.user_name = user_name
        self.password = password
        self.em_key = em_key
        self.aes_key = aes_key
        self.mode = mode
        self.send_user = send_user

    def raw(self, path, inner, em_key=None, aes_key=None, outer=None):
        """POST; returns (http status, body bytes)."""
        plain = json.dumps(inner).encode()
        body = {"requestData": base64.b64encode(aes_encrypt(self.mode, aes_key or self.aes_key, plain)).decode()}
        if self.send_user:
            body["userName"] = self.user_name
        if outer is not None:
            body = outer
        status, _, data = self.srv.request("POST", path, json.dumps(body), {
            "Content-Type": "application/json", "emKey": self.em_key if em_key is None else em_key})
        return status, data

    def call(self, path, fields, **kw):
        inner = {"userName": self.user_name, "password": self.password, **fields}
        status, data = self.raw(path, inner, **kw)
        assert status == 200, (status, data)
        body = json.loads(data)
        assert list(body) == ["status", "result", "subscriberId", "requestId"], body
        return body


def decode_result(result):
    """{"ID": x509.Certificate} from a create result, in order."""
    text = base64.b64decode(result).decode()
    out = {}
    for entry in text.split("~"):
        i, der = entry.split("|", 1)
        out[i] = x509.load_der_x509_certificate(base64.b64decode(der))
    return out


def gen_aes_key():
    return os.urandom(32)


class emca_test(unittest.TestCase):
    """One seeded data dir and server per class. Users: app1 (ECB), app2 (CBC), app3 (GCM, found
    by emKey only), far (registered for 10.9.9.9). Profiles: 3 (RSA), 4 (ECC), 9 (RSA, manual)."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="localca-emca-")
        cls.data = os.path.join(cls.tmp, "data")
        cls.ossl = openssl_tools(cls.tmp)
        cls.signers = {n: signer(cls.ossl, n) for n in ("s1", "s2", "other")}
        cls.signers["s3"] = signer(cls.ossl, "s3", alg="ec")
        cls.keys = {n: gen_aes_key() for n in ("app1", "app2", "app3", "far")}
        users = []
        for name, mode, sig, ips in (("app1", "ECB", "s1", ["127.0.0.1"]), ("app2", "CBC", "s2", ["10.1.1.1", "127.0.0.1"]),
                                     ("app3", "GCM", "s3", ["127.0.0.1"]), ("far", "ECB", "s1", ["10.9.9.9"])):
            users.append({"userName": name, "password": f"pw-{name}", "emKey": f"key-{name}",
                          "aesKey": base64.b64encode(cls.keys[name]).decode(), "aesMode": mode,
                          "allowedIps": ips, "signerCert": cls.signers[sig].cert_pem})
        profiles = [
            {"profileId": "3", "authority": "RSA", "keyTypes": ["RSA-2048"], "defaultValidity": "365:0:0:0",
             "maxValidity": "730:0:0:0", "requiredSubject": ["CN", "O"],
             "keyUsage": ["digitalSignature", "keyEncipherment"], "extendedKeyUsage": ["clientAuth"],
             "manualAuthorization": False},
            {"profileId": "4", "authority": "ECC", "keyTypes": ["P-256"], "defaultValidity": "30:0:0:0",
             "maxValidity": "90:0:0:0", "requiredSubject": ["CN"], "keyUsage": ["digitalSignature"],
             "extendedKeyUsage": ["clientAuth", "serverAuth"]},
            {"profileId": "9", "authority": "RSA", "defaultValidity": "10:0:0:0", "maxValidity": "20:0:0:0",
             "requiredSubject": ["CN"], "manualAuthorization": True},
        ]
        seed = os.path.join(cls.tmp, "seed.json")
        with open(seed, "w") as f:
            json.dump({"emca": {"users": users, "profiles": profiles}}, f)
        cls.seed_file = seed
        localca("seed", seed, "--data-dir", cls.data)
        cls.srv = server(cls.data)
        cls.c1 = cls.client("app1", "ECB")
        cls.c2 = cls.client("app2", "CBC")
        cls.c3 = cls.client("app3", "GCM", send_user=False)

    @classmethod
    def client(cls, name, mode, send_user=True):
        return emca_client(cls.srv, name, f"pw-{name}", f"key-{name}", cls.keys[name], mode, send_user)

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop(signal.SIGKILL)
        cls.srv.log.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    counter = 0

    def app_id(self):
        type(self).counter += 1
        return f"{self.id().rsplit('.', 1)[-1]}-{type(self).counter}"

    def create(self, client, sig_name, items, profile="3", stream=False, attrs=True, app_id=None, pem=False, **fields):
        content = payload_of(items, pem=pem)
        body = {"applicationId": app_id or self.app_id(), "profileID": profile, "subscriberId": "sub-1",
                "signature": self.signers[sig_name].sign_b64(content, stream=stream, attrs=attrs), **fields}
        return client.call(CREATE, body)

    def failure(self, body, text):
        self.assertEqual(body, {"status": "Failure", "result": text, "subscriberId": None, "requestId": None})

    def root(self, authority):
        status, _, pem = self.srv.request("GET", f"/enos/CA/cacert/{authority}")
        self.assertEqual(status, 200)
        return x509.load_pem_x509_certificate(pem)

    def db_count(self, table="certificates"):
        return harness.db_scalar(self.data, f"SELECT count(*) FROM {table}")
