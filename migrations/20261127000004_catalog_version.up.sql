-- A counter that moves whenever hotels or room types change, so a process that keeps the
-- catalog's static part in memory (the search index) knows when to reload it. Bookings do not
-- move it: availability is always read live.
CREATE TABLE catalog_version (
    singleton BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (singleton),
    version   BIGINT NOT NULL
);
INSERT INTO catalog_version (version) VALUES (1);

CREATE FUNCTION bump_catalog_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalog_version SET version = version + 1;
    RETURN NULL;
END
$$;

-- Statement-level: a bulk load or import bumps once, not once per row.
CREATE TRIGGER hotels_catalog_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON hotels
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER rooms_catalog_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rooms
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
