-- LocalCA schema, version 17: nothing changes on SQLite. PostgreSQL's 017
-- (schemas/postgres/017_live_index_predicates.sql) narrows the predicates of the live indexes of
-- schema 006 so that its planner cannot answer the duplicate-CN lookup from the key index.
-- SQLite's planner already picks the index whose leading column the query compares with "=",
-- and rebuilding both indexes would read the whole certificates table at the first start after
-- upgrading, for nothing.
SELECT 1;
