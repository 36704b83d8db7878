-- Forældrekontakt: a school day with unlawful absence (U) gives the school a task to contact
-- the parents the same day; written in the roll call's own transaction, one per pupil and day.
CREATE TABLE parent_contacts (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    child_id INTEGER NOT NULL REFERENCES children (id),
    absence_date DATE NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by INTEGER REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('aaben', 'kontaktet', 'bortfaldet')),
    method TEXT CHECK (method IN ('telefon', 'personligt', 'foraeldrevisning')),
    contacted_on DATE,
    note TEXT,
    done_by INTEGER REFERENCES users (id),
    done_at TIMESTAMP,
    UNIQUE (child_id, absence_date),
    CHECK (status <> 'kontaktet' OR (method IS NOT NULL AND contacted_on IS NOT NULL))
);
CREATE INDEX parent_contacts_institution ON parent_contacts (institution_id, status, absence_date);

-- Fraværsårsag: the reason stated for a pupil's absence on a school day, and whether a teacher
-- marked it as worrying in itself (which opens an alert with rule 'worrying_reason').
CREATE TABLE absence_reasons (
    child_id INTEGER NOT NULL REFERENCES children (id),
    reg_date DATE NOT NULL,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    reason TEXT NOT NULL,
    worrying BOOLEAN NOT NULL DEFAULT FALSE,
    written_by INTEGER REFERENCES users (id),
    written_at TIMESTAMP NOT NULL,
    PRIMARY KEY (child_id, reg_date)
);
