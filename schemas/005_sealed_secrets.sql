-- LocalCA schema, version 5: EnOS app secrets and emCA AES keys sealed at rest (AES-256-GCM,
-- ca/secret_box.cpp) under a random data key, itself stored sealed under a key derived from the
-- CA passphrase (Argon2id with the parameters and salt below, ca/sealing_key.cpp).
--
-- SQL cannot encrypt, so the clear values of an older database move to unsealed_secrets and
-- their columns are dropped here; the first start with the passphrase seals them and empties
-- that table in one transaction. secure_delete makes SQLite zero what it frees, so the clear
-- bytes do not linger in free pages.
PRAGMA secure_delete = ON;

CREATE TABLE sealing_key (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    kdf_memory_kib INTEGER NOT NULL,
    kdf_passes     INTEGER NOT NULL,
    kdf_lanes      INTEGER NOT NULL,
    salt           BLOB NOT NULL,
    wrapped        BLOB NOT NULL         -- the data key, sealed under Argon2id(passphrase, salt)
);

-- Clear values waiting to be sealed: kind 'enos-app' (row_id = apps.id) or 'emca-aes'
-- (row_id = api_users.id). Empty once a server or CLI has started with the passphrase.
CREATE TABLE unsealed_secrets (
    kind   TEXT NOT NULL,
    row_id INTEGER NOT NULL,
    value  BLOB NOT NULL,
    PRIMARY KEY (kind, row_id)
);

ALTER TABLE apps ADD COLUMN app_secret_sealed BLOB;
INSERT INTO unsealed_secrets (kind, row_id, value)
    SELECT 'enos-app', id, CAST(app_secret AS BLOB) FROM apps;
ALTER TABLE apps DROP COLUMN app_secret;

ALTER TABLE api_users ADD COLUMN aes_key_sealed BLOB;
INSERT INTO unsealed_secrets (kind, row_id, value)
    SELECT 'emca-aes', id, aes_key FROM api_users;
ALTER TABLE api_users DROP COLUMN aes_key;
