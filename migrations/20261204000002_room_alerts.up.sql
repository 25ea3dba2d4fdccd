-- "Tell me when a room frees up": a signed-in guest's wish for a hotel, stay and party that had
-- no room left. The housekeeping check announces it once (`notified_at`, with the room type
-- found free) when a cancellation, a change or an expired hold frees a room that fits; a
-- subscription whose check-in has passed ends.
CREATE TABLE room_alerts (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hotel_id    INTEGER NOT NULL REFERENCES hotels (id) ON DELETE CASCADE,
    date_from   DATE NOT NULL,
    date_to     DATE NOT NULL,
    adults      SMALLINT NOT NULL CHECK (adults >= 1),
    children    SMALLINT NOT NULL CHECK (children >= 0),
    locale      TEXT NOT NULL DEFAULT 'ru' CHECK (locale IN ('ru', 'en')),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    notified_at TIMESTAMPTZ,
    room_id     INTEGER REFERENCES rooms (id) ON DELETE SET NULL,
    CHECK (date_from < date_to AND date_to - date_from <= 30),
    UNIQUE (user_id, hotel_id, date_from, date_to, adults, children)
);
-- What the check reads: subscriptions not yet announced.
CREATE INDEX room_alerts_open_idx ON room_alerts (date_from) WHERE notified_at IS NULL;

-- The outbox carries the announcement too: a row is about a booking or about an alert.
ALTER TABLE notifications ALTER COLUMN booking_id DROP NOT NULL;
ALTER TABLE notifications ADD COLUMN alert_id BIGINT REFERENCES room_alerts (id) ON DELETE CASCADE;
ALTER TABLE notifications ADD CONSTRAINT notifications_subject
    CHECK ((booking_id IS NULL) <> (alert_id IS NULL));
-- At most one email per subscription.
CREATE UNIQUE INDEX notifications_alert_key ON notifications (alert_id) WHERE alert_id IS NOT NULL;
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('confirmation', 'change', 'cancellation', 'reminder_3_days', 'reminder_1_day',
                    'room_free'));
