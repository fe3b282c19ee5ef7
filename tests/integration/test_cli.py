"""The localca CLI: init, seed, config errors, --help/--version, one server per data dir."""
import os
import stat
import unittest

import harness
from harness import localca, localca_test

SEED = {"enos": {"orgs": [{"orgId": "o1",
        "apps": [{"appKey": "ak-1", "appSecret": "sk-1"}],
        "products": [{"productKey": "pk1", "biDirectionalAuth": True, "maxValidDay": 3650,
                      "devices": [{"deviceKey": "dk1", "assetId": "asset1"},
                                  {"deviceKey": "dk2", "assetId": "asset2"}]},
                     {"productKey": "pk2", "biDirectionalAuth": False, "maxValidDay": 30}]}]}}


def count(data_dir, table):
    return harness.db_scalar(data_dir, f"SELECT count(*) FROM {table}")


class cli_tests(localca_test):
    def test_version_and_help(self):
        p = localca("--version")
        self.assertRegex(p.stdout, r"^localca \d+\.\d+\.\d+")
        for cmd in ("init", "serve", "seed", "backup", "restore"):
            p = localca(cmd, "--help")
            self.assertIn(f"usage: localca {cmd}", p.stdout)
            self.assertIn("--data-dir", p.stdout)
        p = localca("--help")
        self.assertIn("commands:", p.stdout)
        p = localca("frobnicate", check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown command", p.stderr)
        p = localca("init", "--bogus", "x", check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown option --bogus", p.stderr)

    def test_init_creates_and_is_idempotent(self):
        p = localca("init", "--data-dir", self.data)
        self.assertIn("initialised", p.stdout)
        ca_dir = os.path.join(self.data, "ca")
        # On PostgreSQL the passphrase is LOCALCA_CA_PASSPHRASE's only: init writes no file for it
        # (docs/scale-out.md: a passphrase file would be one node's alone).
        files = ("rsa.key.pem", "ecc.key.pem") + (("passphrase",) if harness.BACKEND == "sqlite" else ())
        for name in files:
            mode = stat.S_IMODE(os.stat(os.path.join(ca_dir, name)).st_mode)
            self.assertEqual(mode, 0o600, name)
        with open(os.path.join(ca_dir, "rsa.key.pem")) as f:
            self.assertIn("BEGIN ENCRYPTED PRIVATE KEY", f.read())
        before = {n: os.stat(os.path.join(ca_dir, n)).st_mtime_ns for n in os.listdir(ca_dir)}
        p = localca("init", "--data-dir", self.data)
        self.assertIn("already initialised; nothing changed", p.stdout)
        after = {n: os.stat(os.path.join(ca_dir, n)).st_mtime_ns for n in os.listdir(ca_dir)}
        self.assertEqual(before, after)
        self.assertEqual(count(self.data, "authorities"), 2)
        # The key never reaches the database: the decrypted key's modulus must not be in the file.
        if harness.BACKEND == "sqlite":
            with open(os.path.join(ca_dir, "passphrase")) as f:
                passphrase = f.read().strip()
        else:
            passphrase = os.environ["LOCALCA_CA_PASSPHRASE"]
        der = harness.run(["openssl", "pkey", "-in", os.path.join(ca_dir, "rsa.key.pem"),
                           "-passin", f"pass:{passphrase}", "-outform", "DER"], text=False).stdout
        content = harness.db_bytes(self.data)
        self.assertNotIn(der[-64:], content)
        if harness.BACKEND == "sqlite":
            self.assertNotIn(b"PRIVATE KEY", content)
        else:  # PostgreSQL holds the key files for the other nodes (shared_keys), encrypted as they are
            self.assertGreater(content.count(b"ENCRYPTED PRIVATE KEY"), 0)
            self.assertEqual(content.count(b"PRIVATE KEY"), content.count(b"ENCRYPTED PRIVATE KEY"))

    def test_passphrase_from_environment(self):
        env = dict(os.environ, LOCALCA_CA_PASSPHRASE="correct horse battery staple")
        localca("init", "--data-dir", self.data, env=env)
        self.assertFalse(os.path.exists(os.path.join(self.data, "ca", "passphrase")))
        key = os.path.join(self.data, "ca", "ecc.key.pem")
        ok = harness.run(["openssl", "pkey", "-in", key, "-passin", "pass:correct horse battery staple", "-noout"], check=False)
        self.assertEqual(ok.returncode, 0, ok.stderr)
        bad = harness.run(["openssl", "pkey", "-in", key, "-passin", "pass:wrong", "-noout"], check=False)
        self.assertNotEqual(bad.returncode, 0)
        # A server started with the wrong passphrase refuses to start, without printing it.
        env_bad = dict(os.environ, LOCALCA_CA_PASSPHRASE="not the passphrase")
        p = localca("serve", "--data-dir", self.data, "--listen", f"127.0.0.1:{harness.free_port()}",
                    check=False, env=env_bad)
        self.assertNotEqual(p.returncode, 0)
        self.assertNotIn("not the passphrase", p.stdout + p.stderr)
        self.assertRegex(p.stderr.lower(), "passphrase|decrypt|key")

    def test_seed_idempotent(self):
        seed = self.write_json("seed.json", SEED)
        p = localca("seed", seed, "--data-dir", self.data)
        self.assertIn("rows written", p.stdout)
        self.assertEqual(count(self.data, "devices"), 2)
        self.assertEqual(count(self.data, "products"), 2)
        self.assertEqual(count(self.data, "apps"), 1)
        p = localca("seed", seed, "--data-dir", self.data)
        self.assertIn("nothing changed", p.stdout)
        self.assertEqual(count(self.data, "devices"), 2)
        # A changed value is an update, not a new row.
        changed = json_copy(SEED)
        changed["enos"]["orgs"][0]["products"][0]["maxValidDay"] = 100
        p = localca("seed", self.write_json("seed2.json", changed), "--data-dir", self.data)
        self.assertIn("1 rows written", p.stdout)
        self.assertEqual(harness.db_scalar(self.data, "SELECT max_valid_day FROM products WHERE product_key='pk1'"), 100)
        self.assertEqual(count(self.data, "products"), 2)

    def test_seed_errors_name_the_path_and_write_nothing(self):
        localca("init", "--data-dir", self.data)
        cases = []
        bad = json_copy(SEED)
        bad["enos"]["orgs"][0]["products"].append({"productKey": "pk3", "biDirectionalAuth": True, "maxValidDay": 0})
        cases.append((bad, "enos.orgs[0].products[2].maxValidDay: must be a positive integer"))
        bad = json_copy(SEED)
        bad["enos"]["orgs"][0]["products"][1]["maxValidDay"] = "30"
        cases.append((bad, "enos.orgs[0].products[1].maxValidDay: must be a positive integer"))
        bad = json_copy(SEED)
        bad["enos"]["orgs"][0]["products"][0]["devices"][1]["assetId"] = "asset1"
        cases.append((bad, "enos.orgs[0].products[0].devices[1].assetId: duplicate assetId"))
        bad = json_copy(SEED)
        bad["enos"]["orgs"][0]["products"][0]["colour"] = "red"
        cases.append((bad, "enos.orgs[0].products[0].colour: unknown key"))
        bad = json_copy(SEED)
        del bad["enos"]["orgs"][0]["orgId"]
        cases.append((bad, "enos.orgs[0].orgId: is required"))
        cases.append(({"enos": {"orgs": {}}}, "enos.orgs: must be an array"))
        cases.append(("{not json", "invalid JSON"))
        for i, (doc, message) in enumerate(cases):
            p = localca("seed", self.write_json(f"bad{i}.json", doc), "--data-dir", self.data, check=False)
            self.assertNotEqual(p.returncode, 0, message)
            self.assertIn(message, p.stderr)
            self.assertEqual(count(self.data, "orgs"), 0, message)
            self.assertEqual(count(self.data, "devices"), 0, message)
        # A conflict with the database (asset id of another device) also writes nothing.
        localca("seed", self.write_json("ok.json", SEED), "--data-dir", self.data)
        clash = {"enos": {"orgs": [{"orgId": "o1", "apps": [{"appKey": "ak-9", "appSecret": "s"}],
                 "products": [{"productKey": "pk9", "biDirectionalAuth": True, "maxValidDay": 5,
                               "devices": [{"deviceKey": "dk9", "assetId": "asset1"}]}]}]}}
        p = localca("seed", self.write_json("clash.json", clash), "--data-dir", self.data, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("asset1", p.stderr)
        self.assertEqual(count(self.data, "apps"), 1)
        self.assertEqual(count(self.data, "products"), 2)

    def test_config_errors_name_the_key(self):
        for doc, message in [
            ({"listen": "127.0.0.1:8080", "limits": {"bodyBites": 5}}, "limits.bodyBites: unknown key"),
            ({"logLevel": "loud"}, "logLevel: must be one of"),
            ({"ca": {"rsa": {"validityDays": -1}}}, "ca.rsa.validityDays: must be an integer"),
            ({"workerThreads": "two"}, "workerThreads: must be an integer"),
            ({"colour": 1}, "colour: unknown key"),
        ]:
            cfg = self.write_json("config.json", doc)
            p = localca("init", "--data-dir", self.data, "--config", cfg, check=False)
            self.assertNotEqual(p.returncode, 0)
            self.assertIn(message, p.stderr)
        p = localca("serve", "--data-dir", self.data, "--listen", "nonsense", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("listen: must be HOST:PORT", p.stderr)

    def test_config_sets_ca_subjects_and_flags_override(self):
        cfg = self.write_json("config.json", {"ca": {"rsa": {"subject": "CN=Lab RSA,O=Lab,C=SE", "validityDays": 400},
                                                     "ecc": {"subject": "CN=Lab ECC,O=Lab"}},
                                              "listen": "127.0.0.1:1"})
        port = harness.free_port()
        s = self.start(config=cfg)  # harness passes --listen: the flag overrides the file
        self.assertEqual(s.port, s.port)
        status, _, pem = s.request("GET", "/enos/CA/cacert/RSA")
        self.assertEqual(status, 200)
        text = self.ossl.x509_text(pem.decode())
        self.assertIn("Subject: CN = Lab RSA, O = Lab, C = SE", text)
        status, _, pem = s.request("GET", "/enos/CA/cacert/ECC")
        self.assertIn("Subject: CN = Lab ECC, O = Lab", self.ossl.x509_text(pem.decode()))
        del port

    def test_second_server_on_same_data_dir_refuses(self):
        s = self.start()
        p = localca("serve", "--data-dir", self.data, "--listen", f"127.0.0.1:{harness.free_port()}", check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("another localca server is already running", p.stderr)
        status, _, _ = s.request("GET", "/healthz")
        self.assertEqual(status, 200)
        self.assertEqual(s.stop(), 0)
        # The lock goes with the process, also after kill -9.
        s2 = self.start()
        s2.kill9()
        s3 = self.start()
        self.assertEqual(s3.request("GET", "/healthz")[0], 200)


def json_copy(obj):
    import json
    return json.loads(json.dumps(obj))


if __name__ == "__main__":
    unittest.main(verbosity=2)
