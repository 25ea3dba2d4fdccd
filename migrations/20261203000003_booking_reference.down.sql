DROP INDEX bookings_reference_idx;
ALTER TABLE bookings DROP COLUMN reference;
DROP FUNCTION booking_reference(bigint);
