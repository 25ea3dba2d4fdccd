-- Inventory and rates: guests per room type, prices per night (rate rules and single-date
-- overrides over a base price), restrictions per date (stop-sell, minimum and maximum stay,
-- closed to arrival), and each booking's own nightly prices.
--
-- How a night's price and a stay's restrictions follow from these rows is decided in one place,
-- app/src/server/rates/plan.rs; the tables only hold the hotel's settings.

-- Guests: at most max_adults adults, and at most max_adults + max_children people (a child may
-- take an adult's place, not the reverse). Derived from today's names where they say it.
ALTER TABLE rooms
    ADD COLUMN max_adults   SMALLINT NOT NULL DEFAULT 2 CHECK (max_adults BETWEEN 1 AND 20),
    ADD COLUMN max_children SMALLINT NOT NULL DEFAULT 1 CHECK (max_children BETWEEN 0 AND 20);
UPDATE rooms SET (max_adults, max_children) = (
    SELECT CASE
               WHEN n ~ '(одноместн|single|на 1 ч)' THEN 1
               WHEN n ~ '(на 3|трехместн|трёхместн|triple)' THEN 3
               WHEN n ~ '(на 4|четырехместн|четырёхместн|апартамент|2-комнатн)' THEN 4
               ELSE 2
           END,
           CASE
               WHEN n ~ '(одноместн|single|на 1 ч)' THEN 0
               WHEN n ~ '(семейн|family|люкс|suite|апартамент|2-комнатн)' THEN 2
               ELSE 1
           END
    FROM (SELECT lower(name) AS n) AS named
);

-- A rate rule changes the base price on the nights [date_from, date_to) it covers, on the
-- weekdays it names (bit 0 = Monday ... bit 6 = Sunday; NULL = every day): by a percent, by an
-- amount (whole roubles, either sign), or to a set price.
CREATE TABLE rate_rules (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    room_id   INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    date_from DATE NOT NULL,
    date_to   DATE NOT NULL,
    weekdays  SMALLINT CHECK (weekdays BETWEEN 1 AND 127),
    kind      TEXT NOT NULL CHECK (kind IN ('percent', 'amount', 'price')),
    value     INTEGER NOT NULL,
    CHECK (date_from < date_to),
    CHECK (kind <> 'percent' OR value BETWEEN -100 AND 1000),
    CHECK (kind <> 'price' OR value >= 0)
);
CREATE INDEX rate_rules_room_idx ON rate_rules (room_id, date_to);

-- The price of one room type on one night, whatever the rules say.
CREATE TABLE rate_overrides (
    room_id INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    night   DATE NOT NULL,
    price   INTEGER NOT NULL CHECK (price >= 0),
    PRIMARY KEY (room_id, night)
);

-- Restrictions on the dates [date_from, date_to): `closed` stops selling those nights;
-- `closed_to_arrival`, `min_stay` and `max_stay` apply to stays arriving on those dates.
CREATE TABLE room_restrictions (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    room_id           INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    date_from         DATE NOT NULL,
    date_to           DATE NOT NULL,
    closed            BOOLEAN NOT NULL DEFAULT false,
    closed_to_arrival BOOLEAN NOT NULL DEFAULT false,
    min_stay          SMALLINT CHECK (min_stay BETWEEN 1 AND 30),
    max_stay          SMALLINT CHECK (max_stay BETWEEN 1 AND 30),
    CHECK (date_from < date_to),
    CHECK (closed OR closed_to_arrival OR min_stay IS NOT NULL OR max_stay IS NOT NULL)
);
CREATE INDEX room_restrictions_room_idx ON room_restrictions (room_id, date_to);

-- Rates and restrictions are catalog data: they move the catalog version (the in-memory search
-- index reloads) and stale every cached page, like edits of hotels and room types.
CREATE TRIGGER rate_rules_catalog_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rate_rules
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER rate_overrides_catalog_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rate_overrides
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER room_restrictions_catalog_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON room_restrictions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();

-- A booking keeps the price of each of its nights as they were when it was made (element i is
-- the night date_from + i), so later price changes never alter it; its total is their sum.
-- `price` stays the room type's base price a night at booking time (the original's field).
-- A writer that gives no nightly prices (an import with one price, old scripts) gets that
-- price on every night.
ALTER TABLE bookings ADD COLUMN night_prices INTEGER[];
UPDATE bookings SET night_prices = array_fill(price, ARRAY[date_to - date_from]);
ALTER TABLE bookings ALTER COLUMN night_prices SET NOT NULL;
ALTER TABLE bookings ADD CONSTRAINT bookings_night_prices
    CHECK (cardinality(night_prices) = date_to - date_from AND 0 <= ALL (night_prices));

-- The total is kept here, by one trigger, for every writer: a plain loop, no query per row.
ALTER TABLE bookings ALTER COLUMN total_cost DROP EXPRESSION;
ALTER TABLE bookings ALTER COLUMN total_cost SET NOT NULL;

CREATE FUNCTION price_booking_nights() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    night_price integer;
    total bigint := 0;
BEGIN
    -- (A stay that does not end after it starts gets no nights: its CHECK refuses it.)
    NEW.night_prices := coalesce(NEW.night_prices,
                                 array_fill(NEW.price,
                                            ARRAY[greatest(NEW.date_to - NEW.date_from, 0)]));
    FOREACH night_price IN ARRAY NEW.night_prices LOOP
        total := total + night_price;
    END LOOP;
    NEW.total_cost := total;
    RETURN NEW;
END
$$;
CREATE TRIGGER bookings_night_prices
    BEFORE INSERT OR UPDATE OF night_prices, total_cost ON bookings
    FOR EACH ROW EXECUTE FUNCTION price_booking_nights();
