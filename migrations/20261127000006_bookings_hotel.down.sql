DROP INDEX bookings_hotel_dates_idx;
DROP TRIGGER bookings_hotel ON bookings;
DROP FUNCTION set_booking_hotel();
ALTER TABLE bookings DROP COLUMN hotel_id;
