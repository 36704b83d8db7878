-- What follows a child (trivsel_domain::access::Scope): case content belongs to the institution
-- that wrote it. Concerns, plans, meetings and conferences record it already; tier changes, PPVs
-- and PKU referrals get it here: a class's institution, else the writer's, else the child's
-- latest enrolment's (the same rule new rows follow, `cases::RECORD_INSTITUTION`).
ALTER TABLE tier_changes ADD COLUMN institution_id INTEGER REFERENCES institutions (id);
UPDATE tier_changes SET institution_id = COALESCE(
    (SELECT c.institution_id FROM classes c WHERE c.id = tier_changes.class_id),
    (SELECT u.institution_id FROM users u WHERE u.id = tier_changes.changed_by),
    (SELECT c.institution_id FROM enrolments e JOIN classes c ON c.id = e.class_id
     WHERE e.child_id = tier_changes.child_id ORDER BY e.enrolled_from DESC LIMIT 1));
ALTER TABLE ppv_registrations ADD COLUMN institution_id INTEGER REFERENCES institutions (id);
UPDATE ppv_registrations SET institution_id = COALESCE(
    (SELECT u.institution_id FROM users u WHERE u.id = ppv_registrations.registered_by),
    (SELECT c.institution_id FROM enrolments e JOIN classes c ON c.id = e.class_id
     WHERE e.child_id = ppv_registrations.child_id ORDER BY e.enrolled_from DESC LIMIT 1));
ALTER TABLE pku_referrals ADD COLUMN institution_id INTEGER REFERENCES institutions (id);
UPDATE pku_referrals SET institution_id = COALESCE(
    (SELECT u.institution_id FROM users u WHERE u.id = pku_referrals.referred_by),
    (SELECT c.institution_id FROM enrolments e JOIN classes c ON c.id = e.class_id
     WHERE e.child_id = pku_referrals.child_id ORDER BY e.enrolled_from DESC LIMIT 1));

-- The parents' consent to a hand-over note at a move (scope 'overlevering'). SQLite cannot
-- change a CHECK constraint, so consents is rebuilt with its rows.
CREATE TABLE consents_new (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    child_id INTEGER NOT NULL REFERENCES children (id),
    guardian_id INTEGER NOT NULL REFERENCES guardians (id),
    scope TEXT NOT NULL CHECK (scope IN ('trivselsforum', 'socialraadgiver', 'netvaerksmoede', 'ppv', 'overgangsskema', 'pku', 'overlevering')),
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

-- Overlevering: at a move the sending institution's leadership or trivselsperson hands over
-- to the receiving one. The note's content passes only with the parents' consent in force
-- (else it is NULL: only the wish for a transfer conversation passes); the receiving
-- trivselsperson's task for the conversation is created with it.
CREATE TABLE handovers (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    child_id INTEGER NOT NULL REFERENCES children (id),
    from_institution_id INTEGER NOT NULL REFERENCES institutions (id),
    to_institution_id INTEGER NOT NULL REFERENCES institutions (id),
    starts_on DATE NOT NULL,
    note TEXT,
    consented BOOLEAN NOT NULL,
    written_by INTEGER NOT NULL REFERENCES users (id),
    written_at TIMESTAMP NOT NULL,
    task_id INTEGER REFERENCES tasks (id),
    CHECK (consented OR note IS NULL),
    CHECK (from_institution_id <> to_institution_id)
);
CREATE INDEX handovers_child ON handovers (child_id);
