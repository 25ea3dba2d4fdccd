-- Sessions end before their token expires: signing out revokes the one token (by its id, kept
-- until it would have expired anyway); a password change ends every session begun before it;
-- a disabled account has none.
ALTER TABLE users
    ADD COLUMN sessions_since TIMESTAMPTZ,
    ADD COLUMN disabled_at TIMESTAMPTZ;
CREATE TABLE revoked_sessions (
    jti        TEXT PRIMARY KEY,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX revoked_sessions_expiry_idx ON revoked_sessions (expires_at);
