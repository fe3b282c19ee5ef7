-- Revocations no longer re-sign the CRL inside their transaction (ca/crl_publisher.hpp). Each one
-- bumps its authority's counter instead, and the stored CRL records the counter it was built
-- from: any process (the server, `localca revoke`) tells a stale CRL with one primary-key read.
-- Existing CRLs were built in the revoking transactions, so 0 = 0 is right for them.
ALTER TABLE authorities ADD COLUMN revocations INTEGER NOT NULL DEFAULT 0;
ALTER TABLE authorities ADD COLUMN crl_revocations INTEGER NOT NULL DEFAULT 0;

-- Bulk revocation selects a Foundry account's and an emCA user's certificates.
CREATE INDEX managed_certificates_account ON managed_certificates(account);
CREATE INDEX issuance_items_user ON issuance_items(user);
