DROP INDEX bookings_date_to_idx;
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only();
ALTER TABLE rooms DROP COLUMN archived_at;
ALTER TABLE hotels DROP COLUMN archived_at;
DROP TABLE hotel_staff;
