DROP TRIGGER holds_invalidate_delete ON holds;
DROP FUNCTION log_hold_invalidation();
CREATE TRIGGER holds_invalidate_delete
    AFTER DELETE ON holds REFERENCING OLD TABLE AS changed_bookings
    FOR EACH STATEMENT EXECUTE FUNCTION log_booking_invalidations();

ALTER TABLE holds
    DROP CONSTRAINT holds_room_hotel_fkey,
    ADD CONSTRAINT holds_room_id_fkey FOREIGN KEY (room_id) REFERENCES rooms (id) ON DELETE CASCADE;
ALTER TABLE bookings
    DROP CONSTRAINT bookings_room_hotel_fkey,
    ADD CONSTRAINT bookings_room_id_fkey FOREIGN KEY (room_id) REFERENCES rooms (id) ON DELETE CASCADE;
ALTER TABLE rooms DROP CONSTRAINT rooms_id_hotel_key;

DROP TRIGGER holds_hotel ON holds;
CREATE TRIGGER holds_hotel
    BEFORE INSERT OR UPDATE OF room_id ON holds
    FOR EACH ROW EXECUTE FUNCTION set_booking_hotel();

DROP TRIGGER bookings_terms ON bookings;
DROP TRIGGER bookings_hotel ON bookings;
DROP TRIGGER bookings_from_room ON bookings;
DROP FUNCTION fill_booking_from_room();
CREATE TRIGGER bookings_hotel
    BEFORE INSERT OR UPDATE OF room_id ON bookings
    FOR EACH ROW EXECUTE FUNCTION set_booking_hotel();
CREATE TRIGGER bookings_terms
    BEFORE INSERT OR UPDATE OF room_id, date_from ON bookings
    FOR EACH ROW EXECUTE FUNCTION set_booking_terms();
