-- LocalCA schema on PostgreSQL, version 17: schemas/017_live_index_predicates.sql (no change
-- there). Each live index of schema 006 becomes usable by its own lookup only.
--
-- Why: both indexes were partial on "status = 0" alone, so the duplicate-CN lookup
-- (live_cn_elsewhere) could also be answered from certificates_live_spki, reading its device and
-- not_after columns and filtering on the CN. The cached generic plan of that prepared statement is
-- made while the table is nearly empty, where both indexes cost the same, and PostgreSQL took the
-- key index: every CN check then scanned every live certificate (278 µs per check after 1,500
-- certificates in localca-bench, growing with the table; the key check took 10 µs). With
-- "column IS NOT NULL" in each predicate, which only a query naming that column implies, each
-- lookup has one live index it can use: one seek, as on SQLite (docs/performance.md,
-- "PostgreSQL speed, fewer statements"). Rebuilding reads the certificates table once.
DROP INDEX certificates_live_cn;
DROP INDEX certificates_live_spki;
CREATE INDEX certificates_live_cn ON certificates(subject_cn, status, device, not_after)
    WHERE status = 0 AND subject_cn IS NOT NULL;
CREATE INDEX certificates_live_spki ON certificates(spki_sha256, status, device, not_after)
    WHERE status = 0 AND spki_sha256 IS NOT NULL;
