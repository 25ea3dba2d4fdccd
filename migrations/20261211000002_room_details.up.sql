-- What a room type's card tells a guest beside its guests and amenities: its floor area and its
-- beds. NULL size and no beds mean the staff have not said.
ALTER TABLE rooms
    ADD COLUMN size_m2 SMALLINT CHECK (size_m2 BETWEEN 5 AND 1000),
    ADD COLUMN double_beds SMALLINT NOT NULL DEFAULT 0 CHECK (double_beds BETWEEN 0 AND 10),
    ADD COLUMN single_beds SMALLINT NOT NULL DEFAULT 0 CHECK (single_beds BETWEEN 0 AND 20);
