"""Secrets at rest (issue 7 item 3): EnOS app secrets and emCA AES keys work for signed / encrypted
requests but are found nowhere in the data dir (database, its WAL, any file) in any plausible
encoding; a database written before they were sealed is sealed at the first start; and
`localca rotate-passphrase` moves the CA keys and the sealed secrets to a new passphrase."""
import base64
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import unittest

from emca_client import CREATE, decode_result, emca_client, payload_of, py_csr, signer
from enos_client import client, dev, py_csr as enos_csr
from harness import BACKEND, SOURCE_DIR, db_bytes, db_execute, db_rows, db_scalar, localca, localca_test

ORG, AK, PK = "o-rest", "ak-rest", "pk-rest"
PROFILE = {"profileId": "3", "authority": "RSA", "keyTypes": ["RSA-2048"], "defaultValidity": "30:0:0:0",
           "maxValidity": "60:0:0:0", "requiredSubject": ["CN"], "keyUsage": ["digitalSignature"],
           "extendedKeyUsage": ["clientAuth"], "manualAuthorization": False}



def migrations():
    """{version: path} of the numbered SQL migrations in schemas/."""
    folder = os.path.join(SOURCE_DIR, "schemas")
    return {int(f[:3]): os.path.join(folder, f) for f in os.listdir(folder) if f[:3].isdigit()}


def encodings(secret):
    """Every form a secret could plausibly be written in."""
    raw = secret if isinstance(secret, bytes) else secret.encode()
    forms = {raw, raw.hex().encode(), raw.hex().upper().encode(), base64.b64encode(raw),
             base64.b64encode(raw).rstrip(b"="), base64.urlsafe_b64encode(raw).rstrip(b"=")}
    return {f for f in forms if len(f) >= 8}


def files_under(directory):
    for root, _, names in os.walk(directory):
        for n in names:
            yield os.path.join(root, n)


class world:
    """Random secrets for one EnOS app and two emCA users (ECB and GCM), as a seed document."""

    def __init__(self, ossl):
        self.app_secret = "sk-rest-" + secrets.token_hex(12)
        self.aes = {"u-ecb": os.urandom(32), "u-gcm": os.urandom(32)}
        self.mode = {"u-ecb": "ECB", "u-gcm": "GCM"}
        self.password = {u: "pw-" + secrets.token_hex(8) for u in self.aes}
        self.signer = signer(ossl, "rest-signer")

    def secrets(self):
        return [self.app_secret, *self.aes.values(), *self.password.values()]

    def user(self, name):
        return {"userName": name, "password": self.password[name], "emKey": "em-" + name,
                "aesKey": base64.b64encode(self.aes[name]).decode(), "aesMode": self.mode[name],
                "allowedIps": ["127.0.0.1"], "signerCert": self.signer.cert_pem}

    def seed_doc(self):
        return {"enos": {"orgs": [{"orgId": ORG, "apps": [{"appKey": AK, "appSecret": self.app_secret}],
                                   "products": [{"productKey": PK, "biDirectionalAuth": True, "maxValidDay": 3650,
                                                 "devices": [{"deviceKey": f"d{i}", "assetId": f"asset{i}"}
                                                             for i in range(4)]}]}]},
                "emca": {"users": [self.user(u) for u in self.aes], "profiles": [PROFILE]}}


class secrets_at_rest(localca_test):
    def setUp(self):
        super().setUp()
        self.w = world(self.ossl)
        self.app_ids = 0

    def seed(self, env=None):
        localca("seed", self.write_json("seed.json", self.w.seed_doc()), "--data-dir", self.data, env=env)

    def found(self, directory):
        """(file, secret) pairs of every seeded secret found in any encoding under directory, and
        on PostgreSQL in the test's database too (file "postgres")."""
        hits = []
        contents = []
        for path in files_under(directory):
            with open(path, "rb") as f:
                contents.append((os.path.relpath(path, directory), f.read()))
        if BACKEND == "postgres":
            contents.append(("postgres", db_bytes(directory)))
        for name, content in contents:
            for s in self.w.secrets():
                if any(form in content for form in encodings(s)):
                    hits.append((name, s))
        return hits

    def use_secrets(self, srv, asset):
        """An EnOS signed apply and an emCA encrypted create per user: they need every secret."""
        c = client(srv, AK, self.w.app_secret)
        r = c.apply(dev(asset, ORG), enos_csr(f"rest-{asset}")[0], issueAuthority="ECC")
        self.assertEqual((r.status, r.json.get("code")), (200, 0), r)
        for name in self.w.aes:
            self.use_secrets_of(srv, name)

    def use_secrets_of(self, srv, name):
        """An emCA create by one user: its AES key decrypts the request."""
        self.app_ids += 1
        content = payload_of([("ID1", py_csr(f"{name}-{self.app_ids}"))])
        em = emca_client(srv, name, self.w.password[name], "em-" + name, self.w.aes[name], self.w.mode[name])
        body = em.call(CREATE, {"applicationId": f"rest-{self.app_ids}", "profileID": "3",
                                "subscriberId": "s", "signature": self.w.signer.sign_b64(content)})
        self.assertEqual(body["status"], "Success", body)
        self.assertIn("ID1", decode_result(body["result"]))

    def test_seeded_secrets_are_nowhere_in_the_data_dir(self):
        self.seed()
        s = self.start()
        self.use_secrets(s, "asset0")
        # While the server runs the WAL holds the latest pages; after a stop, the database does.
        if BACKEND == "sqlite":
            self.assertTrue(os.path.exists(os.path.join(self.data, "localca.db-wal")))
        self.assertEqual(self.found(self.data), [])
        self.assertEqual(s.stop(), 0)
        self.assertEqual(self.found(self.data), [])
        self.assertIn(AK.encode(), db_bytes(self.data))  # the search does see the database's rows
        # Nor in what the server printed.
        printed = s.output().encode()
        self.assertFalse([x for x in self.w.secrets() if any(f in printed for f in encodings(x))])
        if BACKEND == "sqlite":
            columns = "SELECT name FROM pragma_table_info('apps') UNION SELECT name FROM pragma_table_info('api_users')"
        else:
            columns = ("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                       "AND table_name IN ('apps', 'api_users')")
        columns = {r[0] for r in db_rows(self.data, columns)}
        self.assertIn("app_secret_sealed", columns)  # the query sees the tables
        self.assertFalse({"app_secret", "aes_key"} & columns)
        sealed = [r[0] for r in db_rows(self.data, "SELECT app_secret_sealed FROM apps")] + \
                 [r[0] for r in db_rows(self.data, "SELECT aes_key_sealed FROM api_users")]
        self.assertEqual(len(sealed), 3)
        # version || 12-byte nonce || ciphertext || 16-byte tag
        self.assertTrue(all(v[0] == 1 and len(v) >= 1 + 12 + 16 + 16 for v in sealed), sealed)

    def test_seeding_again_rewrites_nothing(self):
        self.seed()
        p = localca("seed", os.path.join(self.tmp, "seed.json"), "--data-dir", self.data)
        self.assertIn("nothing changed", p.stdout)

    @unittest.skipIf(BACKEND != "sqlite", "an SQLite file of schema 4: no PostgreSQL database predates sealing")
    def test_a_database_with_clear_secrets_is_sealed_at_start(self):
        # Today's binary makes the keys, roots and the password hashes (Argon2id, not at stake).
        self.seed()
        new_db = os.path.join(self.data, "localca.db")
        old_db = os.path.join(self.tmp, "old.db")
        con = sqlite3.connect(old_db)
        try:
            # Exactly what a LocalCA of schema 4 wrote: its migrations, then clear secrets.
            con.execute("PRAGMA journal_mode = WAL")
            for n in (1, 2, 3, 4):
                with open(migrations()[n]) as f:
                    con.executescript(f.read())
            con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            con.executemany("INSERT INTO schema_version VALUES (?)", [(1,), (2,), (3,), (4,)])
            con.execute("ATTACH ? AS cur", (new_db,))
            con.execute("INSERT INTO authorities SELECT name, cert_der, crl_number, crl_der, crl_this_update "
                        "FROM cur.authorities")  # schema 4's columns
            con.execute("INSERT INTO orgs SELECT * FROM cur.orgs")
            con.execute("INSERT INTO products SELECT * FROM cur.products")
            con.execute("INSERT INTO devices SELECT * FROM cur.devices")
            con.execute("INSERT INTO issuance_profiles SELECT * FROM cur.issuance_profiles")
            con.execute("INSERT INTO apps (id, org, app_key, app_secret) SELECT id, org, app_key, ? FROM cur.apps",
                        (self.w.app_secret,))
            for name, key in self.w.aes.items():
                con.execute("INSERT INTO api_users (user_name, password_hash, api_key, aes_key, aes_mode, "
                            "allowed_ips, signer_cert) SELECT user_name, password_hash, api_key, ?, aes_mode, "
                            "allowed_ips, signer_cert FROM cur.api_users WHERE user_name = ?", (key, name))
            con.commit()
            con.execute("DETACH cur")
        finally:
            con.close()
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(new_db + suffix):
                os.remove(new_db + suffix)
        shutil.copy(old_db, new_db)
        os.remove(old_db)
        # The check can see clear secrets: every one is there before the upgrade.
        self.assertEqual({s for _, s in self.found(self.data)}, set([self.w.app_secret, *self.w.aes.values()]))

        s = self.start()
        self.use_secrets(s, "asset1")
        self.assertEqual(self.found(self.data), [])
        self.assertEqual(s.stop(), 0)
        self.assertEqual(self.found(self.data), [])
        self.assertEqual(db_scalar(self.data, "SELECT max(version) FROM schema_version"), max(migrations()))
        self.assertEqual(db_scalar(self.data, "SELECT count(*) FROM unsealed_secrets"), 0)
        self.assertEqual(db_scalar(self.data, "PRAGMA integrity_check"), "ok")
        # A second start has nothing left to seal and still works.
        s = self.start()
        self.use_secrets(s, "asset2")

    def test_a_sealed_value_copied_to_another_row_does_not_open(self):
        self.seed()
        db_execute(self.data, "UPDATE api_users SET aes_key_sealed = "
                   "(SELECT aes_key_sealed FROM api_users WHERE user_name = 'u-gcm') WHERE user_name = 'u-ecb'")
        s = self.start()
        # u-ecb now holds u-gcm's sealed key: it does not open (the associated data names the row),
        # which is the unexpected (an edited database): an exception naming the row, logged, and
        # answered as emCA's internal error (issue 12: one error path per API, no longer the
        # transport's plain 500).
        em = emca_client(s, "u-ecb", self.w.password["u-ecb"], "em-u-ecb", self.w.aes["u-gcm"], "GCM")
        status, data = em.raw(CREATE, {"userName": "u-ecb", "password": self.w.password["u-ecb"]})
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(data), {"status": "Failure", "result": "Internal server error",
                                            "subscriberId": None, "requestId": None})
        self.assertIn("cannot open the sealed emca-aes-key:u-ecb", s.output())
        # The row it came from still opens.
        self.use_secrets_of(s, "u-gcm")

    @unittest.skipIf(BACKEND != "sqlite", "developer mode's passphrase file: PostgreSQL takes LOCALCA_CA_PASSPHRASE only")
    def test_rotate_passphrase(self):
        self.seed()  # developer mode: the passphrase is DATA/ca/passphrase
        ca_dir = os.path.join(self.data, "ca")
        with open(os.path.join(ca_dir, "passphrase")) as f:
            old = f.read().strip()
        new = "new-" + secrets.token_hex(16)
        env = dict(os.environ)
        env.pop("LOCALCA_CA_PASSPHRASE", None)
        p = localca("rotate-passphrase", "--data-dir", self.data, check=False, env=env)
        self.assertEqual(p.returncode, 1)
        self.assertIn("LOCALCA_NEW_CA_PASSPHRASE", p.stderr)

        # Refused while a server runs on the dir (it holds the old keys).
        s = self.start(env=env)
        rot_env = {**env, "LOCALCA_NEW_CA_PASSPHRASE": new}
        p = localca("rotate-passphrase", "--data-dir", self.data, check=False, env=rot_env)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("already running", p.stderr)
        s.stop()

        # Half done by hand with the documented openssl procedure: the command finishes the rest.
        key = os.path.join(ca_dir, "rsa.key.pem")
        self.ossl_pkcs8(key, key + ".tmp", {"OLD": old, "NEW": new})
        os.replace(key + ".tmp", key)
        p = localca("rotate-passphrase", "--data-dir", self.data, env=rot_env)
        self.assertIn("2 of 3 items rewritten", p.stdout)
        self.assertFalse(os.path.exists(os.path.join(ca_dir, "passphrase")))
        for k in ("rsa", "ecc"):
            path = os.path.join(ca_dir, f"{k}.key.pem")
            self.assertEqual(oct(os.stat(path).st_mode & 0o777), "0o600")
            out = self.run_openssl(["pkey", "-in", path, "-passin", "env:NEW", "-noout"], {"NEW": new})
            self.assertEqual(out.returncode, 0, out.stderr)
            out = self.run_openssl(["pkey", "-in", path, "-passin", "env:OLD", "-noout"], {"OLD": old})
            self.assertNotEqual(out.returncode, 0)

        # The old passphrase opens nothing any more; the new one opens everything.
        p = localca("seed", os.path.join(self.tmp, "seed.json"), "--data-dir", self.data, check=False,
                    env={**env, "LOCALCA_CA_PASSPHRASE": old})
        self.assertNotEqual(p.returncode, 0)
        s = self.start(env={**env, "LOCALCA_CA_PASSPHRASE": new})
        self.use_secrets(s, "asset3")
        s.stop()
        p = localca("audit", "tail", "-n", "20", "--data-dir", self.data)
        self.assertIn('"rotate-passphrase"', p.stdout)

    def run_openssl(self, args, extra_env):
        return subprocess.run(["openssl", *args], capture_output=True, text=True, env={**os.environ, **extra_env})

    def ossl_pkcs8(self, src, dst, extra_env):
        out = self.run_openssl(["pkcs8", "-topk8", "-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA256", "-iter",
                                "100000", "-in", src, "-passin", "env:OLD", "-out", dst, "-passout", "env:NEW"],
                               extra_env)
        self.assertEqual(out.returncode, 0, out.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
