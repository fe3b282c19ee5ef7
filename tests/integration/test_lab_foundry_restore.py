"""A lab restore with a running server rewrites the Foundry broker files at once (docs/lab.md,
"Caches after a restore"): the Mosquitto ACL follows the restored state before the restore
answers, not at the next Foundry change or the hourly refresh."""
import os

from foundry_client import DEVICES_A, foundry_test
from harness import localca


class lab_foundry_restore_tests(foundry_test):
    def config_doc(self):
        self.acl = os.path.join(self.tmp, "localca.acl")
        return {"lab": {"enabled": True},
                "foundry": {"keyPoolSize": 2, "mosquitto": {"aclFile": self.acl}}}

    def acl_text(self):
        with open(self.acl) as f:
            return f.read()

    def test_restore_rewrites_the_acl_from_the_restored_state(self):
        # Admin tokens are made on a stopped server (the CLI writes the data dir).
        self.s.stop()
        op = localca("admin", "token", "create", "--name", "op", "--role", "operator",
                     "--data-dir", self.data).stdout.strip()
        auth = {"Authorization": f"Bearer {op}"}
        self.s = self.start(config=self.config)
        kept = self.provisioned(DEVICES_A[0], ["kept/#"])
        status, body = self.s.json("POST", "/lab/v1/snapshots", {"name": "one-thing"}, auth)
        self.assertEqual(status, 201, body)
        gone = self.provisioned(DEVICES_A[1], ["gone/#"])
        acl = self.acl_text()
        self.assertIn(f"user {kept.cn}\ntopic readwrite kept/#\n", acl)
        self.assertIn(f"user {gone.cn}\ntopic readwrite gone/#\n", acl)

        status, body = self.s.json("POST", "/lab/v1/snapshots/one-thing/restore", None, auth)
        self.assertEqual(status, 200, body)
        acl = self.acl_text()  # no wait: rewritten before the restore answered
        self.assertIn(f"user {kept.cn}\ntopic readwrite kept/#\n", acl)
        self.assertNotIn(gone.cn, acl)
        self.assertNotIn("gone/#", acl)
        # The API agrees with the file: the thing provisioned after the snapshot is unknown.
        self.assertIn("certificate not found", self.fails(self.describe(gone.id), 404))
        self.assertEqual(self.state(kept.id)["status"], "ACTIVE")


if __name__ == "__main__":
    import unittest
    unittest.main()
