ALTER TABLE hotels DROP COLUMN description, DROP COLUMN description_en;
