-- LocalCA schema, version 14: certificate counts kept in step with the table (GET /admin/v1/stats).
--
-- Why: the statistics counted by a pass over the covering index certificates_stats, which grows
-- with the table (404 ms at 200,000 rows; target 200 ms at 1,000,000). These two tables are small
-- (one row per api x authority x status x expiry day, one per issuance hour) and are changed by
-- triggers in the very statement that inserts, revokes or deletes a certificate, so they are exact
-- in every transaction and on every path (engine, bulk revocation, seed, CLI, lab snapshots copy
-- the whole file) without any caller knowing them. Expiry is not an event: valid vs expired is the
-- sum of whole expiry days before now plus one range count over the day of now
-- (storage/admin/stats.cpp). Cost per issued certificate: two upserts into pages that stay in cache;
-- docs/performance.md, "Operator API at size", measures it side by side.
CREATE TABLE certificate_counts (
    api        TEXT NOT NULL,     -- coalesce(certificates.api, 'pki')
    authority  TEXT NOT NULL,
    status     INTEGER NOT NULL,  -- certificates.status: 0 valid, 1 revoked
    expiry_day INTEGER NOT NULL,  -- not_after / 86400 (UTC days since the epoch)
    n          INTEGER NOT NULL,  -- may reach 0, never negative
    PRIMARY KEY (api, authority, status, expiry_day)
) STRICT, WITHOUT ROWID;

CREATE TABLE issued_hours (
    hour INTEGER PRIMARY KEY,     -- not_before / 3600 * 3600 (unix seconds)
    n    INTEGER NOT NULL
) STRICT;

INSERT INTO certificate_counts (api, authority, status, expiry_day, n)
    SELECT coalesce(api, 'pki'), authority, status, not_after / 86400, count(*)
    FROM certificates GROUP BY 1, 2, 3, 4;
INSERT INTO issued_hours (hour, n)
    SELECT not_before / 3600 * 3600, count(*) FROM certificates GROUP BY 1;

CREATE TRIGGER certificate_counts_insert AFTER INSERT ON certificates BEGIN
    INSERT INTO certificate_counts (api, authority, status, expiry_day, n)
        VALUES (coalesce(NEW.api, 'pki'), NEW.authority, NEW.status, NEW.not_after / 86400, 1)
        ON CONFLICT (api, authority, status, expiry_day) DO UPDATE SET n = n + 1;
    INSERT INTO issued_hours (hour, n) VALUES (NEW.not_before / 3600 * 3600, 1)
        ON CONFLICT (hour) DO UPDATE SET n = n + 1;
END;

-- Revocation changes status (and only fires the first trigger); tests and the lab may re-tag or
-- re-date rows.
CREATE TRIGGER certificate_counts_update
AFTER UPDATE OF api, authority, status, not_after ON certificates BEGIN
    UPDATE certificate_counts SET n = n - 1
        WHERE api = coalesce(OLD.api, 'pki') AND authority = OLD.authority
          AND status = OLD.status AND expiry_day = OLD.not_after / 86400;
    INSERT INTO certificate_counts (api, authority, status, expiry_day, n)
        VALUES (coalesce(NEW.api, 'pki'), NEW.authority, NEW.status, NEW.not_after / 86400, 1)
        ON CONFLICT (api, authority, status, expiry_day) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER issued_hours_update AFTER UPDATE OF not_before ON certificates BEGIN
    UPDATE issued_hours SET n = n - 1 WHERE hour = OLD.not_before / 3600 * 3600;
    INSERT INTO issued_hours (hour, n) VALUES (NEW.not_before / 3600 * 3600, 1)
        ON CONFLICT (hour) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER certificate_counts_delete AFTER DELETE ON certificates BEGIN
    UPDATE certificate_counts SET n = n - 1
        WHERE api = coalesce(OLD.api, 'pki') AND authority = OLD.authority
          AND status = OLD.status AND expiry_day = OLD.not_after / 86400;
    UPDATE issued_hours SET n = n - 1 WHERE hour = OLD.not_before / 3600 * 3600;
END;

-- The covering index certificates_stats (api, authority, status, not_after) served the old count
-- pass and, as a prefix, the inventory's `api = ?` filter. The counts no longer need it, and for
-- the filter it was the wrong order: its rows of one api are not in sn order, so a page of
-- `api=enos` sorted every enos row (474 ms p50 at 1,000,000 rows). certificates_api is in
-- (api, sn) order, one seek and a scan of the page, and carries status and not_after so that
-- `api` with `status` tests the rows in the index (an entry of the same size as the one it
-- replaces: issuance writes no more).
DROP INDEX IF EXISTS certificates_stats;
CREATE INDEX certificates_api ON certificates(api, sn, status, not_after);
