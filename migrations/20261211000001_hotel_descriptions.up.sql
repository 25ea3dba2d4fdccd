-- A hotel's own description for its page, and an English one for pages in English (the own
-- one shows there when there is none). NULL or not blank, like the room types' descriptions.
ALTER TABLE hotels
    ADD COLUMN description TEXT CHECK (length(btrim(description)) > 0),
    ADD COLUMN description_en TEXT CHECK (length(btrim(description_en)) > 0);
