-- A room held for a guest during checkout. It counts against availability exactly like a live
-- booking until it expires, and nothing has to happen at expiry for that: the count compares
-- `expires_at` with the statement's time, so an expired hold is free at once on every path (a
-- job deletes expired rows later). Holds are their own table, not bookings: no list, email or
-- API answer that reads bookings can ever show one.
CREATE TABLE holds (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    room_id    INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    hotel_id   INTEGER NOT NULL,
    date_from  DATE NOT NULL,
    date_to    DATE NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (date_from < date_to),
    -- The bound that lets availability read one index range (see bookings_max_nights).
    CHECK (date_to - date_from <= 30),
    -- One hold per guest, room type and stay: coming back finds it.
    UNIQUE (user_id, room_id, date_from, date_to)
);
CREATE TRIGGER holds_hotel
    BEFORE INSERT OR UPDATE OF room_id ON holds
    FOR EACH ROW EXECUTE FUNCTION set_booking_hotel();
-- Availability by hotel (search) and by room type (hotel page, booking), as for bookings.
CREATE INDEX holds_hotel_dates_idx ON holds (hotel_id, date_from) INCLUDE (date_to, room_id, expires_at);
CREATE INDEX holds_room_dates_idx ON holds (room_id, date_to, date_from) INCLUDE (expires_at);
CREATE INDEX holds_expires_idx ON holds (expires_at);

-- A hold taken or released changes availability like a booking: cached pages are stale.
CREATE TRIGGER holds_invalidate_insert
    AFTER INSERT ON holds REFERENCING NEW TABLE AS changed_bookings
    FOR EACH STATEMENT EXECUTE FUNCTION log_booking_invalidations();
CREATE TRIGGER holds_invalidate_delete
    AFTER DELETE ON holds REFERENCING OLD TABLE AS changed_bookings
    FOR EACH STATEMENT EXECUTE FUNCTION log_booking_invalidations();

-- The availability rule now counts live holds beside live bookings. `holds_expire` is the
-- earliest expiry among the holds counted on that night (NULL: none): what is computed from
-- the count is true until then, so a cached page keeps it no longer.
DROP FUNCTION booked_nights(date, date);
CREATE FUNCTION booked_nights(stay_from date, stay_to date)
RETURNS TABLE (hotel_id integer, room_id integer, night date, booked bigint, holds_expire timestamptz)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT t.hotel_id, t.room_id, n.night::date, count(*), min(t.expires_at)
    FROM (
        SELECT b.hotel_id, b.room_id, b.date_from, b.date_to, NULL::timestamptz AS expires_at
        FROM bookings b
        WHERE b.cancelled_at IS NULL
          AND b.date_to > stay_from AND b.date_from < stay_to
          AND b.date_from > stay_from - 30
        UNION ALL
        SELECT h.hotel_id, h.room_id, h.date_from, h.date_to, h.expires_at
        FROM holds h
        WHERE h.expires_at > now()
          AND h.date_to > stay_from AND h.date_from < stay_to
          AND h.date_from > stay_from - 30
    ) t
    CROSS JOIN LATERAL generate_series(greatest(t.date_from, stay_from)::timestamp,
                                       (least(t.date_to, stay_to) - 1)::timestamp,
                                       interval '1 day') AS n(night)
    GROUP BY t.hotel_id, t.room_id, n.night
$$;
