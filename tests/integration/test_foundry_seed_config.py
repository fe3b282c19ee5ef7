"""The "foundry" sections of the seed file and the config: validation errors name the JSON path
and write nothing, seeding twice changes nothing, tokens are stored hashed and belong to one
account, and seed sections of other personalities still combine in one transaction."""
import copy
import hashlib
import unittest

from foundry_client import ACCOUNT_A, ACCOUNT_B, TOKEN_A, TOKEN_B, seed_doc
from harness import db_bytes, db_rows, db_scalar, localca, localca_test

ENOS = {"orgs": [{"orgId": "o1", "apps": [{"appKey": "ak-1", "appSecret": "sk-1"}],
                  "products": [{"productKey": "pk1", "biDirectionalAuth": True, "maxValidDay": 30,
                                "devices": [{"deviceKey": "dk1", "assetId": "asset1"}]}]}]}


class seed_tests(localca_test):
    def count(self, table):
        return db_scalar(self.data, f"SELECT count(*) FROM {table}")

    def test_seed_twice_changes_nothing_and_hashes_tokens(self):
        doc = seed_doc()
        doc["enos"] = ENOS
        seed = self.write_json("seed.json", doc)
        p = localca("seed", seed, "--data-dir", self.data)
        self.assertIn("rows written", p.stdout)
        self.assertEqual(self.count("accounts"), 2)
        self.assertEqual(self.count("account_tokens"), 3)
        self.assertEqual(self.count("account_devices"), 5)
        self.assertEqual(self.count("orgs"), 1)  # the enos section in the same run
        p = localca("seed", seed, "--data-dir", self.data)
        self.assertIn("nothing changed", p.stdout)
        rows = dict(db_rows(self.data, "SELECT account_id, region FROM accounts"))
        self.assertEqual(rows, {ACCOUNT_A: "us-west-2", ACCOUNT_B: "us-west-2"})
        digests = {r[0] for r in db_rows(self.data, "SELECT token_sha256 FROM account_tokens")}
        self.assertIn(hashlib.sha256(TOKEN_A.encode()).digest(), digests)
        raw = db_bytes(self.data)
        for token in (TOKEN_A, TOKEN_B):
            self.assertNotIn(token.encode(), raw)
        # A new device and a region change are written; nothing is ever deleted.
        doc2 = seed_doc("eu-west-1")
        doc2["foundry"]["accounts"][0]["devices"] = ["new-device"]
        doc2["foundry"]["accounts"][0]["tokens"] = []
        localca("seed", self.write_json("seed2.json", doc2), "--data-dir", self.data)
        self.assertEqual(self.count("account_devices"), 6)
        self.assertEqual(self.count("account_tokens"), 3)
        self.assertEqual({r[0] for r in db_rows(self.data, "SELECT region FROM accounts")}, {"eu-west-1"})

    def test_seed_errors_name_the_path_and_write_nothing(self):
        localca("init", "--data-dir", self.data)
        cases = []

        def bad(mutate, message):
            doc = copy.deepcopy(seed_doc())
            mutate(doc["foundry"])
            cases.append((doc, message))

        acc = lambda f, i=0: f["accounts"][i]  # noqa: E731
        bad(lambda f: f.update(region="US-WEST-2"), "foundry.region: must be an AWS region name")
        bad(lambda f: f.update(region=5), "foundry.region: must be a string")
        bad(lambda f: f.update(colour="red"), "foundry.colour: unknown key")
        bad(lambda f: f.update(accounts={}), "foundry.accounts: must be an array")
        bad(lambda f: acc(f).update(accountId="12345"), "foundry.accounts[0].accountId: must be 12 digits")
        bad(lambda f: acc(f).update(accountId="12345678901x"), "foundry.accounts[0].accountId: must be 12 digits")
        bad(lambda f: acc(f).update(accountId=123456789012), "foundry.accounts[0].accountId: must be a non-empty string")
        bad(lambda f: acc(f).pop("accountId"), "foundry.accounts[0].accountId: is required")
        bad(lambda f: acc(f, 1).update(accountId=ACCOUNT_A), "foundry.accounts[1].accountId: duplicate accountId")
        bad(lambda f: acc(f).update(tokens="x"), "foundry.accounts[0].tokens: must be an array")
        bad(lambda f: acc(f).update(tokens=[""]), "foundry.accounts[0].tokens[0]: must be a non-empty string")
        bad(lambda f: acc(f).update(tokens=["a b"]), "foundry.accounts[0].tokens[0]: must be visible ASCII")
        bad(lambda f: acc(f).update(tokens=["tök"]), "foundry.accounts[0].tokens[0]: must be visible ASCII")
        bad(lambda f: acc(f, 1).update(tokens=[TOKEN_A]),
            "foundry.accounts[1].tokens[0]: duplicate token (a token belongs to one account)")
        bad(lambda f: acc(f).update(devices=["d", "d"]), "foundry.accounts[0].devices[1]: duplicate deviceId 'd'")
        bad(lambda f: acc(f).update(devices=[""]), "foundry.accounts[0].devices[0]: must be a non-empty string")
        bad(lambda f: acc(f).update(devices=["a\nb"]), "foundry.accounts[0].devices[0]: must not contain control")
        bad(lambda f: acc(f).update(extra=1), "foundry.accounts[0].extra: unknown key")
        for i, (doc, message) in enumerate(cases):
            with self.subTest(message=message):
                p = localca("seed", self.write_json(f"bad{i}.json", doc), "--data-dir", self.data, check=False)
                self.assertNotEqual(p.returncode, 0)
                self.assertIn(message, p.stderr)
                self.assertEqual(self.count("accounts"), 0)
                self.assertNotIn(TOKEN_A, p.stderr)  # a token is never printed
        # A token already held by another account in the database: refused, nothing written.
        localca("seed", self.write_json("ok.json", seed_doc()), "--data-dir", self.data)
        steal = {"foundry": {"accounts": [{"accountId": "999999999999", "tokens": [TOKEN_A],
                                           "devices": ["x"]}]}}
        p = localca("seed", self.write_json("steal.json", steal), "--data-dir", self.data, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("already belongs to another account", p.stderr)
        self.assertNotIn(TOKEN_A, p.stderr)
        self.assertEqual(self.count("accounts"), 2)
        self.assertEqual(self.count("account_devices"), 5)

    def test_config_errors_name_the_key(self):
        for doc, message in [
            ({"foundry": {"colour": 1}}, "foundry.colour: unknown key"),
            ({"foundry": {"region": "nowhere"}}, "foundry.region: must be an AWS region name"),
            ({"foundry": {"keyPoolSize": -1}}, "foundry.keyPoolSize: must be an integer from 0 to 1024"),
            ({"foundry": {"keyPoolSize": 5000}}, "foundry.keyPoolSize: must be an integer from 0 to 1024"),
            ({"foundry": {"subjectMode": "cn"}}, "foundry.subjectMode: must be one of uuid, aws"),
            ({"foundry": {"mosquitto": {"aclFile": 3}}}, "foundry.mosquitto.aclFile: must be a string"),
            ({"foundry": {"mosquitto": {"pidFile": "x"}}}, "foundry.mosquitto.pidFile: unknown key"),
            ({"foundry": []}, "foundry: must be an object"),
        ]:
            with self.subTest(message=message):
                cfg = self.write_json("config.json", doc)
                p = localca("init", "--data-dir", self.data, "--config", cfg, check=False)
                self.assertNotEqual(p.returncode, 0)
                self.assertIn(message, p.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
