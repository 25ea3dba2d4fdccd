-- Several pictures per hotel and room type, in the staff's order: the first ready one is the
-- main one (search, the hotel page's header, booking cards); the hotel page shows them all.
ALTER TABLE pictures ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
DROP INDEX pictures_hotel_idx;
DROP INDEX pictures_room_idx;
CREATE INDEX pictures_hotel_idx ON pictures (hotel_id, position, id) WHERE hotel_id IS NOT NULL;
CREATE INDEX pictures_room_idx ON pictures (room_id, position, id) WHERE room_id IS NOT NULL;
-- A new order changes which picture is the main one: pages keep it in memory.
DROP TRIGGER pictures_catalog_version ON pictures;
CREATE TRIGGER pictures_catalog_version
    AFTER INSERT OR DELETE OR UPDATE OF state, digest, position ON pictures
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
