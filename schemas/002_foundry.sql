-- LocalCA schema, version 2: accounts of the managed-certificate APIs (Foundry), and the state of
-- their certificates: INACTIVE/ACTIVE, a topic policy and an association with one device.
-- A certificate's REVOKED state is not stored here: it is certificates.status, so a revocation
-- through any API (or /pki/v1) is seen by every view of the certificate.

CREATE TABLE accounts (
    id         INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL UNIQUE,  -- e.g. a 12-digit AWS account id
    region     TEXT                   -- NULL: the server's configured default region
);

-- Bearer tokens, stored as SHA-256 only: the database never holds a usable token.
CREATE TABLE account_tokens (
    token_sha256 BLOB PRIMARY KEY,
    account      INTEGER NOT NULL REFERENCES accounts(id)
) WITHOUT ROWID;
CREATE INDEX account_tokens_account ON account_tokens(account);

CREATE TABLE account_devices (
    id        INTEGER PRIMARY KEY,
    account   INTEGER NOT NULL REFERENCES accounts(id),
    device_id TEXT NOT NULL,
    UNIQUE (account, device_id)
);

CREATE TABLE managed_certificates (
    sn      INTEGER PRIMARY KEY REFERENCES certificates(sn),
    account INTEGER NOT NULL REFERENCES accounts(id),
    cert_id TEXT NOT NULL UNIQUE,       -- lowercase hex SHA-256 of the certificate's DER
    active  INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
    device  INTEGER REFERENCES account_devices(id) -- associated device, NULL if none
);
-- The broker view reads every active certificate; most certificates of a long-lived lab are not.
CREATE INDEX managed_certificates_active ON managed_certificates(sn) WHERE active = 1;

-- A certificate's topic policy: MQTT topic filters, in the order they were given.
CREATE TABLE managed_certificate_topics (
    sn       INTEGER NOT NULL REFERENCES managed_certificates(sn),
    position INTEGER NOT NULL,
    filter   TEXT NOT NULL,
    PRIMARY KEY (sn, position)
) WITHOUT ROWID;
