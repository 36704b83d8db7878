-- Fraværsmeldinger: sickness reported and leave applied for by a guardian, with the school's
-- answer to a leave application.
CREATE TABLE absence_notices (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    child_id INTEGER NOT NULL REFERENCES children (id),
    kind TEXT NOT NULL CHECK (kind IN ('sygdom', 'frihed')),
    from_date DATE NOT NULL,
    to_date DATE NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('meldt', 'afventer', 'godkendt', 'afvist')),
    reported_by INTEGER NOT NULL REFERENCES users (id),
    reported_at TIMESTAMP NOT NULL,
    decided_by INTEGER REFERENCES users (id),
    decided_at TIMESTAMP,
    decision_note TEXT,
    CHECK (to_date >= from_date)
);
CREATE INDEX absence_notices_child ON absence_notices (child_id, from_date);

-- Registrations a school takes per pupil and school day (seed 004: «minimum to gange dagligt»);
-- a school day with fewer is listed as missing registrations.
ALTER TABLE institutions ADD COLUMN registrations_per_day INTEGER NOT NULL DEFAULT 2
    CHECK (registrations_per_day BETWEEN 1 AND 12);
