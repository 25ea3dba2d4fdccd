-- The transactional outbox of booking emails: a row is written in the same transaction as the
-- booking change it announces, and the worker drains the table. One row per booking and kind,
-- so a reminder or confirmation is queued at most once.
CREATE TABLE notifications (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    booking_id      INTEGER NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL
        CHECK (kind IN ('confirmation', 'cancellation', 'reminder_3_days', 'reminder_1_day')),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- A worker's claim: others skip the row until then (a crashed worker's claim expires).
    locked_until    TIMESTAMPTZ,
    sent_at         TIMESTAMPTZ,
    failed_at       TIMESTAMPTZ,
    last_error      TEXT,
    UNIQUE (booking_id, kind)
);
-- What the worker looks for: unsent, not given up, due.
CREATE INDEX notifications_due_idx ON notifications (next_attempt_at)
    WHERE sent_at IS NULL AND failed_at IS NULL;
-- Emails given up on, counted by /health.
CREATE INDEX notifications_failed_idx ON notifications (id) WHERE failed_at IS NOT NULL;
