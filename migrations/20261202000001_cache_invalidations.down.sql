CREATE OR REPLACE FUNCTION bump_catalog_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalog_version SET version = version + 1;
    RETURN NULL;
END
$$;
DROP TRIGGER bookings_invalidate_delete ON bookings;
DROP TRIGGER bookings_invalidate_update_new ON bookings;
DROP TRIGGER bookings_invalidate_update_old ON bookings;
DROP TRIGGER bookings_invalidate_insert ON bookings;
DROP FUNCTION log_booking_invalidations();
DROP TABLE cache_invalidations;
