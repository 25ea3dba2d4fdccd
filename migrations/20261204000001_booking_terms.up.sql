-- A hotel's clock: cancellation deadlines, manage links and calendar invites are in its local
-- time, whatever the server's or the guest's time zone. The CHECK refuses a zone PostgreSQL
-- does not know (its AT TIME ZONE raises an error for one).
ALTER TABLE hotels
    ADD COLUMN time_zone text NOT NULL DEFAULT 'Europe/Moscow'
        CHECK (length(time_zone) BETWEEN 1 AND 64 AND (now() AT TIME ZONE time_zone) IS NOT NULL),
    ADD COLUMN check_in_time time NOT NULL DEFAULT '14:00',
    ADD COLUMN check_out_time time NOT NULL DEFAULT '12:00';

-- A room type's cancellation terms: free cancellation until this many days before check-in,
-- at the hotel's check-in time on its clock; NULL: non-refundable (never cancelled by the guest).
-- 0 keeps today's terms for every room type: free until check-in.
ALTER TABLE rooms
    ADD COLUMN free_cancellation_days smallint DEFAULT 0
        CHECK (free_cancellation_days BETWEEN 0 AND 365);

-- The one definition of the deadline, for quotes, bookings and changes alike.
CREATE FUNCTION cancellation_deadline(date_from date, days integer, time_zone text, check_in time)
RETURNS timestamptz LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT ((date_from - days) + check_in) AT TIME ZONE time_zone $$;

-- A booking keeps the terms it was made under (as it keeps its nights' prices): NULL is
-- non-refundable. The guest's language, for its emails. `sequence` counts its changes: the
-- calendar invite's SEQUENCE, and the key that lets each change send an email of its own.
ALTER TABLE bookings
    ADD COLUMN free_cancellation_until timestamptz,
    ADD COLUMN locale text NOT NULL DEFAULT 'ru' CHECK (locale IN ('ru', 'en')),
    ADD COLUMN sequence integer NOT NULL DEFAULT 0 CHECK (sequence >= 0);
-- Bookings made before kept the old rule: cancellable until the end of the check-in day.
UPDATE bookings b SET free_cancellation_until = (b.date_from + 1)::timestamp AT TIME ZONE h.time_zone
FROM hotels h WHERE h.id = b.hotel_id;

-- Every writer (the app, imports, seeds, scripts) gets the room type's terms for the stay when
-- a booking is made or moved to another room type or check-in: fixed then, as its prices are.
CREATE FUNCTION set_booking_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT cancellation_deadline(NEW.date_from, r.free_cancellation_days, h.time_zone,
                                 h.check_in_time)
    INTO NEW.free_cancellation_until
    FROM rooms r JOIN hotels h ON h.id = r.hotel_id
    WHERE r.id = NEW.room_id;
    RETURN NEW;
END
$$;
CREATE TRIGGER bookings_terms
    BEFORE INSERT OR UPDATE OF room_id, date_from ON bookings
    FOR EACH ROW EXECUTE FUNCTION set_booking_terms();

-- One email per booking, kind and change: a changed booking is confirmed (and reminded of)
-- again; a retry or a second worker still finds the row that exists.
ALTER TABLE notifications ADD COLUMN sequence integer NOT NULL DEFAULT 0;
ALTER TABLE notifications DROP CONSTRAINT notifications_booking_id_kind_key;
ALTER TABLE notifications ADD CONSTRAINT notifications_booking_kind_sequence_key
    UNIQUE (booking_id, kind, sequence);
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('confirmation', 'change', 'cancellation', 'reminder_3_days', 'reminder_1_day'));
