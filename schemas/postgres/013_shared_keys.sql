-- LocalCA schema on PostgreSQL, version 13: schemas/013_shared_keys.sql (which says why), by the
-- rules of docs/scale-out.md ("Schema and migrations").
CREATE TABLE shared_keys (
    name    TEXT PRIMARY KEY,
    content BYTEA NOT NULL
);
