"""Abuse limits of the real server (issue 7, item 6): many idle and slow-header connections do not
starve a normal client; the header timeout cuts a slow-loris client but not a slow body;
conflicting Content-Length / Transfer-Encoding is a 400; EnOS answers 429 past the rate limit."""
import json
import resource
import socket
import threading
import time
import unittest

from enos_client import AK1, SK1, AK2, SK2, client, dev, seed_doc
from harness import localca, localca_test

IDLE = 500
SLOW = 50

# The server inherits our fd limit: 550 client sockets in this process plus 550 in the server's.
_soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
_want = 4096 if _hard == resource.RLIM_INFINITY else min(4096, _hard)
if _soft != resource.RLIM_INFINITY and _soft < _want:
    resource.setrlimit(resource.RLIMIT_NOFILE, (_want, _hard))


def read_all(sock):
    chunks = []
    try:
        while True:
            b = sock.recv(65536)
            if not b:
                break
            chunks.append(b)
    except (socket.timeout, ConnectionResetError):
        pass
    return b"".join(chunks)


class transport_abuse(localca_test):
    def start_with(self, limits):
        return self.start(config=self.write_json("config.json", {"limits": limits}))

    def timed_healthz(self, s):
        start = time.monotonic()
        status, _, body = s.request("GET", "/healthz", timeout=5)
        return status, time.monotonic() - start

    def test_idle_and_slow_header_clients_do_not_starve_a_normal_client(self):
        s = self.start_with({"readTimeoutSeconds": 30})  # default headerTimeoutSeconds (10)
        socks = []
        try:
            for _ in range(IDLE):
                socks.append(socket.create_connection(("127.0.0.1", s.port), timeout=5))
            slow = []
            for _ in range(SLOW):
                c = socket.create_connection(("127.0.0.1", s.port), timeout=5)
                c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                slow.append(c)
            socks += slow
            worst = 0.0
            for round_ in range(5):
                for i, c in enumerate(slow):  # trickle one more header line each round
                    c.sendall(f"X-Slow-{round_}: {i}\r\n".encode())
                status, elapsed = self.timed_healthz(s)
                self.assertEqual(status, 200)
                worst = max(worst, elapsed)
                time.sleep(0.2)
            self.assertLess(worst, 1.0, f"/healthz took {worst:.3f} s with {IDLE + SLOW} bad clients")
            # All of them were really held open by the server (none refused by maxConnections).
            for c in socks[:5] + socks[-5:]:
                c.setblocking(False)
                try:
                    self.assertNotEqual(c.recv(1), b"", "connection closed early")
                except BlockingIOError:
                    pass  # open, nothing to read: as expected
        finally:
            for c in socks:
                c.close()
        self.assertEqual(s.request("GET", "/healthz")[0], 200)

    def test_slow_header_is_cut_off_but_slow_body_is_not(self):
        s = self.start_with({"headerTimeoutSeconds": 1, "readTimeoutSeconds": 6})
        result = {}

        def slow_header():
            with socket.create_connection(("127.0.0.1", s.port), timeout=10) as c:
                start = time.monotonic()
                c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                try:
                    for i in range(40):  # a header line every 0.1 s: never finishes the header
                        time.sleep(0.1)
                        c.sendall(f"X-Trickle-{i}: y\r\n".encode())
                except (BrokenPipeError, ConnectionResetError):
                    pass
                data = read_all(c)
                result["header"] = (time.monotonic() - start, data)

        def slow_body():
            with socket.create_connection(("127.0.0.1", s.port), timeout=10) as c:
                start = time.monotonic()
                c.sendall(b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 25\r\n\r\n")
                for _ in range(25):  # 2.5 s of body: beyond the header timeout, within the read one
                    time.sleep(0.1)
                    c.sendall(b"x")
                c.shutdown(socket.SHUT_WR)
                data = read_all(c)
                result["body"] = (time.monotonic() - start, data)

        threads = [threading.Thread(target=slow_header), threading.Thread(target=slow_body)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        elapsed, data = result["header"]
        self.assertEqual(data, b"", "a slow header gets no answer, just the close")
        self.assertGreater(elapsed, 0.8)
        self.assertLess(elapsed, 2.5, f"slow header was cut after {elapsed:.2f} s")
        elapsed, data = result["body"]
        self.assertTrue(data.startswith(b"HTTP/1.1 405"), data[:80])  # answered, not cut
        self.assertGreater(elapsed, 2.4)
        # An idle keep-alive connection is bounded by the header timeout too.
        with socket.create_connection(("127.0.0.1", s.port), timeout=10) as c:
            c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            data = b""
            while b'{"status":"ok"}' not in data:
                data += c.recv(4096)
            start = time.monotonic()
            self.assertEqual(c.recv(10), b"")
            self.assertLess(time.monotonic() - start, 2.5)

    def raw(self, s, data):
        with socket.create_connection(("127.0.0.1", s.port), timeout=5) as c:
            c.sendall(data)
            return read_all(c)

    def test_conflicting_content_length_and_transfer_encoding_are_400(self):
        s = self.start_with({})
        cases = [
            b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            b"POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
            b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\nhello!",
            b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\nhello",
        ]
        for req in cases:
            reply = self.raw(s, req)
            self.assertTrue(reply.startswith(b"HTTP/1.1 400"), (req, reply[:120]))
            self.assertIn(b'{"message":"Bad Request"}', reply)
            self.assertIn(b"Connection: close", reply)
        self.assertEqual(s.request("GET", "/healthz")[0], 200)


class enos_rate_limit(localca_test):
    def start_enos(self, enos):
        localca("seed", self.write_json("seed.json", seed_doc()), "--data-dir", self.data)
        return self.start(config=self.write_json("config.json", {"enos": enos}))

    def limited(self, r):
        self.assertEqual(r.status, 429, r)
        self.assertEqual(r.json, {"message": "API rate limit exceeded"}, r)
        self.assertIn("Retry-After", r.headers)

    def test_429_per_app_key_and_refill(self):
        s = self.start_enos({"rateLimit": {"perSecond": 2, "burst": 3}})
        c1, c2 = client(s, AK1, SK1), client(s, AK2, SK2)
        c1.login()
        c2.login()
        start = time.monotonic()
        for _ in range(3):
            self.assertEqual(c1.list(dev("asset1")).status, 200)
        self.limited(c1.list(dev("asset1")))
        # Another credential has its own bucket.
        self.assertEqual(c2.list(dev("o2-asset1", "o2")).status, 200)
        # The token service and the rest of the server are not limited.
        self.assertEqual(c1.get_token().json.get("status"), 0)
        self.assertEqual(s.request("GET", "/healthz")[0], 200)
        # 2 tokens per second: after 0.6 s one call again.
        time.sleep(max(0.0, 0.6 - (time.monotonic() - start)))
        self.assertEqual(c1.list(dev("asset1")).status, 200)

    def test_unauthenticated_calls_are_401_not_counted(self):
        s = self.start_enos({"rateLimit": {"perSecond": 1, "burst": 1}})
        bad = client(s, AK1, "wrong-secret")
        bad.access_token = "not-a-token"
        for _ in range(3):
            self.assertEqual(bad.list(dev("asset1")).status, 401)
        good = client(s, AK1, SK1)
        self.assertEqual(good.list(dev("asset1")).status, 200)
        self.limited(good.list(dev("asset1")))

    def test_by_source_address_when_auth_is_off(self):
        s = self.start_enos({"auth": "off", "rateLimit": {"perSecond": 1, "burst": 2}})
        c = client(s)
        c.default_auth = "none"
        self.assertEqual(c.list(dev("asset1")).status, 200)
        self.assertEqual(c.list(dev("o2-asset1", "o2")).status, 200)
        self.limited(c.list(dev("asset1")))

    def test_default_is_off(self):
        s = self.start_enos({"auth": "off"})
        c = client(s)
        c.default_auth = "none"
        for _ in range(30):
            self.assertEqual(c.list(dev("asset1")).status, 200)

    def test_bad_config_names_the_key(self):
        localca("seed", self.write_json("seed.json", seed_doc()), "--data-dir", self.data)
        cfg = self.write_json("bad.json", {"enos": {"rateLimit": {"perSecond": -1}}})
        p = localca("serve", "--data-dir", self.data, "--listen", "127.0.0.1:0", "--config", cfg,
                    check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("enos.rateLimit.perSecond", p.stdout + p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
