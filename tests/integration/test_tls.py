"""The HTTPS listener (config "tls"): automatic server certificate from the RSA authority and
its renewal, certificate files, protocol and cipher policy, side by side with plain HTTP.
Checked with curl, the openssl CLI, Python's ssl module and python3-cryptography."""
import http.client
import os
import socket
import ssl
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import harness  # noqa: E402
from harness import BIN, localca, run  # noqa: E402

from cryptography import x509  # noqa: E402
from cryptography.x509.oid import ExtendedKeyUsageOID  # noqa: E402


def wait_for(what, predicate, seconds=60):
    """Polls until predicate() is true; fails naming `what` after a generous deadline."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


class tls_test(harness.localca_test):
    def tls_config(self, tls, **top):
        self.tls_port = harness.free_port()
        return self.write_json("config.json", {**top, "tls": {"listen": f"127.0.0.1:{self.tls_port}", **tls}})

    def root_pem(self, s):
        status, _, body = s.request("GET", "/enos/CA/cacert/RSA")
        self.assertEqual(status, 200)
        self.assertIn(b"BEGIN CERTIFICATE", body)
        return self.ossl.write("root.pem", body)

    def curl(self, cafile, url, *extra, **kw):
        # --resolve: "localhost" is 127.0.0.1 here whatever /etc/hosts says about ::1.
        return run(["curl", "-sS", "--max-time", "30", "--cacert", cafile,
                    "--resolve", f"localhost:{self.tls_port}:127.0.0.1", *extra, url], check=False, **kw)

    def s_client(self, cafile, *extra, servername="localhost"):
        return run(["openssl", "s_client", "-connect", f"127.0.0.1:{self.tls_port}", "-servername", servername,
                    "-CAfile", cafile, "-verify_return_error", *extra],
                   check=False, input="", timeout=60)

    def served_certificate(self, cafile):
        """The certificate the server presents now (as python-cryptography object)."""
        p = self.s_client(cafile, "-showcerts")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        pem = p.stdout[p.stdout.index("-----BEGIN CERTIFICATE-----"):]
        pem = pem[:pem.index("-----END CERTIFICATE-----") + len("-----END CERTIFICATE-----")]
        return x509.load_pem_x509_certificate(pem.encode())

    def https_connection(self, cafile):
        ctx = ssl.create_default_context(cafile=cafile)
        return http.client.HTTPSConnection("localhost", self.tls_port, context=ctx, timeout=30)

    def audit_tail(self):
        import json
        out = localca("audit", "tail", "-n", "100", "--data-dir", self.data).stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]


class auto_mode(tls_test):
    def setUp(self):
        super().setUp()
        cfg = self.tls_config({"auto": ["localhost", "127.0.0.1", "::1", "ca.example.test"]})
        self.s = self.start(config=cfg)
        self.root = self.root_pem(self.s)

    def test_curl_and_s_client_verify_against_the_rsa_root(self):
        p = self.curl(self.root, f"https://localhost:{self.tls_port}/healthz")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("ok", p.stdout.lower())
        p = self.curl(self.root, f"https://127.0.0.1:{self.tls_port}/healthz")  # the IP SAN
        self.assertEqual(p.returncode, 0, p.stderr)
        p = self.s_client(self.root, "-verify_hostname", "localhost")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("Verify return code: 0 (ok)", p.stdout)
        # A name not in the certificate is refused by the client.
        p = self.s_client(self.root, "-verify_hostname", "other.example.test")
        self.assertNotEqual(p.returncode, 0)

    def test_certificate_is_a_server_profile_certificate_recorded_like_any_other(self):
        cert = self.served_certificate(self.root)
        with open(self.root, "rb") as f:
            root = x509.load_pem_x509_certificate(f.read())
        self.assertEqual(cert.issuer, root.subject)
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        self.assertEqual(sorted(san.get_values_for_type(x509.DNSName)), ["ca.example.test", "localhost"])
        self.assertEqual(sorted(str(a) for a in san.get_values_for_type(x509.IPAddress)), ["127.0.0.1", "::1"])
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        self.assertEqual(list(eku), [ExtendedKeyUsageOID.SERVER_AUTH])
        ku = cert.extensions.get_extension_for_class(x509.KeyUsage)
        self.assertTrue(ku.critical)
        self.assertTrue(ku.value.digital_signature and ku.value.key_encipherment)
        self.assertFalse(ku.value.key_cert_sign)
        bc = cert.extensions.get_extension_for_class(x509.BasicConstraints)
        self.assertFalse(bc.value.ca)
        lifetime = cert.not_valid_after - cert.not_valid_before
        self.assertEqual(lifetime.total_seconds(), 30 * 86400)  # the documented default
        # Durable serial and an audit entry like every certificate.
        entries = [e for e in self.audit_tail() if e.get("certSN") == cert.serial_number]
        self.assertEqual([(e["action"], e["actor"]) for e in entries], [("issue", "tls-auto")])

    def test_tls_1_1_refused_tls_1_2_with_aead_ecdhe_accepted(self):
        # The client allows TLS 1.1 (SECLEVEL=0), so the refusal is the server's.
        p = self.s_client(self.root, "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("alert protocol version", p.stdout + p.stderr)
        p = self.s_client(self.root, "-tls1_2")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("Protocol  : TLSv1.2", p.stdout)
        self.assertRegex(p.stdout, r"Cipher is ECDHE-RSA-(AES128-GCM-SHA256|AES256-GCM-SHA384|CHACHA20-POLY1305)")
        p = self.s_client(self.root, "-tls1_3")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("TLSv1.3", p.stdout)
        # CBC and static-RSA suites are not offered.
        for cipher in ["AES128-SHA", "ECDHE-RSA-AES128-SHA", "AES128-GCM-SHA256"]:
            p = self.s_client(self.root, "-tls1_2", "-cipher", cipher)
            self.assertNotEqual(p.returncode, 0, cipher)

    def test_plain_http_and_https_side_by_side(self):
        status, headers, body = self.s.request("GET", "/healthz")
        self.assertEqual(status, 200)
        conn = self.https_connection(self.root)
        try:
            for _ in range(3):  # keep-alive over TLS
                conn.request("GET", "/healthz")
                r = conn.getresponse()
                r.read()
                self.assertEqual(r.status, 200)
                self.assertTrue(r.getheader("X-Request-Id"))
            # The same routes and limits: 404 and 413 over TLS too.
            conn.request("GET", "/no/such/route")
            r = conn.getresponse()
            r.read()
            self.assertEqual(r.status, 404)
        finally:
            conn.close()
        p = self.curl(self.root, f"https://localhost:{self.tls_port}/pki/v1/x", "-o", "/dev/null",
                      "-w", "%{http_code}", "-X", "POST", "--data-binary", "@-",
                      "-H", "Content-Type: application/json", input="x" * (2 * 1024 * 1024))
        self.assertEqual(p.stdout, "413", p.stderr)


class renewal(tls_test):
    def test_new_certificate_for_new_connections_old_connection_keeps_working(self):
        # A 1-day certificate renewed 3 s after issue, so the test sees several renewals.
        cfg = self.tls_config({"auto": ["localhost"], "validityDays": 1, "renewBeforeSeconds": 86400 - 3},
                              limits={"headerTimeoutSeconds": 60, "readTimeoutSeconds": 60})
        s = self.start(config=cfg)
        root = self.root_pem(s)

        old = self.https_connection(root)
        old.request("GET", "/healthz")
        old.getresponse().read()
        old_der = old.sock.getpeercert(binary_form=True)
        old_serial = x509.load_der_x509_certificate(old_der).serial_number

        def renewed():
            return self.served_certificate(root).serial_number != old_serial
        wait_for("a renewed certificate", renewed)
        new = self.served_certificate(root)
        self.assertGreater(new.serial_number, old_serial)
        self.assertEqual(new.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
                         .get_values_for_type(x509.DNSName), ["localhost"])

        # The connection opened before the renewal still answers, on its original certificate.
        old.request("GET", "/healthz")
        r = old.getresponse()
        r.read()
        self.assertEqual(r.status, 200)
        self.assertEqual(old.sock.getpeercert(binary_form=True), old_der)
        old.close()

        p = self.curl(root, f"https://localhost:{self.tls_port}/healthz")
        self.assertEqual(p.returncode, 0, p.stderr)
        issued = [e["certSN"] for e in self.audit_tail() if e.get("actor") == "tls-auto"]
        self.assertIn(old_serial, issued)
        self.assertIn(new.serial_number, issued)


class files_mode(tls_test):
    def make_cert(self, name, cn="localhost"):
        key, crt = self.ossl.path(f"{name}.key"), self.ossl.path(f"{name}.crt")
        run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-subj", f"/CN={cn}", "-addext", f"subjectAltName=DNS:{cn},IP:127.0.0.1",
             "-days", "2", "-keyout", key, "-out", crt])
        return crt, key

    def test_certificate_and_key_from_openssl(self):
        crt, key = self.make_cert("server")
        s = self.start(config=self.tls_config({"certFile": crt, "keyFile": key}))
        p = self.curl(crt, f"https://localhost:{self.tls_port}/healthz")
        self.assertEqual(p.returncode, 0, p.stderr)
        p = self.s_client(crt, "-tls1_2")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertRegex(p.stdout, r"Cipher is ECDHE-ECDSA-")
        self.assertEqual(s.request("GET", "/healthz")[0], 200)

    def serve_fails(self, cfg):
        p = localca("serve", "--data-dir", self.data, "--listen", f"127.0.0.1:{harness.free_port()}",
                    "--config", cfg, check=False)
        self.assertEqual(p.returncode, 1)
        return p.stderr

    def test_unreadable_or_mismatched_files_refuse_to_start(self):
        crt, key = self.make_cert("a")
        _, other_key = self.make_cert("b")
        err = self.serve_fails(self.tls_config({"certFile": crt, "keyFile": other_key}))
        self.assertIn("tls.certFile", err)
        self.assertIn("does not match", err)
        missing = self.ossl.path("missing.crt")
        err = self.serve_fails(self.tls_config({"certFile": missing, "keyFile": key}))
        self.assertIn(f"tls.certFile: cannot read {missing}", err)
        err = self.serve_fails(self.tls_config({"certFile": crt, "keyFile": crt}))
        self.assertIn("tls.keyFile", err)


class https_only(tls_test):
    def test_plain_listener_off(self):
        cfg = self.tls_config({"auto": ["127.0.0.1"]}, listen="")
        log = open(self.ossl.path("server.log"), "w+")
        proc = subprocess.Popen([BIN, "serve", "--data-dir", self.data, "--config", cfg],
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            root = os.path.join(self.data, "ca", "rsa.crt.pem")

            def healthy():
                self.assertIsNone(proc.poll(), "server exited")
                if not os.path.exists(root):
                    return False
                return self.curl(root, f"https://127.0.0.1:{self.tls_port}/healthz").returncode == 0
            wait_for("the HTTPS listener", healthy)
            log.seek(0)
            text = log.read()
            self.assertIn(f"listening on https://127.0.0.1:{self.tls_port}", text)
            self.assertNotIn("listening on http://", text)
        finally:
            proc.terminate()
            proc.wait(30)
            log.close()


class limits(tls_test):
    def test_stalled_handshake_is_cut_off_by_the_header_timeout(self):
        cfg = self.tls_config({"auto": ["localhost"]}, limits={"headerTimeoutSeconds": 1})
        self.start(config=cfg)
        with socket.create_connection(("127.0.0.1", self.tls_port)) as sock:
            sock.settimeout(30)
            self.assertEqual(sock.recv(1), b"")  # closed by the server, no handshake ever started


class bad_config(tls_test):
    def refused(self, tls, **top):
        cfg = self.write_json("bad.json", {**top, "tls": tls})
        p = localca("serve", "--data-dir", self.data, "--config", cfg, check=False)
        self.assertNotEqual(p.returncode, 0)
        return p.stderr

    def test_errors_name_the_key(self):
        l = "127.0.0.1:1"
        cases = [
            ({"listen": l, "auto": ["localhost"], "certFile": "a", "keyFile": "b"}, "tls.auto: cannot be combined"),
            ({"listen": l, "certFile": "a"}, "tls.keyFile: must be set together with tls.certFile"),
            ({"listen": l, "keyFile": "b"}, "tls.certFile: must be set together with tls.keyFile"),
            ({"listen": l}, "tls: set tls.certFile and tls.keyFile, or tls.auto"),
            ({"auto": ["localhost"]}, "tls.listen: must be set"),
            ({"listen": l, "auto": ["local host"]}, "tls.auto[0]: must be an IP address or a DNS name"),
            ({"listen": l, "auto": ["localhost", "-bad-"]}, "tls.auto[1]: must be an IP address or a DNS name"),
            ({"listen": l, "auto": ["localhost"], "validityDays": 1, "renewBeforeSeconds": 86400},
             "tls.renewBeforeSeconds: must be less than"),
            ({"listen": "nonsense", "auto": ["localhost"]}, "tls.listen: must be HOST:PORT"),
            ({"listen": l, "auto": ["localhost"], "certfile": "x"}, "tls.certfile: unknown key"),
        ]
        for tls, message in cases:
            with self.subTest(message=message):
                self.assertIn(message, self.refused(tls))
        self.assertIn("listen: must be HOST:PORT", self.refused({}, listen=""))


if __name__ == "__main__":
    unittest.main()
