"""Foundry with a real Mosquitto broker in the loop (Debian's mosquitto 2.0, started by the test on
a free loopback port): the broker trusts LocalCA's RSA root, requires client certificates, uses
the certificate CN as username, and reads LocalCA's ACL and CRL files; LocalCA's reloadCommand
sends it SIGHUP after every change.

- a generated-and-provisioned device connects over TLS and its message on an allowed topic
  reaches a subscriber;
- the same device's message on a topic outside its policy does not (broker: Denied PUBLISH);
- an unprovisioned (INACTIVE) certificate connects but cannot publish anywhere;
- after revoke (and the reload) the device's TLS handshake fails; other devices still connect.

mosquitto_pub exits 0 even when a publish is denied, so outcomes are read on the subscriber side
and in the broker log. Every wait is bounded."""
import os
import queue
import shutil
import signal
import subprocess
import threading
import time
import unittest
import uuid

from foundry_client import DEVICES_A, TOKEN_B, foundry_test
from harness import free_port, run

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
DEADLINE = 20  # seconds, for any single wait


class broker:
    """A mosquitto process configured for LocalCA's files."""

    def __init__(self, tmp, ca_file, acl_file, crl_file):
        self.tmp = tmp
        self.port = free_port()
        self.log_path = os.path.join(tmp, "broker.log")
        # The broker's own certificate comes from a separate CA the clients trust (--cafile):
        # LocalCA's root is what the broker trusts for *client* certificates.
        self.server_ca = os.path.join(tmp, "server-ca.pem")
        server_ca_key = os.path.join(tmp, "server-ca.key")
        cert = os.path.join(tmp, "server.pem")
        key = os.path.join(tmp, "server.key")
        csr = os.path.join(tmp, "server.csr")
        ext = os.path.join(tmp, "server.ext")
        run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", server_ca_key,
             "-out", self.server_ca, "-subj", "/CN=Broker Test CA", "-days", "2"])
        run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
             "-subj", "/CN=localhost"])
        with open(ext, "w") as f:
            f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
        run(["openssl", "x509", "-req", "-in", csr, "-CA", self.server_ca, "-CAkey", server_ca_key,
             "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", ext])
        lines = [
            "per_listener_settings false",
            "allow_anonymous false",
            f"acl_file {acl_file}",
            f"log_dest file {self.log_path}",
            "log_type all",
            "persistence false",
            f"listener {self.port} 127.0.0.1",
            f"cafile {ca_file}",
            f"certfile {cert}",
            f"keyfile {key}",
            "require_certificate true",
            "use_identity_as_username true",
            f"crlfile {crl_file}",
        ]
        if os.geteuid() == 0:
            lines.insert(0, "user root")  # else it drops to user mosquitto, who cannot read tmp
        self.conf = os.path.join(tmp, "mosquitto.conf")
        with open(self.conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.out = open(os.path.join(tmp, "broker.out"), "w")
        self.proc = subprocess.Popen([MOSQUITTO, "-c", self.conf], stdout=self.out, stderr=subprocess.STDOUT)
        self.wait_for_log("running", what="the broker to start")

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def wait_for_log(self, needle, count=1, what=None):
        deadline = time.time() + DEADLINE
        while time.time() < deadline:
            if self.log().count(needle) >= count:
                return
            if self.proc.poll() is not None:
                raise AssertionError(f"mosquitto exited ({self.proc.returncode}):\n{self.log()}")
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what or needle!r}:\n{self.log()}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.out.close()


class subscriber:
    """mosquitto_sub -v on a filter; lines are collected by a thread."""

    def __init__(self, b, cert, key, client_id, topic):
        self.lines = queue.Queue()
        self.seen = []
        before = b.log().count(f"Sending SUBACK to {client_id}")
        # stdbuf: mosquitto_sub's stdout is a pipe here, which stdio would buffer.
        self.proc = subprocess.Popen(
            ["stdbuf", "-oL", "mosquitto_sub", "--cafile", b.server_ca, "-h", "localhost", "-p",
             str(b.port), "--cert", cert, "--key", key, "-i", client_id, "-t", topic, "-v",
             "-W", "120"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        b.wait_for_log(f"Sending SUBACK to {client_id}", before + 1, "the subscription")

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, match, what):
        deadline = time.time() + DEADLINE
        while time.time() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                if self.proc.poll() is not None and self.lines.empty():
                    break
                continue
            self.seen.append(line)
            if match(line):
                return line
        raise AssertionError(f"subscriber never saw {what}; saw:\n" + "\n".join(self.seen))

    def messages(self):
        """'topic payload' lines seen so far."""
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return list(self.seen)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.thread.join(10)
        self.proc.stdout.close()


class mosquitto_tests(foundry_test):
    def config_doc(self):
        self.acl = os.path.join(self.tmp, "localca.acl")
        self.crl = os.path.join(self.tmp, "localca-crl.pem")
        self.pidfile = os.path.join(self.tmp, "broker.pid")
        return {"foundry": {"keyPoolSize": 2, "mosquitto": {
            "aclFile": self.acl, "crlFile": self.crl,
            "reloadCommand": f"kill -HUP $(cat '{self.pidfile}')"}}}

    def setUp(self):
        super().setUp()  # the server writes both files at start
        self.assertTrue(os.path.exists(self.acl))
        self.assertTrue(os.path.exists(self.crl))
        self.broker = broker(self.tmp, os.path.join(self.data, "ca", "rsa.crt.pem"), self.acl, self.crl)
        with open(self.pidfile, "w") as f:
            f.write(str(self.broker.proc.pid))
        self.subs = []

    def tearDown(self):
        for s in self.subs:
            s.stop()
        self.broker.stop()
        super().tearDown()

    # ---- helpers ---------------------------------------------------------------------------------
    def files_for(self, g, name):
        cert = self.ossl.write(f"{name}.crt", g.cert_pem)
        key = self.ossl.write(f"{name}.key", g.key_pem)
        os.chmod(key, 0o600)
        return cert, key

    def publish(self, cert, key, client_id, topic, payload):
        return subprocess.run(
            ["mosquitto_pub", "--cafile", self.broker.server_ca, "-h", "localhost", "-p",
             str(self.broker.port), "--cert", cert, "--key", key, "-i", client_id, "-t", topic,
             "-m", payload, "-q", "1", "-d"],
            capture_output=True, text=True, timeout=DEADLINE)

    def reloaded_after(self, action):
        """Runs action (an API call) and waits until the broker has reloaded for it."""
        before = self.broker.log().count("Reloading config.")
        result = action()
        self.broker.wait_for_log("Reloading config.", before + 1, "the broker to reload")
        return result

    # ---- the scenario ----------------------------------------------------------------------------
    def test_policy_enforced_by_the_broker_and_revocation_cuts_off(self):
        # A monitor certificate (account B) whose policy is "#": it sees every delivered message.
        monitor = self.reloaded_after(lambda: self.generated(["#"], token=TOKEN_B))
        mon_cert, mon_key = self.files_for(monitor, "monitor")
        sub = subscriber(self.broker, mon_cert, mon_key, "monitor", "#")
        self.subs.append(sub)

        # The device: generated INACTIVE, then provisioned with its policy.
        device = self.generated()
        dev_cert, dev_key = self.files_for(device, "device")
        self.reloaded_after(lambda: self.provisioned(DEVICES_A[0], ["dev/1/#", "shared/+/status"],
                                                     g=device))
        with open(self.acl) as f:
            acl = f.read()
        self.assertIn(f"\nuser {device.cn}\ntopic readwrite dev/1/#\ntopic readwrite shared/+/status\n", acl)
        self.assertIn(f"\nuser {monitor.cn}\ntopic readwrite #\n", acl)

        # An unprovisioned certificate: INACTIVE, absent from the ACL.
        idle = self.generated()
        idle_cert, idle_key = self.files_for(idle, "idle")
        self.assertNotIn(idle.cn, acl)

        tag = uuid.uuid4().hex[:8]
        allowed = [("dev/1/temp", f"allowed-1-{tag}"), ("shared/x/status", f"allowed-2-{tag}")]
        for topic, payload in allowed:
            p = self.publish(dev_cert, dev_key, "dev1", topic, payload)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            sub.wait_for(lambda line, t=topic, m=payload: line == f"{t} {m}", payload)

        # Outside the policy: the broker denies it; mosquitto_pub does not tell.
        denied = [(dev_cert, dev_key, "dev1", "other/x", f"outside-{tag}"),
                  (dev_cert, dev_key, "dev1", "dev/2/temp", f"sibling-{tag}"),
                  (idle_cert, idle_key, "idle1", "dev/1/temp", f"idle-1-{tag}"),
                  (idle_cert, idle_key, "idle1", "anything", f"idle-2-{tag}")]
        for cert, key, client_id, topic, payload in denied:
            before = self.broker.log().count(f"Denied PUBLISH from {client_id}")
            p = self.publish(cert, key, client_id, topic, payload)
            self.assertEqual(p.returncode, 0, "mosquitto_pub reports success even when denied")
            self.broker.wait_for_log(f"Denied PUBLISH from {client_id}", before + 1,
                                     f"the broker to deny {payload}")
        # Usernames are the certificate CNs.
        log = self.broker.log()
        for client_id, g in (("dev1", device), ("idle1", idle), ("monitor", monitor)):
            self.assertIn(f"as {client_id} (", log)
            self.assertIn(f"u'{g.cn}'", log)
        # A sentinel after the denied ones: once it arrives, none of them can be in flight.
        p = self.publish(dev_cert, dev_key, "dev1", "dev/1/end", f"sentinel-{tag}")
        self.assertEqual(p.returncode, 0)
        sub.wait_for(lambda line: line == f"dev/1/end sentinel-{tag}", "the sentinel")
        got = sub.messages()
        for _, _, _, topic, payload in denied:
            self.assertFalse([l for l in got if payload in l], f"{payload} was delivered: {got}")
        for topic, payload in allowed:
            self.assertIn(f"{topic} {payload}", got)

        # Revoke: the CRL file gains the serial, the broker reloads, the handshake fails.
        self.reloaded_after(lambda: self.ok(self.revoke(device.id, DEVICES_A[0])))
        with open(self.acl) as f:
            self.assertNotIn(device.cn, f.read())
        crl_text = run(["openssl", "crl", "-in", self.crl, "-noout", "-text"]).stdout
        self.assertIn(f"Serial Number: {device.cert.serial_number:02X}", crl_text)
        failures_before = self.broker.log().count("certificate verify failed")
        p = self.publish(dev_cert, dev_key, "dev1-after", "dev/1/temp", f"revoked-{tag}")
        self.assertNotEqual(p.returncode, 0, p.stdout + p.stderr)
        self.broker.wait_for_log("certificate verify failed", failures_before + 1,
                                 "the handshake failure of the revoked certificate")
        self.assertNotIn("as dev1-after (", self.broker.log())
        # Everyone else is unaffected: the monitor connects afresh and publishes.
        p = self.publish(mon_cert, mon_key, "monitor-pub", "mon/x", f"still-here-{tag}")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        sub.wait_for(lambda line: line == f"mon/x still-here-{tag}", "the monitor's own message")
        self.assertFalse([l for l in sub.messages() if f"revoked-{tag}" in l])


if __name__ == "__main__":
    unittest.main(verbosity=2)
