"""The web console (issue 18) in a real Chromium against a real LocalCA: certificates issued
through /pki/v1, a pending emCA request made by a real emCA client, an EnOS device certificate and
a Foundry certificate with its topic policy made by the real EnOS and Foundry clients, then
tests/browser/console.mjs (playwright-core driving Debian's /usr/bin/chromium) signs in, filters,
pages, revokes, approves, browses EnOS and Foundry down to a certificate, moves the lab clock,
takes, restores and deletes a snapshot, resets the lab and runs axe-core on every page. This file then checks what the browser did
against the server by other means: the CRL (openssl crl -text), the API's refusal of a viewer,
the approved certificate. Skipped only when /usr/bin/chromium is absent."""
import json
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))


from emca_client import emca_test, py_csr  # noqa: E402
from enos_client import AK1, O1, SK1, devpk  # noqa: E402
from enos_client import client as enos_client  # noqa: E402
from enos_client import py_csr as enos_csr  # noqa: E402
from foundry_client import ACCOUNT_A, DEVICES_A, TOKEN_A, generated, topics_query  # noqa: E402
from harness import SOURCE_DIR, localca, run  # noqa: E402
from test_admin_browse import restart_with_every_api  # noqa: E402
from test_admin_inventory import csr_pem  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
WEB = os.path.join(SOURCE_DIR, "server", "console", "web")
PKI = "pki-console-secret"


def screenshot_dir():
    # ctest runs in the build tree's tests/ folder: screenshots land beside the test output.
    return os.environ.get("LOCALCA_CONSOLE_SCREENSHOTS") or os.path.join(os.getcwd(), "console-screenshots")


@unittest.skipUnless(os.path.exists(CHROMIUM), f"{CHROMIUM} is absent: apt-get install chromium")
class console_tests(emca_test):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()  # seeded emCA users and profiles (profile 9 needs an officer)
        # Restarted on the same data dir with EnOS orgs and Foundry accounts seeded too, the pki
        # API and lab mode on.
        restart_with_every_api(cls, {"pki": {"token": PKI}, "lab": {"enabled": True}})
        cls.c1 = cls.client("app1", "ECB")
        if not os.path.isdir(os.path.join(WEB, "node_modules")):
            run(["npm", "ci", "--no-audit", "--no-fund"], cwd=WEB)

    def token(self, name, role):
        return localca("admin", "token", "create", "--name", name, "--role", role,
                       "--data-dir", self.data).stdout.strip()

    def issue(self, cn, alg, days):
        st, body = self.srv.json("POST", "/pki/v1/certificates",
                                 {"csr": csr_pem(cn, alg), "authority": alg, "validDays": days},
                                 {"Authorization": f"Bearer {PKI}"})
        self.assertEqual(st, 201, body)
        return body["certSN"]

    def enos_certificate(self):
        c = enos_client(self.srv, AK1, SK1)
        c.login()
        r = c.apply(devpk("pk1", "dk2", O1), enos_csr("enos-dk2-in-console")[0], validDay=30, issueAuthority="ECC")
        self.assertEqual((r.status, r.json["code"]), (200, 0), r)
        return str(r.json["data"]["certSN"])

    def foundry_certificate(self, device, topics):
        auth = {"Authorization": f"Bearer {TOKEN_A}"}
        st, body = self.srv.json("GET", "/foundry/certificates/generate" + topics_query(topics), headers=auth)
        self.assertEqual(st, 200, body)
        g = generated(body)
        st, body = self.srv.json("POST", "/foundry/certificates/provision",
                                 {"arn": g.arn, "certId": g.id, "deviceId": device, "topics": topics}, auth)
        self.assertEqual(st, 200, body)
        return str(g.cert.serial_number)

    def test_console_in_chromium(self):
        operator, viewer = self.token("console-op", "operator"), self.token("console-viewer", "viewer")
        # The baseline that reset restores: taken when this lab server first started, before the
        # tokens; retaken with them (docs/lab.md), so the console stays signed in after a reset.
        localca("lab", "snapshot", "_baseline", "--data-dir", self.data)
        foundry_topics = ["sensors/console/#", "cmd/console/+"]
        enos_sn = self.enos_certificate()
        foundry_sn = self.foundry_certificate(DEVICES_A[1], foundry_topics)
        listed = [self.issue(f"console-{i:02d}", "RSA" if i % 2 else "ECC", 30 + i) for i in range(12)]
        short = self.issue("short-lived", "ECC", 2)
        victim = listed[3]
        body = self.create(self.c1, "s1", [("P", py_csr("console-pending"))], profile="9")
        pending = int(body["requestId"].split("|")[1])

        shots = screenshot_dir()
        shutil.rmtree(shots, ignore_errors=True)
        os.makedirs(shots)
        env = {**os.environ, "BASE": self.srv.base, "OPERATOR": operator, "VIEWER": viewer,
               "VICTIM": str(victim), "SHORT": str(short), "PENDING": str(pending),
               "LISTED_PREFIX": "console-", "LISTED_COUNT": str(len(listed)),
               "SHOTS": shots, "CHROMIUM": CHROMIUM, "WEB": WEB,
               "ENOS_ORG": O1, "ENOS_PRODUCT": "pk1", "ENOS_DEVICE": "dk2", "ENOS_SN": enos_sn,
               "FOUNDRY_ACCOUNT": ACCOUNT_A, "FOUNDRY_DEVICE": DEVICES_A[1], "FOUNDRY_SN": foundry_sn,
               "FOUNDRY_TOPICS": json.dumps(foundry_topics)}
        p = subprocess.run(["node", os.path.join(os.path.dirname(os.path.abspath(__file__)), "console.mjs")],
                           env=env, capture_output=True, text=True, timeout=400)
        print(p.stdout)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr + self.srv.output()[-3000:])
        result = json.loads(p.stdout.strip().splitlines()[-1])

        # The revocation the browser made is in the CRL the server publishes.
        st, _, crl_der = self.srv.request("GET", f"/enos/CA/crl/{self.authority(victim)}")
        self.assertEqual(st, 200)
        der = os.path.join(self.tmp, "console.crl")
        with open(der, "wb") as f:
            f.write(crl_der)
        text = run(["openssl", "crl", "-inform", "DER", "-in", der, "-noout", "-text"]).stdout
        serials = {int(line.split(":", 1)[1].strip(), 16) for line in text.splitlines()
                   if line.strip().startswith("Serial Number:")}
        self.assertIn(int(victim), serials, text)

        # What the viewer's page hid, the API refuses.
        st, _ = self.srv.json("POST", f"/admin/v1/certificates/{listed[5]}/revoke", {"reason": 0},
                              {"Authorization": f"Bearer {viewer}"})
        self.assertEqual(st, 403)

        # The approval the browser made issued a real certificate for the pending request.
        st, page = self.srv.json("GET", "/admin/v1/emca/pending", headers={"Authorization": f"Bearer {viewer}"})
        self.assertNotIn(pending, [i["requestId"] for i in page["items"]])
        st, cert = self.srv.json("GET", f"/admin/v1/certificates/{result['approvedSN']}",
                                 headers={"Authorization": f"Bearer {viewer}"})
        self.assertEqual((st, cert["api"]), (200, "emca"))
        self.assertIn("console-pending", cert["subject"])

        # The snapshot the browser took, restored and deleted is gone; what the viewer's Lab page
        # hid, the API refuses; the browse lists the pages showed are the viewer's too.
        op_auth = {"Authorization": f"Bearer {operator}"}
        names = [s["name"] for s in self.srv.json("GET", "/lab/v1/snapshots", headers=op_auth)[1]["snapshots"]]
        self.assertNotIn("before-reset", names)
        self.assertEqual(self.srv.json("POST", "/lab/v1/snapshots", {"name": "v"},
                                       {"Authorization": f"Bearer {viewer}"})[0], 403)
        self.assertEqual(self.srv.json("GET", f"/admin/v1/enos/orgs/{O1}/products",
                                       headers={"Authorization": f"Bearer {viewer}"})[0], 200)
        # The restore brought back the EnOS certificate the browser opened.
        self.assertEqual(self.srv.json("GET", f"/admin/v1/certificates/{enos_sn}", headers=op_auth)[1]["owner"],
                         {"org": O1, "product": "pk1", "device": "dk2"})

        # The role question the console asks at sign-in.
        self.assertEqual(self.srv.json("GET", "/admin/v1/whoami", headers={"Authorization": f"Bearer {viewer}"}),
                         (200, {"name": "console-viewer", "role": "viewer"}))
        self.assertEqual(self.srv.json("GET", "/admin/v1/whoami", headers={"Authorization": f"Bearer {operator}"})[1]["role"],
                         "operator")
        self.assertEqual(self.srv.json("GET", "/admin/v1/whoami")[0], 401)

        # Screenshots of every page, for docs/console.md.
        for page_name in ("signin", "overview", "certificates", "detail", "audit", "emca", "enos", "foundry",
                          "lab", "snapshots", "mobile", "mobile-enos"):
            self.assertTrue(os.path.getsize(os.path.join(shots, f"{page_name}.png")) > 1000, page_name)

    def authority(self, sn):
        token = self.token(f"a-{sn}", "viewer")
        return self.srv.json("GET", f"/admin/v1/certificates/{sn}", headers={"Authorization": f"Bearer {token}"})[1]["authority"]


if __name__ == "__main__":
    unittest.main()
