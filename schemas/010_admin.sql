-- LocalCA schema, version 10: the operator's API (docs/admin-api.md).
--
-- Admin tokens: like the Foundry tokens, only their SHA-256 is stored, so the database never
-- holds a usable credential. Created, listed and revoked by `localca admin token`, which may run
-- while the server does (the server reads this table per request).
CREATE TABLE admin_tokens (
    name         TEXT PRIMARY KEY,
    role         TEXT NOT NULL CHECK (role IN ('viewer', 'operator')),
    token_sha256 BLOB NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    created_at   INTEGER NOT NULL               -- unix seconds
);

-- Which API issued each certificate: a tag, not a foreign key, so that the core names no vendor
-- (each personality sets it when it issues). Rows issued before this schema are tagged from what
-- identified each API until now: a Foundry managed-certificate row, an emCA issuance item, an
-- EnOS device binding, the 'server' profile of the TLS certificate, and otherwise /pki/v1.
ALTER TABLE certificates ADD COLUMN api TEXT;
UPDATE certificates SET api = CASE
    WHEN sn IN (SELECT sn FROM managed_certificates) THEN 'foundry'
    WHEN sn IN (SELECT cert_sn FROM issuance_items WHERE cert_sn IS NOT NULL) THEN 'emca'
    WHEN device IS NOT NULL THEN 'enos'
    WHEN profile = 'server' THEN 'server'
    ELSE 'pki' END;

-- Inventory filters (docs/performance.md, "Operator API at size"). sn is the rowid, so an index
-- on one column is ordered by (column, sn): an equality filter with the default sort (issued =
-- certSN order) is one seek and a scan of exactly the page, in either direction. The notAfter
-- sort and the expiry/issue-date ranges use the date indexes.
CREATE INDEX certificates_api ON certificates(api);
CREATE INDEX certificates_authority ON certificates(authority);
CREATE INDEX certificates_profile ON certificates(profile);
CREATE INDEX certificates_status ON certificates(status);
CREATE INDEX certificates_not_after ON certificates(not_after);
CREATE INDEX certificates_not_before ON certificates(not_before);
-- The CN prefix filter is a range on the CN; the live-CN index of schema 6 holds valid rows only.
CREATE INDEX certificates_cn ON certificates(subject_cn);
-- status with a notAfter sort or range (valid/expired are status 0 on either side of now), and
-- the expiring-per-week statistics: one range each.
CREATE INDEX certificates_status_not_after ON certificates(status, not_after);
-- Owner filters of the vendor modules: certificates of a Foundry account, of an emCA user.
-- Replaces 009's index on (account) alone: (account, sn) serves its lookups too.
DROP INDEX IF EXISTS managed_certificates_account;
CREATE INDEX managed_certificates_account ON managed_certificates(account, sn);
DROP INDEX IF EXISTS issuance_items_user; -- 009's (user) alone, served by this one too
CREATE INDEX issuance_items_user ON issuance_items(user, cert_sn);
-- Audit search: by certificate, actor, action, time (named search_by_*: the audit checks count
-- the schema objects named audit*).
CREATE INDEX search_by_cert_sn ON audit(cert_sn) WHERE cert_sn IS NOT NULL;
CREATE INDEX search_by_actor ON audit(actor);
CREATE INDEX search_by_action ON audit(action);
CREATE INDEX search_by_at ON audit(at);
-- Statistics (GET /admin/v1/stats): the counts by api x authority x status read this index only.
CREATE INDEX certificates_stats ON certificates(api, authority, status, not_after);
