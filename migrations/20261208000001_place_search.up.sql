-- Place search that forgives: a place's key is its text in lower-case Latin letters (Cyrillic
-- transliterated; й, ы and y all as i; ъ and ь dropped; anything else but letters and digits
-- a single space), so "Altai", "Алтай", "алтаи" and "ALTAY" meet, and trigram similarity on the
-- key forgives small typos. Search and suggestions compare keys (see `catalog/hotels.rs`).
-- IMMUTABLE, and independent of the database's locale (upper-case Cyrillic is folded by
-- `translate`, not `lower`), so a generated column and an index may use it.
CREATE FUNCTION place_key(place text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN btrim(regexp_replace(
    replace(replace(replace(replace(replace(replace(replace(replace(
        translate(
            lower(translate(place,
                'АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ',
                'абвгдеёжзийклмнопрстуфхцчшщъыьэюя')),
            'абвгдеёзийклмнопрстуфыэyъь',
            'abvgdeeziiklmnoprstufiei'),
        'ж', 'zh'), 'х', 'kh'), 'ц', 'ts'), 'ч', 'ch'), 'ш', 'sh'), 'щ', 'sch'),
        'ю', 'iu'), 'я', 'ia'),
    '[^a-z0-9]+', ' ', 'g'));

ALTER TABLE hotels ADD COLUMN place_key text GENERATED ALWAYS AS (place_key(location)) STORED;
CREATE INDEX hotels_place_key_trgm_idx ON hotels USING gin (place_key gin_trgm_ops);
