-- What the front desk records about a stay: the guest arrived, left, or never came; and why
-- staff cancelled a booking and who did. A booking is in one state at a time: cancelled and
-- no-show exclude an arrival, a departure needs an arrival. A no-show keeps its nights (the
-- hotel charges them; the room is not resold by the app).
ALTER TABLE bookings
    ADD COLUMN checked_in_at  TIMESTAMPTZ,
    ADD COLUMN checked_out_at TIMESTAMPTZ,
    ADD COLUMN no_show_at     TIMESTAMPTZ,
    ADD COLUMN cancel_reason  TEXT CHECK (length(cancel_reason) BETWEEN 1 AND 500),
    ADD COLUMN cancelled_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    ADD CONSTRAINT bookings_desk_state CHECK (
        (checked_out_at IS NULL OR checked_in_at IS NOT NULL)
        AND (no_show_at IS NULL OR checked_in_at IS NULL)
        AND (cancelled_at IS NULL OR (checked_in_at IS NULL AND no_show_at IS NULL)));

-- The back office's bookings list: a hotel's bookings by check-in day, cancelled ones too.
CREATE INDEX bookings_hotel_check_in_idx ON bookings (hotel_id, date_from, id);
