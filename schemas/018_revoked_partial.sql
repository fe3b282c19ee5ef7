-- LocalCA schema, both backends.
-- Version 18, one file for SQLite and PostgreSQL (schemas/CMakeLists.txt): the revoked
-- certificates get indexes of their own, partial on "status = 1", in place of
-- certificates_revoked (authority, status) over every row. An issued certificate (status 0) is
-- in none of them: one b-tree insert less per issuance. A revocation
-- adds one entry to each (revocations are rare next to issuance; docs/performance.md, "Operator
-- API at 1M rows, quiet").
--
-- certificates_revoked (authority, sn): the CRL build (revoked_of_authority: one authority's
--   revoked certificates, ascending sn), as the full index served it, and
--   `authority=X&status=revoked`.
-- certificates_revoked_sn (sn, api): `status=revoked` in page order (certSN). Without it a page
--   walks the table in sn order until 100 revoked rows turn up: at one revoked certificate in
--   10,000, a whole 1,000,000-row table for one page.
-- certificates_revoked_api (api, sn): `api=X&status=revoked`, one seek into the api's revoked
--   rows, where certificates_api walked all of the api's entries (200,000 at 1,000,000 rows).
-- certificates_revoked_not_after (not_after, sn, api): `status=revoked&sort=notAfter`; a walk of
--   certificates_not_after passed every live row on the way (3.5 s for `sort=-notAfter` at
--   1,000,000 rows, 10 % revoked).
--
-- Each CREATE reads the certificates table once: on upgrading a large database, seconds per
-- million rows (3 s at 1,000,000 on SQLite), under the writers' lock like every migration.
DROP INDEX IF EXISTS certificates_revoked;
DROP INDEX IF EXISTS certificates_revoked_sn;
DROP INDEX IF EXISTS certificates_revoked_api;
DROP INDEX IF EXISTS certificates_revoked_not_after;
CREATE INDEX certificates_revoked ON certificates(authority, sn) WHERE status = 1;
CREATE INDEX certificates_revoked_sn ON certificates(sn, api) WHERE status = 1;
CREATE INDEX certificates_revoked_api ON certificates(api, sn) WHERE status = 1;
CREATE INDEX certificates_revoked_not_after ON certificates(not_after, sn, api) WHERE status = 1;
