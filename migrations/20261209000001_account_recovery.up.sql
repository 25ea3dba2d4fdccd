-- Forgot password: a reset is asked for by email; its link (signed, see `signed_links`) names
-- this row, which makes it single-use across processes (`used_at`) and short-lived
-- (`expires_at`). The email goes through the outbox like every other.
CREATE TABLE password_resets (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    locale     TEXT NOT NULL DEFAULT 'ru' CHECK (locale IN ('ru', 'en')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ,
    CHECK (expires_at > created_at)
);
-- The hourly limit per account counts its recent rows.
CREATE INDEX password_resets_user_idx ON password_resets (user_id, created_at);

ALTER TABLE notifications ADD COLUMN password_reset_id BIGINT
    REFERENCES password_resets (id) ON DELETE CASCADE;
ALTER TABLE notifications DROP CONSTRAINT notifications_subject;
ALTER TABLE notifications ADD CONSTRAINT notifications_subject
    CHECK (num_nonnulls(booking_id, alert_id, password_reset_id) = 1);
CREATE UNIQUE INDEX notifications_password_reset_key ON notifications (password_reset_id)
    WHERE password_reset_id IS NOT NULL;
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('confirmation', 'change', 'cancellation', 'reminder_3_days', 'reminder_1_day',
                    'room_free', 'password_reset'));

-- A deleted account: the row stays (its bookings point at it), emptied of what identifies
-- the guest, and can never sign in again.
ALTER TABLE users ADD COLUMN deleted_at TIMESTAMPTZ;
ALTER TABLE users ADD CONSTRAINT users_deleted_disabled
    CHECK (deleted_at IS NULL OR disabled_at IS NOT NULL);
