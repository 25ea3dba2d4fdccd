-- The log is append-only: entries about emails and pictures stay, unchecked.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_object_kind_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_object_kind_check
    CHECK (object_kind IN ('hotel', 'room', 'staff', 'user', 'booking', 'rates', 'job')) NOT VALID;
DROP INDEX pictures_failed_idx;
DROP INDEX notifications_failed_idx;
CREATE INDEX notifications_failed_idx ON notifications (id) WHERE failed_at IS NOT NULL;
ALTER TABLE notifications DROP CONSTRAINT notifications_discarded_failed;
ALTER TABLE notifications DROP COLUMN discarded_at;
