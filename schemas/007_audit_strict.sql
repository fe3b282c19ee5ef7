-- LocalCA schema, version 7: the audit table becomes STRICT, so a row can only hold the types the
-- schema declares.
--
-- Without STRICT, SQLite stored whatever it was given: `UPDATE audit SET at = '1796312471x'` kept
-- the TEXT, and the reader coerced it back to the integer the hash covers, so the edited row still
-- verified. A STRICT table refuses such a value outright; `localca audit verify` also checks the
-- stored type of every column and that the table is still STRICT (ca/audit.cpp), because someone
-- with the file can rebuild the table without it.
--
-- SQLite cannot add STRICT to an existing table, so this is its documented table rebuild (create
-- the new table, copy, drop the old one, rename), inside the one transaction migrate() runs each
-- migration in. Rows are copied as they are, same ids and hashes, so the chain still verifies.
-- Foreign keys stay on (PRAGMA foreign_keys cannot change inside a transaction); no table refers
-- to audit and it has no index, trigger or view, so dropping and renaming touches nothing else.
-- A row whose stored value cannot be held in its declared type (only possible after tampering)
-- makes the copy, and with it this migration, fail: "cannot store TEXT value in INTEGER column
-- audit_strict.at". The database then stays at version 6, unchanged; fix or remove that row with
-- the sqlite3 CLI (`SELECT id FROM audit WHERE typeof(at) <> 'integer'`) before starting again.
-- A TEXT value that is exactly an integer ('1796312471') is stored as that integer, as the hash
-- already assumed.

CREATE TABLE audit_strict (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,            -- unix seconds
    actor      TEXT NOT NULL,               -- 'appKey:…', 'pki-token', 'emca:user', 'foundry:…', 'cli'
    action     TEXT NOT NULL,               -- issue | renew | revoke | emca-approve | auth | seed | start | stop
    cert_sn    INTEGER,                     -- the certificate concerned, if any
    subject    TEXT NOT NULL,               -- subject DN ('' when none)
    source_ip  TEXT NOT NULL,               -- '' when not from the network
    outcome    TEXT NOT NULL,               -- ok | denied
    prev_hash  TEXT NOT NULL,               -- lowercase hex
    hash       TEXT NOT NULL                -- lowercase hex
) STRICT;

INSERT INTO audit_strict (id, at, actor, action, cert_sn, subject, source_ip, outcome, prev_hash,
                          hash)
    SELECT id, at, actor, action, cert_sn, subject, source_ip, outcome, prev_hash, hash
    FROM audit ORDER BY id;

DROP TABLE audit;
ALTER TABLE audit_strict RENAME TO audit;
