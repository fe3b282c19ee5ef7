-- LocalCA schema, version 13: the node-independent key material of a data dir, in the database.
--
-- Why: with PostgreSQL several nodes serve one CA (docs/scale-out.md). A node must need only the
-- config (the database URL) and LOCALCA_CA_PASSPHRASE, so the CA keys (encrypted PKCS#8 PEM under
-- the CA passphrase, exactly the bytes of DIR/ca/*.key.pem), the root certificates and the EnOS
-- token key (sealed with the data's sealing key) are kept here and written to each node's data
-- dir from here. With SQLite the table stays empty: the data dir is the database's only node.
CREATE TABLE shared_keys (
    name    TEXT PRIMARY KEY,  -- "ca/rsa.key.pem", "ca/ecc.crt.pem", "enos-token-key", ...
    content BLOB NOT NULL
) STRICT, WITHOUT ROWID;
