DROP TRIGGER rooms_catalog_version ON rooms;
DROP TRIGGER hotels_catalog_version ON hotels;
DROP FUNCTION bump_catalog_version();
DROP TABLE catalog_version;
