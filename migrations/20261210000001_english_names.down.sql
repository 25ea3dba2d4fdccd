ALTER TABLE rooms DROP COLUMN description_en, DROP COLUMN name_en;
ALTER TABLE hotels DROP COLUMN name_en;
