ALTER TABLE rooms DROP COLUMN size_m2, DROP COLUMN double_beds, DROP COLUMN single_beds;
