-- LocalCA schema on PostgreSQL, version 12: the indexes schemas/012_index_diet.sql drops on SQLite,
-- dropped here too (that file says why, and which remaining index serves each query), so that a
-- database of either backend at version 12 has the same indexes (docs/scale-out.md, "Schema and
-- migrations"; the test storage.postgres_connection compares them).
DROP INDEX IF EXISTS certificates_api;
DROP INDEX IF EXISTS certificates_authority;
DROP INDEX IF EXISTS certificates_status;
DROP INDEX IF EXISTS certificates_status_not_after;
DROP INDEX IF EXISTS certificates_profile;
DROP INDEX IF EXISTS certificates_not_before;
DROP INDEX IF EXISTS search_by_action;
DROP INDEX IF EXISTS search_by_at;
