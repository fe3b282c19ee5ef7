#!/usr/bin/python3
"""Writes the seed corpora of the fuzz targets into tests/fuzz/corpus/<target>/.

Valid inputs made by real counterparts (python3-cryptography, the openssl CLI), plus a few edge
cases each. The output is checked in; run this again only to change the corpora (keys are fresh
each run, so every file changes). The emCA and CMS inputs are signed by tests/fuzz/keys/, whose
certificates the targets verify against, and encrypted with the emCA fuzz user's AES key
(bytes 0..31, fuzz_world.hpp).

    /usr/bin/python3 tests/fuzz/make_corpus.py
"""
import base64
import hashlib
import json
import os
import shutil
import subprocess
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.padding import PKCS7
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
AES_KEY = bytes(range(32))


def write(target, name, data):
    path = os.path.join(CORPUS, target, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def key(alg):
    if alg.startswith("rsa"):
        return rsa.generate_private_key(public_exponent=65537, key_size=int(alg[3:]))
    return ec.generate_private_key({"p256": ec.SECP256R1(), "p384": ec.SECP384R1()}[alg])


def csr(alg="p256", cn="dev1", digest=hashes.SHA256(), names=(), ca_ext=False):
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, cn)] if cn else []
    attrs += [x509.NameAttribute(oid, v) for oid, v in names]
    b = x509.CertificateSigningRequestBuilder().subject_name(x509.Name(attrs))
    if ca_ext:
        b = b.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    return b.sign(key(alg), digest)


def pem(req):
    return req.public_bytes(serialization.Encoding.PEM).decode()


def der(req):
    return req.public_bytes(serialization.Encoding.DER)


def load_signer(kind):
    with open(os.path.join(HERE, "keys", f"signer-{kind}.crt.pem"), "rb") as f:
        cert = x509.load_pem_x509_certificate(f.read())
    with open(os.path.join(HERE, "keys", f"signer-{kind}.key.pem"), "rb") as f:
        k = serialization.load_pem_private_key(f.read(), None)
    return cert, k


def cms(content, kind="ecc", attributes=True):
    cert, k = load_signer(kind)
    options = [pkcs7.PKCS7Options.Binary]
    if not attributes:
        options.append(pkcs7.PKCS7Options.NoAttributes)
    return (pkcs7.PKCS7SignatureBuilder().set_data(content)
            .add_signer(cert, k, hashes.SHA256()).sign(serialization.Encoding.DER, options))


def cms_openssl_stream(content, kind="ecc"):
    """BER with indefinite lengths, as `openssl cms -stream` writes it."""
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "content")
        with open(src, "wb") as f:
            f.write(content)
        return subprocess.run(
            ["openssl", "cms", "-sign", "-binary", "-nodetach", "-stream", "-md", "sha256",
             "-signer", os.path.join(HERE, "keys", f"signer-{kind}.crt.pem"),
             "-inkey", os.path.join(HERE, "keys", f"signer-{kind}.key.pem"),
             "-in", src, "-outform", "DER"], check=True, capture_output=True).stdout


def aes(mode, plain):
    if mode == "ECB":
        p = PKCS7(128).padder()
        e = Cipher(algorithms.AES(AES_KEY), modes.ECB()).encryptor()
        return e.update(p.update(plain) + p.finalize()) + e.finalize()
    if mode == "CBC":
        iv = os.urandom(16)
        p = PKCS7(128).padder()
        e = Cipher(algorithms.AES(AES_KEY), modes.CBC(iv)).encryptor()
        return iv + e.update(p.update(plain) + p.finalize()) + e.finalize()
    nonce = os.urandom(12)
    return nonce + AESGCM(AES_KEY).encrypt(nonce, plain, None)


def b64(data):
    return base64.b64encode(data).decode()


def http(method, target, headers=(), body=b""):
    if isinstance(body, str):
        body = body.encode()
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1"] + list(headers)
    if body or method in ("POST", "PUT", "DELETE"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def csr_corpus(ecc, rsa2048):
    write("csr", "p256.pem", pem(ecc))
    write("csr", "p256.der", der(ecc))
    write("csr", "rsa2048.pem", pem(rsa2048))
    write("csr", "rsa2048.der", der(rsa2048))
    write("csr", "rsa2048-crlf-new.pem", pem(rsa2048).replace("CERTIFICATE REQUEST",
                                                              "NEW CERTIFICATE REQUEST")
          .replace("\n", "\r\n"))
    write("csr", "p384.pem", pem(csr("p384")))
    write("csr", "rsa1024.pem", pem(csr("rsa1024")))
    write("csr", "p256-sha384.pem", pem(csr("p256", digest=hashes.SHA384())))
    write("csr", "p256-ca-true-many-rdns.pem",
          pem(csr("p256", cn="d\u00e9v \"2\", x", ca_ext=True,
                  names=[(NameOID.ORGANIZATION_NAME, "Acme"), (NameOID.COUNTRY_NAME, "CN"),
                         (NameOID.EMAIL_ADDRESS, "a@b.c")])))
    write("csr", "p256-no-subject.der", der(csr("p256", cn=None)))
    bad = bytearray(der(ecc))
    bad[-3] ^= 1  # inside the signature: proof of possession fails
    write("csr", "p256-bad-signature.der", bytes(bad))
    write("csr", "truncated.der", der(ecc)[:60])


def cms_corpus(payload):
    write("cms", "ecc-attributes.der", cms(payload))
    write("cms", "ecc-no-attributes.der", cms(payload, attributes=False))
    write("cms", "rsa-attributes.der", cms(b"1000001", kind="rsa"))
    write("cms", "rsa-no-attributes.der", cms(b"1000001", kind="rsa", attributes=False))
    write("cms", "ecc-openssl-stream.ber", cms_openssl_stream(b"1000001"))
    write("cms", "truncated.der", cms(b"42")[:100])


def emca_corpus(payload):
    create = {"applicationId": "app-1", "profileID": 1, "subscriberId": "sub-1",
              "validity": "30:0:0:0", "validFrom": "01:01:2030 00:00:00",
              "signature": b64(cms(payload)), "userName": "fuzz-user",
              "password": "fuzz-password"}
    revoke = {"signature": b64(cms(b" 1000001 ", attributes=False)), "revokeMode": "1",
              "remarks": "key lost", "userName": "fuzz-user", "password": "fuzz-password"}
    write("emca", "create-plain", b"\x00" + json.dumps(create).encode())
    write("emca", "revoke-plain", b"\x01" + json.dumps(revoke).encode())
    for i, mode in enumerate(["ECB", "CBC", "GCM"]):
        outer = {"requestData": b64(aes(mode, json.dumps(create).encode())),
                 "userName": "fuzz-user"}
        write("emca", f"create-outer-{mode.lower()}", bytes([0x80 | i]) + json.dumps(outer).encode())
    write("emca", "bad-dates", b"\x00" + json.dumps(
        {"validity": "36136:23:59:59", "validFrom": "29:02:2023 25:00:00", "revokeMode": 0,
         "signature": "not base64"}).encode())


def enos_corpus(ecc_pem, rsa_pem):
    device = "orgId=o1&productKey=pk1&deviceKey=dk1"
    write("enos", "apply-ecc", f"action=apply&{device}\n" + json.dumps(
        {"csr": ecc_pem, "validDay": 30, "issueAuthority": "ECC"}))
    write("enos", "apply-rsa-body-ids", "action=apply\n" + json.dumps(
        {"orgId": "o1", "assetId": "asset2", "csr": rsa_pem, "validDay": "365"}))
    write("enos", "renew", f"action=renew&{device}\n" + json.dumps({"certSn": "1000001"}))
    write("enos", "revoke", f"action=revoke&{device}&certSn=1000001\n" + json.dumps(
        {"reason": "KEY_COMPROMISE"}))
    write("enos", "list", f"action=list&{device}\n")
    write("enos", "bad-values", "action=apply&orgId=o1&assetId=\n" + json.dumps(
        {"csr": 1, "validDay": -1, "issueAuthority": "DSA", "certSn": 1e99}))
    write("enos", "token-get", "token/get\n" + json.dumps(
        {"appKey": "ak-1", "encryption": hashlib.sha256(b"ak-11700000000000sk-1").hexdigest(),
         "timestamp": 1700000000000}))
    write("enos", "token-refresh", "token/refresh\n" + json.dumps(
        {"appKey": "ak-1", "encryption": "00", "timestamp": "1700000000000",
         "accessToken": "x"}))


def foundry_corpus():
    write("foundry", "provision", b"\x00" + json.dumps(
        {"arn": "@ARN@", "certId": "@CERT_ID@", "deviceId": "d1",
         "topics": ["devices/d1/#", "cmd/+/in"]}).encode())
    write("foundry", "provision-api-key-bad-topics", b"\x40" + json.dumps(
        {"arn": "@ARN@", "certId": "@CERT_ID@", "deviceId": "d2", "topics": ["a/#/b", ""]}).encode())
    write("foundry", "revoke-query", b"\x01certId=@CERT_ID@&deviceId=d1\n")
    write("foundry", "revoke-body", b"\x01\n" + json.dumps(
        {"certId": "@CERT_ID@", "deviceId": "d1"}).encode())
    write("foundry", "describe", b"\x02@CERT_ID@")
    write("foundry", "describe-no-auth", b"\x22@CERT_ID@")
    write("foundry", "topics", b"\x03" + json.dumps(["a/b", "+/c/#", "$SYS/x"]).encode())


def seed_corpus():
    shutil.copy(os.path.join(HERE, "..", "..", "deploy", "seed.example.json"),
                os.path.join(CORPUS, "seed", "example.json"))
    with open(os.path.join(HERE, "keys", "world.seed.json")) as f:
        world = f.read()
    with open(os.path.join(HERE, "keys", "signer-ecc.crt.pem")) as f:
        world = world.replace("@SIGNER_CERT@", json.dumps(f.read()))
    write("seed", "world.json", world)
    write("seed", "duplicate-app-key.json", json.dumps({"enos": {"orgs": [
        {"orgId": "a", "apps": [{"appKey": "k", "appSecret": "s"}]},
        {"orgId": "b", "apps": [{"appKey": "k", "appSecret": "s"}]}]}}))
    write("seed", "foundry-shared-token.json", json.dumps({"foundry": {"accounts": [
        {"accountId": "111111111111", "tokens": ["t"], "devices": ["d"]},
        {"accountId": "222222222222", "tokens": ["t"]}]}}))
    write("seed", "unknown-key.json", '{"enos": {"orgs": [], "orgz": 1}}')


def http_corpus(ecc_pem):
    token = ["Authorization: Bearer fuzz-pki-token"]
    js = ["Content-Type: application/json"]
    write("http", "healthz", http("GET", "/healthz"))
    write("http", "cacert-pipelined", http("GET", "/enos/CA/cacert/ECC") +
          http("GET", "/enos/CA/crl/RSA?format=pem") + http("GET", "/enos/CA/crl"))
    write("http", "pki-issue", http("POST", "/pki/v1/certificates", token + js, json.dumps(
        {"csr": ecc_pem, "authority": "ECC", "validDays": 30})))
    write("http", "pki-get-revoke", http("GET", "/pki/v1/certificates/1000001", token) +
          http("POST", "/pki/v1/certificates/1000001/revoke", token + js, '{"reason": 1}'))
    write("http", "enos-token", http("POST", "/apim-token-service/v2.0/token/get", js, json.dumps(
        {"appKey": "ak-1", "encryption": "ab", "timestamp": 1700000000000})))
    write("http", "enos-unauthenticated", http(
        "POST", "/connect-service/v2.1/certificates?action=apply&orgId=o1&assetId=asset1",
        js + ["apim-accesstoken: x", "apim-signature: y", "apim-timestamp: 1"], '{"csr": "x"}'))
    write("http", "foundry-describe", http("GET", "/foundry/certificates/@CERT_ID@",
                                           ["x-api-key: fuzz-foundry-token"]))
    write("http", "foundry-provision-chunked",
          b"POST /foundry/certificates/provision HTTP/1.1\r\nHost: h\r\n"
          b"Authorization: Bearer fuzz-foundry-token\r\nTransfer-Encoding: chunked\r\n\r\n"
          b"4\r\n{\"ar\r\n9\r\nn\":\"@ARN@\"\r\n1\r\n}\r\n0\r\n\r\n")
    write("http", "emca-unknown-user", http(
        "POST", "/emCAServices/rest/getCertificate", js + ["emKey: nobody"],
        json.dumps({"requestData": b64(aes("ECB", b'{"userName": "x"}')), "userName": "x"})))
    write("http", "percent-encoded-http10",
          b"GET /enos/CA/cacert/%52SA?a=%20b+c&d HTTP/1.0\r\nExpect: 100-continue\r\n\r\n")
    write("http", "bad-framing",
          b"POST /pki/v1/certificates HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd")


def main():
    shutil.rmtree(CORPUS, ignore_errors=True)
    os.makedirs(os.path.join(CORPUS, "seed"))
    ecc, rsa2048 = csr("p256", cn="dev-ecc"), csr("rsa2048", cn="dev-rsa")
    payload = f"ID1|{pem(ecc)}~ID2|{b64(der(csr('p256', cn='dev-2')))}".encode()
    csr_corpus(ecc, rsa2048)
    cms_corpus(payload)
    emca_corpus(payload)
    enos_corpus(pem(csr("p256", cn="dk1")), pem(csr("rsa2048", cn="dk2")))
    foundry_corpus()
    seed_corpus()
    http_corpus(pem(csr("p256", cn="pki-1")))


if __name__ == "__main__":
    main()
