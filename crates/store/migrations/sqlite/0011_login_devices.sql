-- Device cookies (OWASP «device cookies»): a browser that has logged in to an account gets a
-- cookie naming the account. Failed attempts made with that cookie count only against it, so
-- a stranger failing on purpose slows the untrusted attempts of the account, not its owner.
CREATE TABLE login_devices (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX login_devices_created ON login_devices (created_at);
-- The device cookie an attempt came with (its hash), or NULL for an untrusted attempt.
ALTER TABLE login_attempts ADD COLUMN device TEXT;
