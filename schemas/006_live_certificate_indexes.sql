-- LocalCA schema, version 6: the duplicate-subject and key-reuse checks read an index only.
--
-- Those checks (storage/certificate_repository.cpp, live_cn_elsewhere / live_key_elsewhere) ask
-- whether a live certificate (status 0, not expired) with this CN or key is bound to another
-- device. With an index on the CN alone, each candidate row was read from the table to look at
-- its status, expiry and device: a device that renews often, or a CN reused over years, made
-- every issuance read one table row (about one page, the DER is inline) per earlier certificate,
-- twice (before signing and in the committing transaction). Measured: issuance fell by 28 %
-- within 30 s of a benchmark that re-applies for the same 256 devices.
--
-- These partial indexes hold only valid (not revoked) certificates and carry device and expiry,
-- so the check is one seek plus a scan of index entries, with no table reads. status is a column
-- too, although always 0 here: SQLite (3.40) counts an index as covering only when it holds every
-- column the query names. They replace the plain CN and key indexes, which nothing else uses.
-- Building them reads the certificates table once, at the first start after upgrading (about
-- 5 s for 1,000,000 rows).
DROP INDEX certificates_cn;
DROP INDEX certificates_spki;
CREATE INDEX certificates_live_cn ON certificates(subject_cn, status, device, not_after)
    WHERE status = 0;
CREATE INDEX certificates_live_spki ON certificates(spki_sha256, status, device, not_after)
    WHERE status = 0;
