-- The jobs page: staff may discard an email given up on. It stays (the booking's page lists
-- it, never sent) but leaves the given-up list, its count and a resend of every failed email.
ALTER TABLE notifications ADD COLUMN discarded_at TIMESTAMPTZ;
ALTER TABLE notifications ADD CONSTRAINT notifications_discarded_failed
    CHECK (discarded_at IS NULL OR failed_at IS NOT NULL);
DROP INDEX notifications_failed_idx;
CREATE INDEX notifications_failed_idx ON notifications (failed_at)
    WHERE failed_at IS NOT NULL AND discarded_at IS NULL;
-- The pictures given up on, newest first, for the same page.
CREATE INDEX pictures_failed_idx ON pictures (processed_at) WHERE state = 'failed';
-- Retries and discards are audited against the email or the picture.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_object_kind_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_object_kind_check
    CHECK (object_kind IN ('hotel', 'room', 'staff', 'user', 'booking', 'rates', 'job', 'email',
                           'picture'));
