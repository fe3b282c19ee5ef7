-- LocalCA schema, version 3: registered API users (emCA's "external applications"), the
-- certificate profiles they issue under, and their issuance requests (idempotency by
-- (user, application id) and the officer queue of manual authorization).

CREATE TABLE api_users (
    id            INTEGER PRIMARY KEY,
    user_name     TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,            -- Argon2id PHC string, never the password
    api_key       TEXT NOT NULL,            -- header value the application sends (emKey)
    aes_key       BLOB NOT NULL CHECK (length(aes_key) = 32),
    aes_mode      TEXT NOT NULL,            -- 'ECB' | 'CBC' | 'GCM'
    allowed_ips   TEXT NOT NULL,            -- space-separated source addresses
    signer_cert   BLOB NOT NULL             -- DER of the registered signer certificate
);
CREATE UNIQUE INDEX api_users_api_key ON api_users(api_key);

CREATE TABLE issuance_profiles (
    profile_id           TEXT PRIMARY KEY,
    authority            TEXT NOT NULL,     -- 'RSA' | 'ECC'
    key_types            TEXT NOT NULL,     -- space-separated, e.g. 'RSA-2048'
    default_validity     INTEGER NOT NULL CHECK (default_validity > 0),  -- seconds
    max_validity         INTEGER NOT NULL CHECK (max_validity > 0),      -- seconds
    required_subject     TEXT NOT NULL,     -- space-separated attribute names, e.g. 'CN O'
    key_usage            TEXT NOT NULL,     -- space-separated names, '' = no keyUsage
    extended_key_usage   TEXT NOT NULL,     -- space-separated names or OIDs
    manual_authorization INTEGER NOT NULL
);

-- One row per accepted call; response is exactly what was answered, replayed on a repeat.
CREATE TABLE issuance_requests (
    id             INTEGER PRIMARY KEY,
    user           INTEGER NOT NULL REFERENCES api_users(id),
    application_id TEXT NOT NULL,
    created_at     INTEGER NOT NULL,        -- unix seconds
    response       TEXT NOT NULL,
    UNIQUE (user, application_id)
);

-- One row per CSR of a request. id is the requestId of manual authorization.
CREATE TABLE issuance_items (
    id          INTEGER PRIMARY KEY,
    request     INTEGER NOT NULL REFERENCES issuance_requests(id),
    user        INTEGER NOT NULL REFERENCES api_users(id),
    item_id     TEXT NOT NULL,              -- the caller's ID in the multi-CSR payload
    profile_id  TEXT NOT NULL,
    csr         BLOB NOT NULL,              -- the CSR as received (PEM or DER)
    not_before  INTEGER,                    -- unix seconds; NULL = when issued
    validity    INTEGER NOT NULL,           -- seconds
    status      INTEGER NOT NULL,           -- 0 pending, 1 issued, 2 rejected
    cert_sn     INTEGER REFERENCES certificates(sn),
    decided_at  INTEGER
);
CREATE INDEX issuance_items_request ON issuance_items(request);
CREATE INDEX issuance_items_status ON issuance_items(status);
CREATE UNIQUE INDEX issuance_items_cert ON issuance_items(cert_sn);
