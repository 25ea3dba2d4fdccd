-- Back to one picture per owner: the main one (the first in order) stays; the others' rows go
-- (their files go with the worker's next sweep).
DELETE FROM pictures p USING pictures q
WHERE (p.hotel_id = q.hotel_id OR p.room_id = q.room_id)
  AND (q.position, q.id) < (p.position, p.id);
DROP TRIGGER pictures_catalog_version ON pictures;
CREATE TRIGGER pictures_catalog_version
    AFTER INSERT OR DELETE OR UPDATE OF state, digest ON pictures
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
DROP INDEX pictures_hotel_idx;
DROP INDEX pictures_room_idx;
CREATE UNIQUE INDEX pictures_hotel_idx ON pictures (hotel_id) WHERE hotel_id IS NOT NULL;
CREATE UNIQUE INDEX pictures_room_idx ON pictures (room_id) WHERE room_id IS NOT NULL;
ALTER TABLE pictures DROP COLUMN position;
