"""Foundry self-provisioning API, the paths that succeed: generate (id, ARN, Base64 PEM, PKCS#1
key, certificate profile), the INACTIVE -> ACTIVE -> REVOKED life cycle with the CRL, several
certificates per device, both auth headers, the AWS subject mode, the region, restarts, bursts,
and that no private key reaches the database or the logs."""
import concurrent.futures
import datetime
import json
import unittest

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtensionOID

from foundry_client import (ACCOUNT_A, ACCOUNT_B, BASE, DEVICES_A, ISO_RE, REGION, TOKEN_A, TOKEN_A2,
                            TOKEN_B, UUID4_RE, der_sha256, foundry_test, generated, seed_doc)
import harness
from harness import localca, run


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


class generate_tests(foundry_test):
    def test_generate_answer_and_certificate(self):
        body = self.ok(self.generate())
        self.assertEqual(set(body), {"success", "id", "arn", "cert", "private"})
        g = generated(body)
        # id: lowercase hex SHA-256 of the DER, as `openssl x509 -outform DER | sha256sum` says.
        self.assertEqual(g.id, der_sha256(g.cert_pem))
        self.assertRegex(g.id, r"^[0-9a-f]{64}$")
        self.assertEqual(g.arn, f"arn:aws:iot:{REGION}:{ACCOUNT_A}:cert/{g.id}")
        # cert and private are Base64 of the PEM texts; the key is PKCS#1 RSA-2048 and matches.
        self.assertTrue(g.cert_pem.startswith("-----BEGIN CERTIFICATE-----\n"))
        self.assertTrue(g.key_pem.startswith("-----BEGIN RSA PRIVATE KEY-----\n"))
        self.assertTrue(g.key_pem.rstrip().endswith("-----END RSA PRIVATE KEY-----"))
        self.assertTrue(body["cert"].startswith("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tC"))
        self.assertTrue(body["private"].startswith("LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVkt"))
        self.assertIsInstance(g.key, rsa.RSAPrivateKey)
        self.assertEqual(g.key.key_size, 2048)
        self.assertEqual(g.key.public_key().public_numbers(), g.cert.public_key().public_numbers())
        # Issued by the RSA root.
        self.assertEqual(self.ossl.verify(self.root_pem(), g.cert_pem).returncode, 0)
        # Profile: as AWS IoT issues device certificates.
        c = g.cert
        self.assertEqual(c.version, x509.Version.v3)
        self.assertEqual(c.signature_algorithm_oid.dotted_string, "1.2.840.113549.1.1.11")
        bc = c.extensions.get_extension_for_class(x509.BasicConstraints)
        self.assertTrue(bc.critical)
        self.assertFalse(bc.value.ca)
        ku = c.extensions.get_extension_for_class(x509.KeyUsage)
        self.assertTrue(ku.critical)
        self.assertTrue(ku.value.digital_signature)
        for other in ("content_commitment", "key_encipherment", "data_encipherment", "key_agreement",
                      "key_cert_sign", "crl_sign"):
            self.assertFalse(getattr(ku.value, other), other)
        ski = c.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
        self.assertEqual(ski.value.digest,
                         x509.SubjectKeyIdentifier.from_public_key(c.public_key()).digest)
        root = x509.load_pem_x509_certificate(self.root_pem().encode())
        aki = c.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier)
        self.assertEqual(aki.value.key_identifier,
                         root.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest)
        dp = c.extensions.get_extension_for_class(x509.CRLDistributionPoints)
        self.assertEqual(dp.value[0].full_name[0].value, f"{self.s.base}/enos/CA/crl/RSA")
        with self.assertRaises(x509.ExtensionNotFound):
            c.extensions.get_extension_for_oid(ExtensionOID.EXTENDED_KEY_USAGE)
        self.assertEqual(c.not_valid_after, root.not_valid_after)
        self.assertLessEqual(abs((c.not_valid_before - datetime.datetime.utcnow()).total_seconds()), 120)
        # Subject: CN=<fresh UUID v4> (UTF8String), nothing else.
        self.assertEqual(len(c.subject), 1)
        self.assertRegex(g.cn, UUID4_RE)
        subject = run(["openssl", "x509", "-noout", "-subject", "-nameopt", "RFC2253,show_type"],
                      input=g.cert_pem).stdout
        self.assertEqual(subject.strip(), f"subject=CN=UTF8STRING:{g.cn}")
        # Without topics: INACTIVE, no policy, no device.
        st = self.state(g.id)
        self.assertEqual(st, {"success": True, "id": g.id, "arn": g.arn, "status": "INACTIVE",
                              "deviceId": None, "topics": [], "notBefore": iso(c.not_valid_before),
                              "notAfter": iso(c.not_valid_after), "cert": body["cert"]})
        self.assertRegex(st["notBefore"], ISO_RE)

    def test_every_certificate_is_new(self):
        seen = [generated(self.ok(self.generate())) for _ in range(3)]
        self.assertEqual(len({g.id for g in seen}), 3)
        self.assertEqual(len({g.cn for g in seen}), 3)
        self.assertEqual(len({g.key.private_numbers().d for g in seen}), 3)
        self.assertEqual(len({g.cert.serial_number for g in seen}), 3)

    def test_generate_with_topics_is_active_at_once(self):
        # The spec's example, minus "1/#/1", which is not a valid MQTT filter ('#' must be last).
        topics = ["1/2/3", "test/+/+/1", "dev/#"]
        g = self.generated(topics)
        st = self.state(g.id)
        self.assertEqual((st["status"], st["deviceId"], st["topics"]), ("ACTIVE", None, topics))
        # Encoded the way the spec shows (JavaScript's encodeURIComponent).
        q = "?topics=%5B%22a%2F%2B%2Fb%22%2C%22c%2F%23%22%5D"
        g2 = generated(self.ok(self.generate(query=q)))
        self.assertEqual(self.state(g2.id)["topics"], ["a/+/b", "c/#"])
        # Duplicates are dropped, order kept.
        g3 = self.generated(["x", "y", "x"])
        self.assertEqual(self.state(g3.id)["topics"], ["x", "y"])

    def test_both_auth_headers_and_every_token(self):
        for token, auth in ((TOKEN_A, "bearer"), (TOKEN_A, "x-api-key"), (TOKEN_A2, "bearer"),
                            (TOKEN_A2, "x-api-key")):
            status, body = self.call("GET", f"{BASE}/generate", token, auth=auth)
            self.assertEqual(status, 200, body)
            self.assertIn(f":{ACCOUNT_A}:cert/", body["arn"])
        status, body = self.call("GET", f"{BASE}/generate", None,
                                 headers={"Authorization": f"bearer {TOKEN_B}"})
        self.assertEqual(status, 200, body)
        self.assertIn(f":{ACCOUNT_B}:cert/", body["arn"])

    def test_burst_of_generates(self):
        def one(i):
            return self.generate(token=TOKEN_A if i % 2 else TOKEN_B)
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(one, range(16)))
        got = [generated(self.ok(a)) for a in answers]
        self.assertEqual(len({g.id for g in got}), 16)
        self.assertEqual(len({g.key.private_numbers().p for g in got}), 16)
        for g in got:
            self.assertEqual(g.id, der_sha256(g.cert_pem))


class lifecycle_tests(foundry_test):
    def test_provision_then_revoke(self):
        g = self.generated()
        dev = DEVICES_A[0]
        self.assertEqual(self.ok(self.provision({"arn": g.arn, "certId": g.id, "deviceId": dev,
                                                 "topics": ["XiQ/#"]})), {"success": True})
        st = self.state(g.id)
        self.assertEqual((st["status"], st["deviceId"], st["topics"]), ("ACTIVE", dev, ["XiQ/#"]))
        # Provisioning again to the same device replaces the policy.
        self.ok(self.provision({"arn": g.arn, "certId": g.id, "deviceId": dev, "topics": ["a", "b/+"]}))
        self.assertEqual(self.state(g.id)["topics"], ["a", "b/+"])
        self.assertEqual(self.crl_entries(), {})

        self.assertEqual(self.ok(self.revoke(g.id, dev)), {"success": True})
        st = self.state(g.id)
        self.assertEqual((st["status"], st["deviceId"], st["topics"]), ("REVOKED", None, []))
        entries = self.crl_entries()
        self.assertEqual(entries, {g.cert.serial_number: x509.ReasonFlags.cessation_of_operation})
        # Generation and revocation are in the audit log, with the account as actor.
        tail = [json.loads(line) for line in
                localca("audit", "tail", "-n", "50", "--data-dir", self.data).stdout.splitlines()]
        mine = [(e["action"], e["actor"].split(":")[0]) for e in tail
                if e["certSN"] == g.cert.serial_number]
        self.assertEqual(sorted(mine), [("issue", "foundry"), ("revoke", "foundry")], tail[-5:])
        # Repeating: a conflict, and never a second CRL entry.
        for via in ("query", "body"):
            self.fails(self.revoke(g.id, dev, via=via), 409, contains="already revoked")
        self.assertEqual(self.crl_entries(), entries)
        # REVOKED is terminal.
        self.fails(self.provision({"arn": g.arn, "certId": g.id, "deviceId": dev, "topics": ["a"]}),
                   409, contains="revoked")
        self.assertEqual(self.state(g.id)["status"], "REVOKED")

    def test_revoke_with_json_body(self):
        g = self.provisioned(DEVICES_A[1], ["t/#"])
        self.ok(self.revoke(g.id, DEVICES_A[1], via="body"))
        self.assertEqual(self.state(g.id)["status"], "REVOKED")
        self.assertIn(g.cert.serial_number, self.crl_entries())

    def test_generated_active_then_provisioned(self):
        g = self.generated(["pre/#"])
        self.ok(self.provision({"arn": g.arn, "certId": g.id, "deviceId": DEVICES_A[0],
                                "topics": ["post/#"]}))
        st = self.state(g.id)
        self.assertEqual((st["status"], st["deviceId"], st["topics"]), ("ACTIVE", DEVICES_A[0], ["post/#"]))

    def test_a_device_holds_several_certificates(self):
        dev = DEVICES_A[0]
        one = self.provisioned(dev, ["one/#"])
        two = self.provisioned(dev, ["two/#"])
        for g, t in ((one, ["one/#"]), (two, ["two/#"])):
            st = self.state(g.id)
            self.assertEqual((st["status"], st["deviceId"], st["topics"]), ("ACTIVE", dev, t))
        self.ok(self.revoke(one.id, dev))
        self.assertEqual(self.state(one.id)["status"], "REVOKED")
        self.assertEqual(self.state(two.id)["status"], "ACTIVE")
        self.assertEqual(set(self.crl_entries()), {one.cert.serial_number})

    def test_same_device_name_in_two_accounts(self):
        a = self.provisioned("shared-name", ["a/#"], token=TOKEN_A)
        b = self.provisioned("shared-name", ["b/#"], token=TOKEN_B)
        self.assertEqual(self.state(a.id)["deviceId"], "shared-name")
        self.assertEqual(self.state(b.id, TOKEN_B)["deviceId"], "shared-name")
        self.ok(self.revoke(b.id, "shared-name", token=TOKEN_B))
        self.assertEqual(self.state(a.id)["status"], "ACTIVE")

    def test_state_survives_a_restart(self):
        inactive = self.generated()
        active = self.provisioned(DEVICES_A[0], ["r/#"])
        revoked = self.provisioned(DEVICES_A[1], ["x"])
        self.ok(self.revoke(revoked.id, DEVICES_A[1]))
        before = {g.id: self.state(g.id) for g in (inactive, active, revoked)}
        self.restart()
        for cert_id, st in before.items():
            self.assertEqual(self.state(cert_id), st)
        self.fails(self.revoke(revoked.id, DEVICES_A[1]), 409)
        self.ok(self.revoke(active.id, DEVICES_A[0]))
        self.assertEqual(set(self.crl_entries()), {revoked.cert.serial_number, active.cert.serial_number})


class secrets_tests(foundry_test):
    @unittest.skipIf(harness.BACKEND == "postgres", "reads the SQLite file of the data dir")
    def test_private_keys_never_reach_the_database_or_the_logs(self):
        got = [self.generated(), self.generated(["s/#"]), self.provisioned(DEVICES_A[0], ["p/#"])]
        self.ok(self.revoke(got[2].id, DEVICES_A[0]))
        self.s.stop()
        blob = self.data_files_bytes()
        log = self.s.output().encode()
        self.assertTrue(blob)
        for g in got:
            # The stored certificate is there (so the search works), the key in no form.
            self.assertIn(g.id.encode(), blob)
            self.assertIn(g.cert.public_bytes(serialization.Encoding.DER), blob)
            key_der = g.key.private_bytes(serialization.Encoding.DER,
                                          serialization.PrivateFormat.TraditionalOpenSSL,
                                          serialization.NoEncryption())
            pkcs8 = g.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
            numbers = g.key.private_numbers()
            d = numbers.d.to_bytes(256, "big").lstrip(b"\0")
            p = numbers.p.to_bytes(128, "big").lstrip(b"\0")
            lines = [line.encode() for line in g.key_pem.splitlines()[1:-1]]
            b64 = g.body["private"].encode()
            for where, data in (("data dir", blob), ("server log", log)):
                self.assertNotIn(key_der, data, where)
                self.assertNotIn(pkcs8, data, where)
                self.assertNotIn(d[:32], data, where)
                self.assertNotIn(p[:32], data, where)
                self.assertNotIn(b64[:64], data, where)
                for line in lines:
                    self.assertNotIn(line, data, where)
        # And the log never carries a token either.
        for token in (TOKEN_A, TOKEN_A2, TOKEN_B):
            self.assertNotIn(token.encode(), log)
            self.assertNotIn(token.encode(), blob)


class aws_subject_tests(foundry_test):
    CONFIG = {"foundry": {"subjectMode": "aws", "keyPoolSize": 0}}

    def test_aws_subject(self):
        g1, g2 = self.generated(), self.generated(["a/#"])
        for g in (g1, g2):
            self.assertEqual(g.cert.subject.rfc4514_string(), "CN=AWS IoT Certificate")
            self.assertEqual(g.id, der_sha256(g.cert_pem))
        self.assertNotEqual(g1.id, g2.id)


class region_tests(foundry_test):
    """A seed without region: ARNs use the config's foundry.region."""
    REGION = None
    CONFIG = {"foundry": {"region": "eu-central-1"}}

    def test_region_from_config(self):
        g = self.generated()
        self.assertEqual(g.arn, f"arn:aws:iot:eu-central-1:{ACCOUNT_A}:cert/{g.id}")
        self.assertEqual(self.state(g.id)["arn"], g.arn)

    def test_reseeding_a_region_changes_the_arns(self):
        g = self.generated()
        seed = self.write_json("seed2.json", seed_doc("ap-south-1"))
        localca("seed", seed, "--data-dir", self.data)
        arn = f"arn:aws:iot:ap-south-1:{ACCOUNT_A}:cert/{g.id}"
        self.assertEqual(self.state(g.id)["arn"], arn)
        self.ok(self.provision({"arn": arn, "certId": g.id, "deviceId": DEVICES_A[0], "topics": ["x"]}))


class default_config_tests(foundry_test):
    CONFIG = None

    def test_defaults(self):
        g = self.generated()
        self.assertEqual(g.arn, f"arn:aws:iot:{REGION}:{ACCOUNT_A}:cert/{g.id}")
        self.assertRegex(g.cn, UUID4_RE)


if __name__ == "__main__":
    unittest.main(verbosity=2)
