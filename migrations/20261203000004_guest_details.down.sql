ALTER TABLE bookings DROP COLUMN guest_request, DROP COLUMN guest_name;
ALTER TABLE users DROP COLUMN full_name;
