-- Back to one flat price: totals are recomputed from each booking's price a night (the nightly
-- prices are dropped), guests and restrictions are forgotten.
DROP TRIGGER bookings_night_prices ON bookings;
DROP FUNCTION price_booking_nights();
ALTER TABLE bookings DROP COLUMN total_cost;
ALTER TABLE bookings DROP COLUMN night_prices;
ALTER TABLE bookings ADD COLUMN total_cost BIGINT
    GENERATED ALWAYS AS ((date_to - date_from)::BIGINT * price) STORED;
DROP TABLE room_restrictions;
DROP TABLE rate_overrides;
DROP TABLE rate_rules;
ALTER TABLE rooms DROP COLUMN max_children, DROP COLUMN max_adults;
