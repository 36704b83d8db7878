-- Identity, access relationships and the audit log.

ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN oidc_subject TEXT;
-- The last TOTP time step accepted, so that a code works only once.
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;
-- Failed logins before this time no longer slow the account down (administrator unlock).
ALTER TABLE users ADD COLUMN throttle_reset_at TIMESTAMP;
CREATE UNIQUE INDEX users_oidc_subject ON users (municipality_id, oidc_subject);

-- A session waiting for its second factor gives access to nothing but the code page.
ALTER TABLE sessions ADD COLUMN mfa_pending BOOLEAN NOT NULL DEFAULT FALSE;

-- PPR, social workers, health visitors and SSP/UU see the children whose cases they hold.
CREATE TABLE case_assignments (
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    child_id INTEGER NOT NULL REFERENCES children (id),
    assigned_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, child_id)
);

-- Every login attempt, for throttling and for the record.
CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY,
    attempted_at TIMESTAMP NOT NULL,
    username TEXT NOT NULL,
    address TEXT NOT NULL,
    success BOOLEAN NOT NULL
);
CREATE INDEX login_attempts_username ON login_attempts (username, attempted_at);
CREATE INDEX login_attempts_address ON login_attempts (address, attempted_at);

-- Hash-chained audit log per municipality; see trivsel_domain::audit. `at` is text so the
-- hashed value is byte-identical on both backends.
CREATE TABLE audit_log (
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    user_id INTEGER,
    username TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    child_id INTEGER,
    criterion TEXT,
    allowed BOOLEAN NOT NULL,
    address TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (municipality_id, seq)
);
CREATE INDEX audit_log_child ON audit_log (child_id, seq);

-- The chain's head (last seq and hash) and the anchor left by retention (last removed row).
CREATE TABLE audit_heads (
    municipality_id INTEGER PRIMARY KEY REFERENCES municipalities (id),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    anchor_seq INTEGER NOT NULL,
    anchor_hash TEXT NOT NULL
);

-- Single sign-on (OpenID Connect) per municipality: UNI-Login, AD FS, Entra ID, ...
CREATE TABLE oidc_providers (
    municipality_id INTEGER PRIMARY KEY REFERENCES municipalities (id),
    label TEXT NOT NULL,
    issuer TEXT NOT NULL,
    client_id TEXT NOT NULL,
    client_secret TEXT NOT NULL,
    username_claim TEXT NOT NULL
);

-- Logins under way: the state sent to the provider, with the PKCE verifier and nonce.
CREATE TABLE oidc_logins (
    state TEXT PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    pkce_verifier TEXT NOT NULL,
    nonce TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
