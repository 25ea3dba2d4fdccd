-- A booking's reference: eight characters a guest can read out on the phone. The alphabet leaves
-- out 0/O and 1/I, so no two codes are confused; 32 symbols make 40 bits.
--
-- The code is a keyed permutation of the booking's id (a four-round Feistel network on 40 bits,
-- then base 32): distinct ids give distinct codes by construction, so no writer has to retry on
-- a collision (random codes would collide about once per million bookings, and a bulk insert
-- would fail), and neighbouring bookings get unrelated codes, so a code tells nobody how many
-- bookings there are or what the next one is. It is a name, not a key: nothing is opened by the
-- reference alone (the emails' "manage this booking" links are signed).
CREATE FUNCTION booking_reference(id bigint) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    round_keys CONSTANT bigint[] := ARRAY[709531, 318917, 922337, 155569];
    alphabet CONSTANT text := '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
    l bigint := (id >> 20) & 1048575;
    r bigint := id & 1048575;
    t bigint;
    n bigint;
    code text := '';
BEGIN
    IF id < 0 OR id >= 1099511627776 THEN
        RAISE EXCEPTION 'booking id % out of the reference range', id;
    END IF;
    FOR i IN 1..4 LOOP
        t := r;
        r := l # ((((r # round_keys[i]) * 747796405 + 1013904223) >> 7) & 1048575);
        l := t;
    END LOOP;
    n := (l << 20) | r;
    FOR i IN 1..8 LOOP
        code := substr(alphabet, (n & 31)::int + 1, 1) || code;
        n := n >> 5;
    END LOOP;
    RETURN code;
END
$$;

ALTER TABLE bookings
    ADD COLUMN reference text GENERATED ALWAYS AS (booking_reference(id)) STORED NOT NULL;
-- Staff and the guest find a booking by its reference.
CREATE UNIQUE INDEX bookings_reference_idx ON bookings (reference);
