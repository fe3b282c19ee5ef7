-- LocalCA schema, version 4: the tamper-evident audit log. Append-only hash chain: each row's
-- hash is SHA-256 over a canonical encoding of its fields and prev_hash (the previous row's hash,
-- 64 zeros for the first row), computed in ca/audit.cpp. Rows are written in the same
-- transaction as the change they record.

CREATE TABLE audit (
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
);
