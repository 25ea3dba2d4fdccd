DROP INDEX hotels_place_key_trgm_idx;
ALTER TABLE hotels DROP COLUMN place_key;
DROP FUNCTION place_key(text);
