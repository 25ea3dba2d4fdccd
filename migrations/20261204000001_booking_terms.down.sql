ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
DELETE FROM notifications WHERE kind = 'change';
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('confirmation', 'cancellation', 'reminder_3_days', 'reminder_1_day'));
ALTER TABLE notifications DROP CONSTRAINT notifications_booking_kind_sequence_key;
-- Only the first of each kind survives: the old key allowed one.
DELETE FROM notifications n USING notifications m
WHERE m.booking_id = n.booking_id AND m.kind = n.kind AND m.sequence < n.sequence;
ALTER TABLE notifications ADD CONSTRAINT notifications_booking_id_kind_key UNIQUE (booking_id, kind);
ALTER TABLE notifications DROP COLUMN sequence;

DROP TRIGGER bookings_terms ON bookings;
DROP FUNCTION set_booking_terms();
ALTER TABLE bookings
    DROP COLUMN free_cancellation_until,
    DROP COLUMN locale,
    DROP COLUMN sequence;
DROP FUNCTION cancellation_deadline(date, integer, text, time);
ALTER TABLE rooms DROP COLUMN free_cancellation_days;
ALTER TABLE hotels
    DROP COLUMN time_zone,
    DROP COLUMN check_in_time,
    DROP COLUMN check_out_time;
