ALTER TABLE users DROP CONSTRAINT users_deleted_disabled;
ALTER TABLE users DROP COLUMN deleted_at;
DELETE FROM notifications WHERE password_reset_id IS NOT NULL;
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('confirmation', 'change', 'cancellation', 'reminder_3_days', 'reminder_1_day',
                    'room_free'));
DROP INDEX notifications_password_reset_key;
ALTER TABLE notifications DROP CONSTRAINT notifications_subject;
ALTER TABLE notifications ADD CONSTRAINT notifications_subject
    CHECK ((booking_id IS NULL) <> (alert_id IS NULL));
ALTER TABLE notifications DROP COLUMN password_reset_id;
DROP TABLE password_resets;
