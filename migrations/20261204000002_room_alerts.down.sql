DELETE FROM notifications WHERE alert_id IS NOT NULL;
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('confirmation', 'change', 'cancellation', 'reminder_3_days', 'reminder_1_day'));
DROP INDEX notifications_alert_key;
ALTER TABLE notifications DROP CONSTRAINT notifications_subject;
ALTER TABLE notifications DROP COLUMN alert_id;
ALTER TABLE notifications ALTER COLUMN booking_id SET NOT NULL;
DROP TABLE room_alerts;
