-- LocalCA schema, version 1.
-- Every lookup the issuance policy makes has an index (see docs/architecture.md).

-- Durable serial sequence shared by both authorities. Serials are reserved in blocks:
-- a block is committed before any serial from it is used, so a crash can only skip
-- serials, never hand one out twice.
CREATE TABLE serial_sequence (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    next_free INTEGER NOT NULL CHECK (next_free > 0)
);
INSERT INTO serial_sequence (id, next_free) VALUES (1, 1);

-- One row per certificate authority; the private key lives in a file, never here.
CREATE TABLE authorities (
    name        TEXT PRIMARY KEY,          -- 'RSA' | 'ECC'
    cert_der    BLOB NOT NULL,
    crl_number  INTEGER NOT NULL DEFAULT 0,
    crl_der     BLOB,                      -- current CRL, rebuilt in the revoking transaction
    crl_this_update INTEGER                -- unix seconds
);

CREATE TABLE orgs (
    id     INTEGER PRIMARY KEY,
    org_id TEXT NOT NULL UNIQUE
);

CREATE TABLE apps (
    id         INTEGER PRIMARY KEY,
    org        INTEGER NOT NULL REFERENCES orgs(id),
    app_key    TEXT NOT NULL UNIQUE,
    app_secret TEXT NOT NULL
);
CREATE INDEX apps_org ON apps(org);

CREATE TABLE products (
    id                  INTEGER PRIMARY KEY,
    org                 INTEGER NOT NULL REFERENCES orgs(id),
    product_key         TEXT NOT NULL,
    bi_directional_auth INTEGER NOT NULL,
    max_valid_day       INTEGER NOT NULL CHECK (max_valid_day > 0),
    UNIQUE (org, product_key)
);

CREATE TABLE devices (
    id         INTEGER PRIMARY KEY,
    org        INTEGER NOT NULL REFERENCES orgs(id),
    product    INTEGER NOT NULL REFERENCES products(id),
    device_key TEXT NOT NULL,
    asset_id   TEXT NOT NULL,
    UNIQUE (org, asset_id),
    UNIQUE (product, device_key)
);

CREATE TABLE certificates (
    sn                INTEGER PRIMARY KEY CHECK (sn > 0),   -- certSN == X.509 serial
    authority         TEXT NOT NULL,
    profile           TEXT NOT NULL,
    subject_der       BLOB NOT NULL,
    subject_cn        TEXT,                                  -- NULL when the subject has no CN
    spki_sha256       BLOB NOT NULL,
    device            INTEGER REFERENCES devices(id),        -- bound device, NULL if none
    status            INTEGER NOT NULL DEFAULT 0,            -- 0 valid, 1 revoked
    not_before        INTEGER NOT NULL,                      -- unix seconds
    not_after         INTEGER NOT NULL,
    der               BLOB NOT NULL,
    revoked_at        INTEGER,
    revocation_reason INTEGER
);
CREATE INDEX certificates_cn ON certificates(subject_cn);
CREATE INDEX certificates_spki ON certificates(spki_sha256);
CREATE INDEX certificates_device ON certificates(device);
CREATE INDEX certificates_revoked ON certificates(authority, status);
