-- Absence registration (fraværsregistrering), its history, thresholds per municipality,
-- alerts from the rules, and the leadership's monthly review.

-- One registration per pupil, date and slot (1 = morning roll call, 2 = afternoon, or the
-- lesson number). A new registration for the same key replaces the old one.
CREATE TABLE absence_registrations (
    child_id INTEGER NOT NULL REFERENCES children (id),
    reg_date DATE NOT NULL,
    slot INTEGER NOT NULL CHECK (slot BETWEEN 1 AND 12),
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    code TEXT NOT NULL CHECK (code IN ('P', 'S', 'L', 'U', 'F', 'T')),
    registered_by INTEGER REFERENCES users (id),
    registered_at TIMESTAMP NOT NULL,
    PRIMARY KEY (child_id, reg_date, slot)
) WITHOUT ROWID;

-- Every replaced value: who replaced it, when, old and new code.
CREATE TABLE absence_history (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL,
    child_id INTEGER NOT NULL,
    reg_date DATE NOT NULL,
    slot INTEGER NOT NULL,
    old_code TEXT NOT NULL,
    new_code TEXT NOT NULL,
    changed_by INTEGER,
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX absence_history_child ON absence_history (child_id, reg_date);

CREATE TRIGGER absence_history_on_replace AFTER UPDATE OF code ON absence_registrations
WHEN old.code <> new.code
BEGIN
    INSERT INTO absence_history (municipality_id, child_id, reg_date, slot, old_code, new_code, changed_by, changed_at)
    VALUES (new.municipality_id, new.child_id, new.reg_date, new.slot, old.code, new.code, new.registered_by,
            new.registered_at);
END;

-- Alerts (advarsler): one per rule trigger, for the school's leadership and trivselsperson.
CREATE TABLE absence_alerts (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    child_id INTEGER NOT NULL REFERENCES children (id),
    rule TEXT NOT NULL,
    trigger_date DATE NOT NULL,
    institution_id INTEGER REFERENCES institutions (id),
    status TEXT NOT NULL CHECK (status IN ('open', 'closed', 'withdrawn')),
    assigned_to INTEGER REFERENCES users (id),
    note TEXT,
    created_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP,
    closed_by INTEGER REFERENCES users (id),
    UNIQUE (child_id, rule, trigger_date)
);
CREATE INDEX absence_alerts_institution ON absence_alerts (institution_id, status);
