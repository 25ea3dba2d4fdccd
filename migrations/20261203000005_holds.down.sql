DROP FUNCTION booked_nights(date, date);
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
DROP TABLE holds;
