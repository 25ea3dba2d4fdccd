-- Every change that makes cached pages stale, written by the change's own transaction. Each
-- server process delivers these rows to Redis (moving the generation counters) and deletes them
-- in one transaction, so an invalidation the changing process could not deliver (Redis
-- partitioned from it, or the process died) is delivered by any process that reaches Redis,
-- or by the same one after a restart, within about a second. hotel_id NULL: the whole catalog.
CREATE TABLE cache_invalidations (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hotel_id   INTEGER,
    date_from  DATE,
    date_to    DATE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One row per hotel and statement (a bulk import or generator writes few rows, not millions).
CREATE FUNCTION log_booking_invalidations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO cache_invalidations (hotel_id, date_from, date_to)
    SELECT hotel_id, min(date_from), max(date_to) FROM changed_bookings GROUP BY hotel_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER bookings_invalidate_insert
    AFTER INSERT ON bookings REFERENCING NEW TABLE AS changed_bookings
    FOR EACH STATEMENT EXECUTE FUNCTION log_booking_invalidations();
-- An update may move a booking's dates: both the old and the new stay are stale.
CREATE TRIGGER bookings_invalidate_update_old
    AFTER UPDATE ON bookings REFERENCING OLD TABLE AS changed_bookings
    FOR EACH STATEMENT EXECUTE FUNCTION log_booking_invalidations();
CREATE TRIGGER bookings_invalidate_update_new
    AFTER UPDATE ON bookings REFERENCING NEW TABLE AS changed_bookings
    FOR EACH STATEMENT EXECUTE FUNCTION log_booking_invalidations();
CREATE TRIGGER bookings_invalidate_delete
    AFTER DELETE ON bookings REFERENCING OLD TABLE AS changed_bookings
    FOR EACH STATEMENT EXECUTE FUNCTION log_booking_invalidations();

-- Catalog edits already move catalog_version (the in-memory search index follows it); they
-- now also stale every cached page.
CREATE OR REPLACE FUNCTION bump_catalog_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalog_version SET version = version + 1;
    INSERT INTO cache_invalidations (hotel_id) VALUES (NULL);
    RETURN NULL;
END
$$;
