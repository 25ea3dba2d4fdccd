ALTER INDEX hotels_location_trgm_idx RESET (fastupdate);
DROP INDEX rooms_price_idx;
DROP INDEX rooms_hotel_id_idx;
CREATE INDEX rooms_hotel_id_idx ON rooms (hotel_id);
DROP INDEX hotels_name_idx;
DROP INDEX bookings_room_dates_idx;
CREATE INDEX bookings_room_dates_idx ON bookings (room_id, date_to, date_from);
ALTER TABLE bookings DROP COLUMN cancelled_at;
