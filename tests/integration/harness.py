"""Test harness for LocalCA integration tests: runs the real `localca` binary on a free loopback
port, talks HTTP to it, and makes keys and CSRs with the openssl CLI (never with LocalCA code).

Environment: LOCALCA_BIN (path of build/bin/localca), LOCALCA_SOURCE_DIR (repository root).
"""
import atexit
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

BIN = os.environ.get("LOCALCA_BIN") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "bin", "localca")
SOURCE_DIR = os.environ.get("LOCALCA_SOURCE_DIR") or os.path.join(os.path.dirname(__file__), "..", "..")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args, check=True, **kw):
    """Runs a command, returns CompletedProcess with text output."""
    kw.setdefault("text", True)
    p = subprocess.run(args, capture_output=True, **kw)
    if check and p.returncode != 0:
        raise AssertionError(f"{args} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


# LOCALCA_TEST_BACKEND=postgres (with LOCALCA_TEST_PG_URL, tests/support/pg_cluster.py): every
# server and every CLI call on a data dir runs on PostgreSQL, each test in a fresh database of
# its own; the suites themselves do not change (ctest label postgres, tests/CMakeLists.txt).
BACKEND = os.environ.get("LOCALCA_TEST_BACKEND", "sqlite")
_pg = {"url": None, "n": 0}


def _psql(url, sql):
    run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", url, "-c", sql])


def _database_url(url, name):
    head, _, rest = url.partition("://")
    authority = rest.split("/", 1)[0].split("?", 1)[0]
    query = rest.partition("?")[2]
    return f"{head}://{authority}/{name}" + (f"?{query}" if query else "")


def _running_setup_class():
    """The class whose setUpClass is on the stack (cls of its frame), or None. A shared database
    belongs to that class alone: a suite's next class must not inherit its rows, even when the
    class that made it (emca_test, a plain TestCase) never passes through localca_test.setUp."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name == "setUpClass" and isinstance(frame.f_locals.get("cls"), type):
            return frame.f_locals["cls"]
        frame = frame.f_back
    return None


def _new_database(sticky):
    """Creates a database on the cluster and makes it the active one. sticky: made for a class's
    shared setup (setUpClass), kept for its tests and dropped at exit."""
    server_url = os.environ["LOCALCA_TEST_PG_URL"]
    _pg["n"] += 1
    name = f"it_{os.getpid()}_{_pg['n']}"
    _psql(server_url, f"CREATE DATABASE {name}")
    _pg["url"] = _database_url(server_url, name)
    _pg["sticky"] = sticky
    _pg["owner"] = _running_setup_class() if sticky else None
    os.environ.setdefault("LOCALCA_CA_PASSPHRASE", "integration-on-postgres")
    url = _pg["url"]

    def drop():
        _psql(server_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if _pg["url"] == url:
            _pg["url"] = None  # the next class's setUpClass makes its own, not this dropped one

    if sticky:
        atexit.register(drop)
    return drop


def db_scalar(data_dir, sql):
    """One value the data dir's database answers to `sql` (None for no row): see db_rows."""
    rows = db_rows(data_dir, sql)
    return rows[0][0] if rows else None


def _pg_bytea(value):
    """bytea comes out of json as the text '\\x0a1b…': bytes, as SQLite gives a BLOB."""
    if isinstance(value, str) and value.startswith("\\x") and len(value) % 2 == 0:
        try:
            return bytes.fromhex(value[2:])
        except ValueError:
            pass
    return value


def db_rows(data_dir, sql):
    """Every row the data dir's database answers to `sql`, a list of tuples with the column types
    (int, text, bytes for BLOB/bytea): the SQLite file, read-only, or the test's PostgreSQL
    database. PostgreSQL's rows travel as json (row_to_json keeps the column order and repeated
    names), so text of digits stays text, unlike psql's plain output."""
    if BACKEND == "postgres":
        wrapped = f"SELECT coalesce(json_agg(t), '[]') FROM ({sql}) t"
        p = run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", _pg["url"], "-c", wrapped])
        rows = json.loads(p.stdout, object_pairs_hook=lambda pairs: tuple(_pg_bytea(v) for _, v in pairs))
        return list(rows)
    import sqlite3
    con = sqlite3.connect(f"file:{os.path.join(data_dir, 'localca.db')}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def db_execute(data_dir, sql):
    """Runs `sql` (a change, as someone with access to the database could make) on the data
    dir's database: the SQLite file, or the test's PostgreSQL database."""
    if BACKEND == "postgres":
        _psql(_pg["url"], sql)
        return
    import sqlite3
    con = sqlite3.connect(os.path.join(data_dir, "localca.db"), timeout=10)
    try:
        with con:
            con.execute(sql)
    finally:
        con.close()


def db_bytes(data_dir):
    """Everything the data dir's database holds, as bytes, for "this value is stored nowhere"
    checks: the SQLite file and its WAL, or the test's PostgreSQL database as pg_dump writes it, each bytea
    value (hex in the dump) decoded and appended so that a clear value in a bytea is found too."""
    if BACKEND == "postgres":
        import re
        dump = run(["pg_dump", "--data-only", _pg["url"]], text=False).stdout
        return dump + b"".join(bytes.fromhex(h.decode()) for h in re.findall(rb"\\\\x((?:[0-9a-f]{2})+)", dump))
    raw = b""
    for name in ("localca.db", "localca.db-wal"):  # the WAL holds the latest pages while open
        if os.path.exists(os.path.join(data_dir, name)):
            with open(os.path.join(data_dir, name), "rb") as f:
                raw += f.read()
    return raw


def with_backend(config_path, directory):
    """The config file to give a command: config_path (or none) plus the storage section of the
    test's backend. Returns config_path unchanged on SQLite."""
    if BACKEND != "postgres":
        return config_path
    cfg = {}
    if config_path:
        with open(config_path) as f:
            cfg = json.load(f)
    setup_class = _running_setup_class()
    if _pg["url"] is None or (setup_class is not None and _pg.get("owner") is not setup_class):
        _new_database(sticky=True)  # a suite's setUpClass, before any test's own
    storage = cfg.setdefault("storage", {})
    storage["backend"] = "postgres"
    storage.setdefault("postgres", {})["url"] = _pg["url"]
    _pg["n"] += 1
    # The pid too: suites run side by side (ctest -j) share the temporary directory, and one
    # suite's config must never name another suite's database.
    out = os.path.join(directory, f".backend-config-{os.getpid()}-{_pg['n']}.json")
    with open(out, "w") as f:
        json.dump(cfg, f)
    return out


def localca(*args, check=True, env=None):
    args = list(args)
    if BACKEND == "postgres" and "--data-dir" in args:
        if "--config" in args:
            i = args.index("--config")
            args[i + 1] = with_backend(args[i + 1], tempfile.gettempdir())
        else:
            args += ["--config", with_backend(None, tempfile.gettempdir())]
    return run([BIN, *args], check=check, env=env)


class openssl_tools:
    """Keys and CSRs from the openssl CLI, in a directory."""

    def __init__(self, directory):
        self.dir = directory
        self.n = 0

    def path(self, name):
        return os.path.join(self.dir, name)

    def key(self, alg="rsa2048"):
        self.n += 1
        key = self.path(f"k{self.n}.key")
        if alg.startswith("rsa"):
            run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", f"rsa_keygen_bits:{alg[3:]}", "-out", key])
        elif alg == "p256":
            run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key])
        elif alg == "p384":
            run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", key])
        else:
            raise ValueError(alg)
        return key

    def csr(self, subj, alg="rsa2048", key=None, digest="sha256", extra=()):
        """Returns (csr_pem, key_path)."""
        key = key or self.key(alg)
        self.n += 1
        out = self.path(f"r{self.n}.csr")
        run(["openssl", "req", "-new", "-key", key, "-subj", subj, f"-{digest}", *extra, "-out", out])
        with open(out) as f:
            return f.read(), key

    def write(self, name, data):
        p = self.path(name)
        with open(p, "wb" if isinstance(data, bytes) else "w") as f:
            f.write(data)
        return p

    def x509_text(self, pem):
        return run(["openssl", "x509", "-noout", "-text"], input=pem).stdout

    def verify(self, ca_pem, cert_pem):
        ca = self.write("verify-ca.pem", ca_pem)
        cert = self.write("verify-cert.pem", cert_pem)
        return run(["openssl", "verify", "-CAfile", ca, cert], check=False)

    def crl_text(self, ca_pem, crl_der):
        """`openssl crl -text`, verified against the CA: (returncode, stdout+stderr)."""
        ca = self.write("crl-ca.pem", ca_pem)
        crl = self.write("crl.der", crl_der)
        p = run(["openssl", "crl", "-inform", "DER", "-in", crl, "-CAfile", ca, "-noout", "-text"], check=False)
        return p.returncode, p.stdout + p.stderr


class server:
    """A running `localca serve` on a free port."""

    def __init__(self, data_dir, extra_args=(), env=None, config=None):
        self.data_dir = data_dir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        args = [BIN, "serve", "--data-dir", data_dir, "--listen", f"127.0.0.1:{self.port}", *extra_args]
        config = with_backend(config, os.path.dirname(data_dir.rstrip("/")))
        if config:
            args += ["--config", config]
        self.log = open(os.path.join(os.path.dirname(data_dir.rstrip("/")), f"server-{self.port}.log"), "w+")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited early ({self.proc.returncode}):\n{self.output()}")
            try:
                status, _, _ = self.request("GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError("server did not become healthy:\n" + self.output())

    def output(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def request(self, method, path, body=None, headers=None, timeout=30):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            if isinstance(body, (dict, list)):
                body = json.dumps(body)
                headers = {"Content-Type": "application/json", **(headers or {})}
            conn.request(method, path, body=body, headers=headers or {})
            r = conn.getresponse()
            return r.status, dict(r.getheaders()), r.read()
        finally:
            conn.close()

    def json(self, method, path, body=None, headers=None):
        status, hdrs, data = self.request(method, path, body, headers)
        return status, json.loads(data) if data else None

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def kill9(self):
        self.proc.kill()
        self.proc.wait()


class localca_test(unittest.TestCase):
    """Base: a temp dir per test with openssl tools; servers stopped at tear-down."""

    def setUp(self):
        if BACKEND == "postgres" and _pg.get("sticky") and _pg.get("owner") is None:
            _pg["owner"] = type(self)  # the class whose setUpClass made the shared database
        if BACKEND == "postgres" and (not _pg.get("sticky") or _pg.get("owner") is not type(self)):
            # A fresh database per test, as a fresh SQLite data dir would be (unless the suite's
            # setUpClass made one its tests share, as it shares that setup's data dir).
            self.addCleanup(_new_database(sticky=False))
        self.tmp = tempfile.mkdtemp(prefix="localca-it-")
        self.data = os.path.join(self.tmp, "data")
        self.ossl = openssl_tools(self.tmp)
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.stop(signal.SIGKILL)
            s.log.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def start(self, *extra_args, data_dir=None, env=None, config=None):
        s = server(data_dir or self.data, extra_args, env=env, config=config)
        self.servers.append(s)
        return s

    def write_json(self, name, obj):
        p = os.path.join(self.tmp, name)
        with open(p, "w") as f:
            f.write(obj if isinstance(obj, str) else json.dumps(obj))
        return p
