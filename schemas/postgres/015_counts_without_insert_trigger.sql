-- LocalCA schema on PostgreSQL, version 15: schemas/015_counts_without_insert_trigger.sql (which
-- says why). The INSERT OR DELETE trigger becomes a DELETE trigger; the function is unchanged.
DROP TRIGGER certificate_counts_insert ON certificates;
CREATE TRIGGER certificate_counts_delete AFTER DELETE
    ON certificates FOR EACH ROW EXECUTE FUNCTION certificate_counts_track();
