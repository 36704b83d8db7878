-- A PKU referral is made «efter aftale med forældre og rådgivende psykolog»: the parents'
-- agreement is a consent (scope 'pku'), the psychologist's is recorded on the referral. SQLite
-- cannot change a CHECK constraint, so consents is rebuilt with its rows.
CREATE TABLE consents_new (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    child_id INTEGER NOT NULL REFERENCES children (id),
    guardian_id INTEGER NOT NULL REFERENCES guardians (id),
    scope TEXT NOT NULL CHECK (scope IN ('trivselsforum', 'socialraadgiver', 'netvaerksmoede', 'ppv', 'overgangsskema', 'pku')),
    given_on DATE NOT NULL,
    expires_on DATE,
    revoked_on DATE,
    method TEXT NOT NULL CHECK (method IN ('foraeldrevisning', 'personale_papir', 'personale_mundtligt')),
    recorded_by INTEGER NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL,
    revoked_by INTEGER REFERENCES users (id),
    revoked_at TIMESTAMP,
    CHECK (expires_on IS NULL OR expires_on >= given_on),
    CHECK (revoked_on IS NULL OR revoked_on >= given_on)
);
INSERT INTO consents_new (id, municipality_id, child_id, guardian_id, scope, given_on, expires_on, revoked_on,
    method, recorded_by, recorded_at, revoked_by, revoked_at)
    SELECT id, municipality_id, child_id, guardian_id, scope, given_on, expires_on, revoked_on,
    method, recorded_by, recorded_at, revoked_by, revoked_at FROM consents;
DROP TABLE consents;
ALTER TABLE consents_new RENAME TO consents;
CREATE INDEX consents_child ON consents (child_id, scope);

ALTER TABLE pku_referrals ADD COLUMN psychologist_id INTEGER REFERENCES users (id);
ALTER TABLE pku_referrals ADD COLUMN psychologist_agreed_on DATE;
