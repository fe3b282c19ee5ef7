-- LocalCA schema, version 11: lab mode's persisted state (docs/lab.md). One row. `enabled` is
-- what the last server start was configured with, so that `localca lab` on the same data dir
-- refuses when lab mode is off; `offset_seconds` is the time travel offset that the server's
-- clock adds to the real time (kept here so that the CLI can move a running server's clock and
-- the offset survives restarts until reset). Numbered 011: 007 to 010 are taken on
-- concurrent branches.

CREATE TABLE lab_state (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    enabled        INTEGER NOT NULL DEFAULT 0,   -- 0 | 1
    offset_seconds INTEGER NOT NULL DEFAULT 0    -- lab time minus real time
);
INSERT INTO lab_state (id) VALUES (1);
