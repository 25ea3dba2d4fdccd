DROP TABLE revoked_sessions;
ALTER TABLE users DROP COLUMN disabled_at, DROP COLUMN sessions_since;
