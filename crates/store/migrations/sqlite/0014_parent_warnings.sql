-- Varsling: the school warned the parents of a pupil with 10 % unlawful absence in a quarter
-- (how and when, with the share then). One per pupil and quarter.
CREATE TABLE parent_warnings (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    child_id INTEGER NOT NULL REFERENCES children (id),
    quarter TEXT NOT NULL,
    share TEXT NOT NULL,
    warned_on DATE NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('brev', 'telefon', 'moede', 'foraeldrevisning')),
    recorded_by INTEGER NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL,
    UNIQUE (child_id, quarter)
);
CREATE INDEX parent_warnings_quarter ON parent_warnings (municipality_id, quarter);
