-- The availability rule of the whole app, in one place every process reads: how many live
-- bookings hold a room of each room type on each night of the stay [stay_from, stay_to).
-- A room type with `quantity` rooms can take a stay when every night of it has fewer than
-- `quantity` (search, the hotel page, booking and the CSV import all ask this function).
-- A booking lasts at most 30 nights (bookings_max_nights), so one holding a night of the stay
-- starts less than 30 days before check-in: that bounds the index range.
-- Plain SQL, STABLE and not STRICT, so the planner inlines it and pushes a caller's
-- `room_id = ...` or `hotel_id = ANY(...)` into the index scan.
CREATE FUNCTION booked_nights(stay_from date, stay_to date)
RETURNS TABLE (hotel_id integer, room_id integer, night date, booked bigint)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT b.hotel_id, b.room_id, n.night::date, count(*)
    FROM bookings b
    CROSS JOIN LATERAL generate_series(greatest(b.date_from, stay_from)::timestamp,
                                       (least(b.date_to, stay_to) - 1)::timestamp,
                                       interval '1 day') AS n(night)
    WHERE b.cancelled_at IS NULL
      AND b.date_to > stay_from AND b.date_from < stay_to
      AND b.date_from > stay_from - 30
    GROUP BY b.hotel_id, b.room_id, n.night
$$;
