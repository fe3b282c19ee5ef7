"""mkcert-style local certificates (`localca cert`) and the roots in the machine's trust stores
(`localca trust`), checked with openssl, python cryptography and curl. The trust test changes the
system store (and Java's cacerts when keytool exists) and always takes the roots out again."""
import os
import shutil
import socket
import stat
import subprocess
import time
import unittest

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from harness import free_port, localca, localca_test, run


class local_cert_tests(localca_test):
    def setUp(self):
        super().setUp()
        self.out = os.path.join(self.tmp, "out")

    def cert(self, *args):
        return localca("cert", *args, "--data-dir", self.data, "--out-dir", self.out)

    def load(self, name):
        with open(os.path.join(self.out, name), "rb") as f:
            return x509.load_pem_x509_certificate(f.read())

    def root(self, kind="rsa"):
        return os.path.join(self.data, "ca", f"{kind}.crt.pem")

    def verify(self, kind, cert_file, purpose):
        return run(["openssl", "verify", "-x509_strict", "-purpose", purpose, "-CAfile",
                    self.root(kind), os.path.join(self.out, cert_file)], check=False)

    def test_localhost_files_modes_and_verification(self):
        p = self.cert("localhost", "127.0.0.1")
        self.assertIn("localhost+1.pem", p.stdout)
        self.assertEqual(sorted(os.listdir(self.out)), ["localhost+1-key.pem", "localhost+1.pem"])
        key_mode = stat.S_IMODE(os.stat(os.path.join(self.out, "localhost+1-key.pem")).st_mode)
        self.assertEqual(key_mode, 0o600)
        v = self.verify("rsa", "localhost+1.pem", "sslserver")
        self.assertEqual(v.returncode, 0, v.stdout + v.stderr)
        cert = self.load("localhost+1.pem")
        self.assertIsInstance(cert.public_key(), rsa.RSAPublicKey)
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        self.assertEqual(san.get_values_for_type(x509.DNSName), ["localhost"])
        self.assertEqual([str(i) for i in san.get_values_for_type(x509.IPAddress)], ["127.0.0.1"])
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        self.assertEqual(list(eku), [ExtendedKeyUsageOID.SERVER_AUTH])
        # The key matches the certificate.
        with open(os.path.join(self.out, "localhost+1-key.pem"), "rb") as f:
            from cryptography.hazmat.primitives.serialization import load_pem_private_key
            key = load_pem_private_key(f.read(), None)
        self.assertEqual(key.public_key().public_numbers(), cert.public_key().public_numbers())
        # Through the normal path: stored, audited, revocable like every certificate.
        audit = localca("audit", "tail", "-n", "3", "--data-dir", self.data).stdout
        self.assertIn('"action":"local-cert"', audit)
        self.assertIn(f'"certSN":{cert.serial_number}', audit)
        # A single name: no "+0".
        self.cert("single.test")
        self.assertTrue(os.path.exists(os.path.join(self.out, "single.test.pem")))
        # --days
        self.cert("short.test", "--days", "7")
        short = self.load("short.test.pem")
        self.assertEqual((short.not_valid_after - short.not_valid_before).days, 7)

    def test_client_ecdsa_email_uri(self):
        self.cert("dev@example.com", "spiffe://lab/device", "--client", "--ecdsa")
        name = "dev@example.com+1-client.pem"
        cert = self.load(name)
        self.assertIsInstance(cert.public_key(), ec.EllipticCurvePublicKey)
        self.assertEqual(cert.public_key().curve.name, "secp256r1")
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        self.assertEqual(san.get_values_for_type(x509.RFC822Name), ["dev@example.com"])
        self.assertEqual(san.get_values_for_type(x509.UniformResourceIdentifier),
                         ["spiffe://lab/device"])
        eku = list(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
        self.assertIn(ExtendedKeyUsageOID.CLIENT_AUTH, eku)
        self.assertNotIn(ExtendedKeyUsageOID.SERVER_AUTH, eku)
        v = self.verify("ecc", name, "sslclient")
        self.assertEqual(v.returncode, 0, v.stdout + v.stderr)
        v = self.verify("ecc", name, "sslserver")
        self.assertNotEqual(v.returncode, 0)
        v = self.verify("rsa", name, "sslclient")  # signed by the ECC root, not the RSA one
        self.assertNotEqual(v.returncode, 0)

    def test_p12_readable_by_openssl(self):
        p = self.cert("localhost", "::1", "--p12")
        self.assertIn("changeit", p.stdout)
        path = os.path.join(self.out, "localhost+1.p12")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        out = run(["openssl", "pkcs12", "-in", path, "-passin", "pass:changeit", "-nodes"]).stdout
        self.assertIn("BEGIN CERTIFICATE", out)
        self.assertIn("PRIVATE KEY", out)
        cert = x509.load_pem_x509_certificate(out[out.index("-----BEGIN CERTIFICATE"):].encode())
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        self.assertEqual([str(i) for i in san.get_values_for_type(x509.IPAddress)], ["::1"])
        bad = run(["openssl", "pkcs12", "-in", path, "-passin", "pass:wrong", "-nodes"], check=False)
        self.assertNotEqual(bad.returncode, 0)

    def test_bad_names_refused_before_anything_is_written(self):
        p = localca("cert", "not a name", "--data-dir", self.data, "--out-dir", self.out, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("'not a name'", p.stderr)
        self.assertFalse(os.path.exists(self.out))
        p = localca("cert", "x.test", "--days", "0", "--data-dir", self.data, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("--days", p.stderr)


def wait_listening(port, proc, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError("openssl s_server exited: " + proc.stdout.read())
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("openssl s_server did not listen")


@unittest.skipUnless(os.geteuid() == 0 and os.path.exists("/usr/sbin/update-ca-certificates"),
                     "needs root and update-ca-certificates")
class trust_tests(localca_test):
    def curl(self, port):
        # No --cacert: the system store decides.
        return run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                    f"https://localhost:{port}/"], check=False)

    def test_install_trusts_uninstall_does_not(self):
        out = os.path.join(self.tmp, "out")
        localca("cert", "localhost", "127.0.0.1", "--data-dir", self.data, "--out-dir", out)
        port = free_port()
        server = subprocess.Popen(
            ["openssl", "s_server", "-accept", str(port), "-www", "-cert",
             os.path.join(out, "localhost+1.pem"), "-key", os.path.join(out, "localhost+1-key.pem")],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
        try:
            wait_listening(port, server)
            before = self.curl(port)
            self.assertNotEqual(before.returncode, 0, "trusted before install?")
            try:
                p = localca("trust", "install", "--data-dir", self.data)
                self.assertIn("system store", p.stdout)
                status = localca("trust", "status", "--data-dir", self.data).stdout
                self.assertIn("system store: installed (/usr/local/share/ca-certificates/localca-rsa-",
                              status)
                self.assertIn("system store: installed (/usr/local/share/ca-certificates/localca-ecc-",
                              status)
                trusted = self.curl(port)
                self.assertEqual((trusted.returncode, trusted.stdout), (0, "200"), trusted.stderr)
                if "Java cacerts: installed" not in status:
                    self.assertIn("keytool not found", status)
            finally:
                localca("trust", "uninstall", "--data-dir", self.data)
            status = localca("trust", "status", "--data-dir", self.data).stdout
            self.assertNotIn(": installed", status)
            after = self.curl(port)
            self.assertEqual(after.returncode, 60, after.stderr)  # peer certificate not trusted
            # --rsa only touches the RSA root.
            try:
                p = localca("trust", "install", "--rsa", "--data-dir", self.data)
                self.assertIn("localca-rsa-", p.stdout)
                self.assertNotIn("localca-ecc-", p.stdout)
            finally:
                localca("trust", "uninstall", "--data-dir", self.data)
            for d in ("/usr/local/share/ca-certificates", "/etc/ssl/certs"):
                self.assertFalse([f for f in os.listdir(d) if f.startswith("localca-")], d)
            if shutil.which("keytool"):
                java = run(["keytool", "-list", "-cacerts", "-storepass", "changeit"]).stdout
                self.assertNotIn("localca-", java)
        finally:
            server.kill()
            server.wait()


if __name__ == "__main__":
    unittest.main()
