-- LocalCA schema on PostgreSQL, version 14: schemas/014_certificate_counts.sql (which says why), by
-- the rules of docs/scale-out.md ("Schema and migrations"). One trigger function for the three
-- events. The writers' advisory lock makes one writer at a time across nodes, so the few hot
-- count rows add no lock waits.
CREATE TABLE certificate_counts (
    api        TEXT NOT NULL,
    authority  TEXT NOT NULL,
    status     BIGINT NOT NULL,
    expiry_day BIGINT NOT NULL,
    n          BIGINT NOT NULL,
    PRIMARY KEY (api, authority, status, expiry_day)
);

CREATE TABLE issued_hours (
    hour BIGINT PRIMARY KEY,
    n    BIGINT NOT NULL
);

INSERT INTO certificate_counts (api, authority, status, expiry_day, n)
    SELECT coalesce(api, 'pki'), authority, status, not_after / 86400, count(*)
    FROM certificates GROUP BY 1, 2, 3, 4;
INSERT INTO issued_hours (hour, n)
    SELECT not_before / 3600 * 3600, count(*) FROM certificates GROUP BY 1;

CREATE FUNCTION certificate_counts_track() RETURNS trigger LANGUAGE plpgsql AS $localca$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE certificate_counts SET n = n - 1
            WHERE api = coalesce(OLD.api, 'pki') AND authority = OLD.authority
              AND status = OLD.status AND expiry_day = OLD.not_after / 86400;
        UPDATE issued_hours SET n = n - 1 WHERE hour = OLD.not_before / 3600 * 3600;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO certificate_counts (api, authority, status, expiry_day, n)
            VALUES (coalesce(NEW.api, 'pki'), NEW.authority, NEW.status, NEW.not_after / 86400, 1)
            ON CONFLICT (api, authority, status, expiry_day)
            DO UPDATE SET n = certificate_counts.n + 1;
        INSERT INTO issued_hours (hour, n) VALUES (NEW.not_before / 3600 * 3600, 1)
            ON CONFLICT (hour) DO UPDATE SET n = issued_hours.n + 1;
    END IF;
    RETURN NULL;
END
$localca$;

CREATE TRIGGER certificate_counts_insert AFTER INSERT OR DELETE
    ON certificates FOR EACH ROW EXECUTE FUNCTION certificate_counts_track();
CREATE TRIGGER certificate_counts_update
    AFTER UPDATE OF api, authority, status, not_after, not_before
    ON certificates FOR EACH ROW EXECUTE FUNCTION certificate_counts_track();

-- schemas/014_certificate_counts.sql says why; sn named as on every inventory index here.
DROP INDEX IF EXISTS certificates_stats;
CREATE INDEX certificates_api ON certificates(api, sn, status, not_after);
