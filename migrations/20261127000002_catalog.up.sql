-- Cancelled bookings stay (the cancellation email and history need them) but free their room.
ALTER TABLE bookings ADD COLUMN cancelled_at TIMESTAMPTZ;

-- Availability counts only live bookings: the partial index leaves cancelled ones out, and its
-- (room_id, date_to, date_from) order answers "bookings of room R ending after my check-in"
-- with an index-only range scan per room type.
DROP INDEX bookings_room_dates_idx;
CREATE INDEX bookings_room_dates_idx ON bookings (room_id, date_to, date_from)
    WHERE cancelled_at IS NULL;

-- Sorting hotels by name without a sort of the whole table.
CREATE INDEX hotels_name_idx ON hotels (name, id);

-- Searches in price order walk room types cheapest first and stop once a page is full.
CREATE INDEX rooms_price_idx ON rooms (price, hotel_id, id);
-- A place's hotels' room types, read from the index alone (no heap visit per room type).
DROP INDEX rooms_hotel_id_idx;
CREATE INDEX rooms_hotel_id_idx ON rooms (hotel_id) INCLUDE (id, price, quantity);

-- Hotels change rarely: index new locations at once rather than through GIN's pending list,
-- which every search would otherwise scan.
ALTER INDEX hotels_location_trgm_idx SET (fastupdate = off);
