DROP INDEX bookings_hotel_dates_idx;
ALTER TABLE bookings DROP CONSTRAINT bookings_max_nights;
DROP TRIGGER bookings_hotel ON bookings;
DROP FUNCTION set_booking_hotel();
ALTER TABLE bookings DROP COLUMN hotel_id;
