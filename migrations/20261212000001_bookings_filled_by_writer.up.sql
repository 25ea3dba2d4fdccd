-- A booking's hotel and cancellation terms were filled by two row triggers on every insert,
-- each running a query of its own: a third of the booking statement's time. The app's booking
-- and hold inserts now set them from the room type they have locked. The triggers still fill
-- them for every writer that leaves the hotel out (imports, seeds, scripts, tests), in one
-- query now. A writer that gives the hotel gives the terms too (NULL: non-refundable).
DROP TRIGGER bookings_hotel ON bookings;
DROP TRIGGER bookings_terms ON bookings;

CREATE FUNCTION fill_booking_from_room() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT r.hotel_id,
           cancellation_deadline(NEW.date_from, r.free_cancellation_days, h.time_zone,
                                 h.check_in_time)
    INTO NEW.hotel_id, NEW.free_cancellation_until
    FROM rooms r JOIN hotels h ON h.id = r.hotel_id
    WHERE r.id = NEW.room_id;
    RETURN NEW;
END
$$;
CREATE TRIGGER bookings_from_room
    BEFORE INSERT ON bookings
    FOR EACH ROW WHEN (NEW.hotel_id IS NULL) EXECUTE FUNCTION fill_booking_from_room();
-- A booking moved to another room type or check-in gets that one's terms, as before.
CREATE TRIGGER bookings_hotel
    BEFORE UPDATE OF room_id ON bookings
    FOR EACH ROW EXECUTE FUNCTION set_booking_hotel();
CREATE TRIGGER bookings_terms
    BEFORE UPDATE OF room_id, date_from ON bookings
    FOR EACH ROW EXECUTE FUNCTION set_booking_terms();

DROP TRIGGER holds_hotel ON holds;
CREATE TRIGGER holds_hotel
    BEFORE INSERT OR UPDATE OF room_id ON holds
    FOR EACH ROW WHEN (NEW.hotel_id IS NULL) EXECUTE FUNCTION set_booking_hotel();

-- So no writer that gives the hotel can give the wrong one: a room type's key includes its
-- hotel, and bookings and holds refer to both (one index probe, as the room's key was).
ALTER TABLE rooms ADD CONSTRAINT rooms_id_hotel_key UNIQUE (id, hotel_id);
ALTER TABLE bookings
    DROP CONSTRAINT bookings_room_id_fkey,
    ADD CONSTRAINT bookings_room_hotel_fkey FOREIGN KEY (room_id, hotel_id)
        REFERENCES rooms (id, hotel_id) ON DELETE CASCADE;
ALTER TABLE holds
    DROP CONSTRAINT holds_room_id_fkey,
    ADD CONSTRAINT holds_room_hotel_fkey FOREIGN KEY (room_id, hotel_id)
        REFERENCES rooms (id, hotel_id) ON DELETE CASCADE;

-- A hold deleted after it expired changes no availability (it counted for nothing since), so
-- only a live one makes cached pages stale. Row by row, so a booking that had no hold to turn
-- into itself runs no trigger at all, and the purge of expired holds logs nothing.
DROP TRIGGER holds_invalidate_delete ON holds;
CREATE FUNCTION log_hold_invalidation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO cache_invalidations (hotel_id, date_from, date_to)
    VALUES (OLD.hotel_id, OLD.date_from, OLD.date_to);
    RETURN NULL;
END
$$;
CREATE TRIGGER holds_invalidate_delete
    AFTER DELETE ON holds
    FOR EACH ROW WHEN (OLD.expires_at > now()) EXECUTE FUNCTION log_hold_invalidation();
