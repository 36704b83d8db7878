-- Den halvårlige status: the leadership's short text per section of the half-yearly status
-- report, for a school (institution_id) or the whole municipality (institution_id NULL).
-- The latest text stands; the audit log keeps the earlier ones.
CREATE TABLE status_texts (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    institution_id INTEGER REFERENCES institutions (id),
    half_year TEXT NOT NULL,
    section TEXT NOT NULL,
    text TEXT NOT NULL,
    written_by INTEGER NOT NULL REFERENCES users (id),
    written_at TIMESTAMP NOT NULL
);
CREATE INDEX status_texts_report ON status_texts (municipality_id, half_year);
