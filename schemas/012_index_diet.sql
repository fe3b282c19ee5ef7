-- LocalCA schema, version 12: fewer indexes on the two tables every issuance writes.
--
-- Why: migration 010 gave the operator's inventory, stats and audit search thirteen new indexes
-- on `certificates` and `audit`. Each is one more B-tree insert per issued certificate and, worse,
-- one more dirty page written to the WAL and fsynced by every group commit: side by side with the
-- build before 010 the server spent ~0.17 ms more CPU per certificate (kernel write path +70 us,
-- SQLite +35 us per certificate; docs/performance.md, "Index diet"), issuance 13-16 % slower.
-- Kept: the indexes a query cannot do without at 1,000,000 rows —
--   certificates_cn (subject_cn)      CN prefix search over every status (the partial
--                                      certificates_live_cn covers live rows only)
--   certificates_not_after            sort by expiry, "expires before/after"
--   certificates_stats (api, authority, status, not_after)
--                                      stats by a covering scan; also serves "api = ?"
--   search_by_cert_sn, search_by_actor a certificate's history, one actor's actions (selective)
-- Dropped, with what serves their queries now:
--   certificates_api                   prefix of certificates_stats
--   certificates_authority             prefix of certificates_revoked (authority, status), 001
--   certificates_status, certificates_status_not_after
--                                      three values: a status filter walks the page order (sn or
--                                      not_after) and stops after one page of matches
--   certificates_profile               a handful of values: likewise
--   certificates_not_before            issuance time follows the serial order: sorted by sn, an
--                                      "issued after/before" page is found near one end
--   search_by_action, search_by_at     a few dozen actions, and `at` follows `id`: audit search
--                                      pages in id order and stops after one page of matches
DROP INDEX IF EXISTS certificates_api;
DROP INDEX IF EXISTS certificates_authority;
DROP INDEX IF EXISTS certificates_status;
DROP INDEX IF EXISTS certificates_status_not_after;
DROP INDEX IF EXISTS certificates_profile;
DROP INDEX IF EXISTS certificates_not_before;
DROP INDEX IF EXISTS search_by_action;
DROP INDEX IF EXISTS search_by_at;
