"""GET /admin/v1/stats stays exact (issue 16, "Fast at size"): its counts come from tables that
triggers keep in the issuing and revoking statements (schemas/014_certificate_counts.sql), so this
test compares them, after every kind of change, with a recount of the full ndjson export (the
inventory's own SQL over the certificates table): issuance through /pki/v1, revocation through
the operator API, bulk revocation through /pki/v1/revocations, expiry by moving the lab clock, and
the migration of a database that held certificates before schema 14."""
import json
import os
import sqlite3
import unittest
from datetime import datetime, timezone

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

import harness
from harness import localca, localca_test

PKI = "pki-stats-token"
HOUR, DAY, WEEK = 3600, 86400, 7 * 86400


def epoch(text):
    return int(datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp())


def iso(t):
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


KEYS = {"RSA": rsa.generate_private_key(65537, 2048), "ECC": ec.generate_private_key(ec.SECP256R1())}


def csr_pem(cn, authority):
    key = KEYS[authority]
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
           .sign(key, hashes.SHA256()))
    return csr.public_bytes(serialization.Encoding.PEM).decode()


def expected_stats(items, now):
    """The statistics of docs/admin-api.md recomputed from exported items at `now`."""
    counts, per_hour, per_day, per_week = {}, {}, {}, {}
    for i in items:
        nb, na = epoch(i["notBefore"]), epoch(i["notAfter"])
        status = "revoked" if i["status"] == "revoked" else ("valid" if na > now else "expired")
        key = (i["api"], i["authority"], status)
        counts[key] = counts.get(key, 0) + 1
        hour = nb // HOUR * HOUR
        if (now - 7 * DAY) // HOUR * HOUR <= hour <= now:
            per_hour[iso(hour)] = per_hour.get(iso(hour), 0) + 1
        if (now - 90 * DAY) // DAY * DAY <= hour <= now:
            per_day[iso(nb // DAY * DAY)] = per_day.get(iso(nb // DAY * DAY), 0) + 1
        start = now // DAY * DAY  # weeks from the start of today (UTC)
        if status == "valid" and na < start + 12 * WEEK:
            k = (na - start) // WEEK
            per_week[iso(start + k * WEEK)] = per_week.get(iso(start + k * WEEK), 0) + 1
    return counts, per_hour, per_day, per_week


class admin_stats_tests(localca_test):
    # Schema 13's index that 014 replaces by certificates_api.
    STATS_INDEX = "CREATE INDEX certificates_stats ON certificates(api, authority, status, not_after); "

    def setUp(self):
        super().setUp()
        self.cfg = self.write_json("c.json", {"pki": {"token": PKI}, "lab": {"enabled": True}})
        localca("init", "--data-dir", self.data)
        self.viewer = localca("admin", "token", "create", "--name", "v", "--role", "viewer",
                              "--data-dir", self.data).stdout.strip()
        self.operator = localca("admin", "token", "create", "--name", "op", "--role", "operator",
                                "--data-dir", self.data).stdout.strip()
        self.s = self.start(config=self.cfg)

    def issue(self, n, authority, days):
        sns = []
        for k in range(n):
            st, body = self.s.json("POST", "/pki/v1/certificates",
                                   {"csr": csr_pem(f"stats-{authority}-{days}-{k}", authority), "authority": authority,
                                    "validDays": days}, {"Authorization": f"Bearer {PKI}"})
            self.assertEqual(st, 201, body)
            sns.append(int(body["certSN"]))
        return sns

    def check(self, what):
        """Stats against a recount of the export, at the stats answer's own `now`."""
        h = {"Authorization": f"Bearer {self.viewer}"}
        st, s = self.s.json("GET", "/admin/v1/stats", headers=h)
        self.assertEqual(st, 200, s)
        st, _, data = self.s.request("GET", "/admin/v1/certificates?format=ndjson", headers=h)
        self.assertEqual(st, 200)
        items = [json.loads(line) for line in data.decode().splitlines()]
        counts, per_hour, per_day, per_week = expected_stats(items, epoch(s["now"]))
        with self.subTest(what):
            self.assertEqual({(c["api"], c["authority"], c["status"]): c["count"] for c in s["counts"]}, counts)
            self.assertEqual({b["start"]: b["count"] for b in s["issuedPerHour"]}, per_hour)
            self.assertEqual({b["start"]: b["count"] for b in s["issuedPerDay"]}, per_day)
            self.assertEqual({b["start"]: b["count"] for b in s["expiringPerWeek"]}, per_week)
        return s, items

    def advance(self, amount):
        st, body = self.s.json("POST", "/lab/v1/clock", {"advance": amount},
                               {"Authorization": f"Bearer {self.operator}"})
        self.assertEqual(st, 200, body)

    def db_exec(self, sql):
        """Runs statements on the data dir's database (SQLite file or the test's PostgreSQL)."""
        if harness.BACKEND == "postgres":
            harness._psql(harness._pg["url"], sql)
            return
        con = sqlite3.connect(os.path.join(self.data, "localca.db"))
        try:
            con.executescript(sql)
        finally:
            con.close()

    def test_counts_follow_issue_revoke_bulk_revoke_expiry_and_migration(self):
        rsa = self.issue(3, "RSA", 1) + self.issue(2, "RSA", 30)
        ecc = self.issue(2, "ECC", 2) + self.issue(2, "ECC", 100) + self.issue(1, "ECC", 400)
        _, items = self.check("issued")
        self.assertGreaterEqual(len(items), 10)

        for sn in (rsa[0], ecc[3]):
            st, body = self.s.json("POST", f"/admin/v1/certificates/{sn}/revoke", {"reason": "superseded"},
                                   {"Authorization": f"Bearer {self.operator}"})
            self.assertEqual(st, 200, body)
        # A second revocation of the same certificate changes nothing.
        st, _ = self.s.json("POST", f"/admin/v1/certificates/{rsa[0]}/revoke", {"reason": "superseded"},
                            {"Authorization": f"Bearer {self.operator}"})
        self.check("revoked one by one")

        st, body = self.s.json("POST", "/pki/v1/revocations",
                               {"filter": {"serialFrom": rsa[2], "serialTo": ecc[1]}, "reason": "keyCompromise"},
                               {"Authorization": f"Bearer {PKI}"})
        self.assertEqual(st, 200, body)
        s, _ = self.check("bulk revoked")
        self.assertTrue(any(c["status"] == "revoked" and c["count"] >= 4 for c in s["counts"]), s["counts"])

        # Expiry is not an event: moving the clock moves certificates from valid to expired.
        for amount, what in (("1d", "a day later"), ("3d", "four days later"), ("40d", "44 days later"),
                             ("100d", "144 days later")):
            self.advance(amount)
            s, _ = self.check(what)
        self.assertTrue(any(c["status"] == "expired" for c in s["counts"]), s["counts"])
        self.assertEqual(s["issuedPerDay"], [])  # everything was issued more than 90 days "ago"

        # A database from before schema 14: no count tables, no triggers (schema 15 drops the
        # insert one again; every later version is taken out too, so that it runs after them
        # again: migrate reads the highest version applied). Starting the server
        # migrates it and the counts are those of the rows already there.
        self.s.stop()
        if harness.BACKEND == "postgres":
            self.db_exec("DROP TRIGGER certificate_counts_delete ON certificates; "
                         "DROP TRIGGER certificate_counts_update ON certificates; "
                         "DROP FUNCTION certificate_counts_track(); "
                         "DROP TABLE certificate_counts; DROP TABLE issued_hours; "
                         "DROP INDEX certificates_api; " + self.STATS_INDEX +
                         "DELETE FROM schema_version WHERE version >= 14")
        else:
            self.db_exec("DROP TRIGGER certificate_counts_update; "
                         "DROP TRIGGER issued_hours_update; DROP TRIGGER certificate_counts_delete; "
                         "DROP TABLE certificate_counts; DROP TABLE issued_hours; "
                         "DROP INDEX certificates_api; " + self.STATS_INDEX +
                         "DELETE FROM schema_version WHERE version >= 14")
        applied = "SELECT count(*) FROM schema_version WHERE version IN (14, 15)"
        self.assertEqual(harness.db_scalar(self.data, applied), 0)
        self.s = self.start(config=self.cfg)
        self.assertEqual(harness.db_scalar(self.data, applied), 2)
        self.check("migrated")
        self.issue(2, "RSA", 10)
        self.check("issued after the migration")


if __name__ == "__main__":
    unittest.main()
