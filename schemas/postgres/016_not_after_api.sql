-- LocalCA schema on PostgreSQL, version 16: schemas/016_not_after_api.sql (which says why).
-- Here sn matters twice: PostgreSQL's one-column index was not in (not_after, sn) order, so
-- sort=notAfter read and sorted every row sharing the page's notAfter (1,429 rows per value in
-- the bench's preload: 150-200 ms a page). `api = ?` on the third column is an index condition:
-- the walk skips the other apis' entries without visiting their heap rows.
DROP INDEX IF EXISTS certificates_not_after;
CREATE INDEX certificates_not_after ON certificates(not_after, sn, api);

-- The count tables of schema 14 take one UPDATE per issued certificate: at the default
-- thresholds (20 % of a few hundred rows, but counted in dead tuples of a table that is mostly
-- dead tuples) autovacuum let certificate_counts grow to 4,800 pages for 709 live rows after a
-- 1,000,000-row load, and stats read all of them (30-50 ms). Vacuum them after every 2,000
-- updates instead; a vacuum of a few hundred rows is cheap.
ALTER TABLE certificate_counts SET (autovacuum_vacuum_threshold = 2000,
                                    autovacuum_vacuum_scale_factor = 0);
ALTER TABLE issued_hours SET (autovacuum_vacuum_threshold = 2000,
                              autovacuum_vacuum_scale_factor = 0);
