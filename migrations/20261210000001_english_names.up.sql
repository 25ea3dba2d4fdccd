-- Hotels and room types may also have an English name (and room types an English
-- description); pages in English show it, and the Russian one when there is none. The Russian
-- name stays the hotel's own: the back office, the desk and API v1 use it.
ALTER TABLE hotels
    ADD COLUMN name_en TEXT CHECK (length(btrim(name_en)) > 0);
ALTER TABLE rooms
    ADD COLUMN name_en TEXT CHECK (length(btrim(name_en)) > 0),
    ADD COLUMN description_en TEXT CHECK (length(btrim(description_en)) > 0);
