"""Transport behaviour of the real server: limits, garbage, unknown paths, access log."""
import json
import socket
import time
import unittest

from harness import localca_test


class http_tests(localca_test):
    def setUp(self):
        super().setUp()
        cfg = self.write_json("config.json", {"limits": {"bodyBytes": 4096, "readTimeoutSeconds": 2}})
        self.s = self.start(config=cfg)

    def raw(self, data, read_timeout=5):
        with socket.create_connection(("127.0.0.1", self.s.port), timeout=read_timeout) as c:
            c.sendall(data)
            chunks = []
            try:
                while True:
                    b = c.recv(65536)
                    if not b:
                        break
                    chunks.append(b)
            except socket.timeout:
                pass
            return b"".join(chunks)

    def test_body_limit_413(self):
        status, _, body = self.s.request("POST", "/enos/CA/cacert", "x" * 5000)
        self.assertEqual(status, 413)
        self.assertEqual(json.loads(body), {"message": "Request size limit exceeded"})
        self.assertEqual(self.s.request("GET", "/healthz")[0], 200)

    def test_garbage_gets_400_and_server_goes_on(self):
        reply = self.raw(b"\x16\x03\x01\x02\x00garbage that is not HTTP\r\n\r\n")
        self.assertTrue(reply.startswith(b"HTTP/1.1 400"), reply[:80])
        reply = self.raw(b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n")
        self.assertTrue(reply.startswith(b"HTTP/1.1 400"), reply[:80])
        self.assertEqual(self.s.request("GET", "/healthz")[0], 200)

    def test_unknown_path_404_and_request_id(self):
        status, headers, body = self.s.request("GET", "/no/such/path")
        self.assertEqual(status, 404)
        self.assertEqual(json.loads(body), {"message": "Not Found"})
        self.assertRegex(headers.get("X-Request-Id", ""), r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

    def test_keep_alive_and_read_timeout(self):
        with socket.create_connection(("127.0.0.1", self.s.port), timeout=10) as c:
            for _ in range(2):
                c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                data = b""
                while b'{"status":"ok"}' not in data:
                    data += c.recv(4096)
                self.assertTrue(data.startswith(b"HTTP/1.1 200"))
            start = time.time()
            self.assertEqual(c.recv(10), b"")  # idle: closed by the 2 s read timeout
            self.assertLess(time.time() - start, 8)

    def test_access_log_line_per_request(self):
        self.s.request("GET", "/healthz?orgId=secret-ish")
        self.s.request("GET", "/missing")
        time.sleep(0.2)
        lines = [json.loads(l) for l in self.s.output().splitlines() if l.startswith("{")]
        paths = [(l["method"], l["path"], l["status"]) for l in lines]
        self.assertIn(("GET", "/healthz", 200), paths)
        self.assertIn(("GET", "/missing", 404), paths)
        for l in lines:
            self.assertEqual(set(l), {"time", "requestId", "method", "path", "status", "latencyMs"})
            self.assertNotIn("secret-ish", json.dumps(l))


if __name__ == "__main__":
    unittest.main(verbosity=2)
