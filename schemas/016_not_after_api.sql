-- LocalCA schema, version 16: certificates_not_after becomes (not_after, sn, api), so that the
-- operator API's `api=X&sort=notAfter` walks it in the page order (notAfter, certSN) and skips
-- the other apis' rows in the index itself, without reading their table rows
-- (storage/admin/inventory.cpp chooses that walk for an api with many rows; a small one is read
-- from certificates_api and sorted). sn is named so that api comes after it: (not_after, api)
-- would order equal notAfter values by api, and every page would sort a whole group of them.
--
-- Why widen instead of a new (api, not_after) index: every index is one more b-tree insert per
-- issued certificate; the widened one has the same number of inserts, its entries grow by a few
-- bytes (docs/performance.md, "Operator API at 1M rows on PostgreSQL"). Every other reader of
-- certificates_not_after (expiry ranges, sort=notAfter, stats) uses its leading column as
-- before.
DROP INDEX IF EXISTS certificates_not_after;
CREATE INDEX certificates_not_after ON certificates(not_after, sn, api);
