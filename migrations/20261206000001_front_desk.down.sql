DROP INDEX bookings_hotel_check_in_idx;
ALTER TABLE bookings
    DROP CONSTRAINT bookings_desk_state,
    DROP COLUMN cancelled_by,
    DROP COLUMN cancel_reason,
    DROP COLUMN no_show_at,
    DROP COLUMN checked_out_at,
    DROP COLUMN checked_in_at;
