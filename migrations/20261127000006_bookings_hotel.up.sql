-- Search asks for the live bookings of a batch of hotels at once. With the hotel on each booking
-- that is one index range per hotel instead of one per room type (ten times fewer probes).
-- A trigger fills it from the room type, so no writer can get it wrong; room types never move
-- to another hotel.
ALTER TABLE bookings ADD COLUMN hotel_id INTEGER;
UPDATE bookings b SET hotel_id = r.hotel_id FROM rooms r WHERE r.id = b.room_id;
ALTER TABLE bookings ALTER COLUMN hotel_id SET NOT NULL;

CREATE FUNCTION set_booking_hotel() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.hotel_id := (SELECT hotel_id FROM rooms WHERE id = NEW.room_id);
    RETURN NEW;
END
$$;
CREATE TRIGGER bookings_hotel
    BEFORE INSERT OR UPDATE OF room_id ON bookings
    FOR EACH ROW EXECUTE FUNCTION set_booking_hotel();

-- The stay rule of the app (StayDates::MAX_NIGHTS), kept by the database too: with it, the
-- bookings that can overlap a stay start at most 30 days before check-in, which bounds the
-- index range below (a hotel's whole future otherwise).
ALTER TABLE bookings ADD CONSTRAINT bookings_max_nights CHECK (date_to - date_from <= 30);

-- Live bookings of a hotel by check-in day, read from the index alone.
CREATE INDEX bookings_hotel_dates_idx ON bookings (hotel_id, date_from) INCLUDE (date_to, room_id)
    WHERE cancelled_at IS NULL;
