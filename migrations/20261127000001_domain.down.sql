DROP TABLE IF EXISTS seed_history;
DROP TABLE IF EXISTS bookings;
DROP TABLE IF EXISTS rooms;
DROP TABLE IF EXISTS hotels;
DROP TABLE IF EXISTS users;
-- pg_trgm is left installed: other schemas in the database may use it.
