-- The back office: who runs which hotel, archived catalog entries, and the audit log.

-- Hotel staff: a user runs the hotels granted to them (admins run every hotel). Granting and
-- revoking is an admin's; a grant ends with its hotel or its user.
CREATE TABLE hotel_staff (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hotel_id   INTEGER NOT NULL REFERENCES hotels (id) ON DELETE CASCADE,
    granted_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    granted_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, hotel_id)
);
CREATE INDEX hotel_staff_hotel_idx ON hotel_staff (hotel_id);

-- Archived hotels and room types leave search, hotel pages and booking; their bookings stay
-- (history, figures, guests' lists). Deleting is only for what was never booked.
ALTER TABLE hotels ADD COLUMN archived_at TIMESTAMPTZ;
ALTER TABLE rooms ADD COLUMN archived_at TIMESTAMPTZ;

-- Every staff change: who, when, what, before and after. Append-only: no role of the app may
-- rewrite history, so UPDATE, DELETE and TRUNCATE are refused by a trigger. The actor is kept
-- by id and email as they were (no foreign key: an account may go, its history stays).
CREATE TABLE audit_log (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor_id    INTEGER,
    actor_email TEXT,
    action      TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 64),
    object_kind TEXT NOT NULL CHECK (object_kind IN ('hotel', 'room', 'staff', 'user', 'booking',
                                                     'rates', 'job')),
    object_id   BIGINT NOT NULL,
    hotel_id    INTEGER,
    before      JSONB,
    after       JSONB
);
CREATE INDEX audit_log_object_idx ON audit_log (object_kind, object_id, id);
CREATE INDEX audit_log_hotel_idx ON audit_log (hotel_id, id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- The front desk's departures (arrivals use bookings_date_from_idx).
CREATE INDEX bookings_date_to_idx ON bookings (date_to);
