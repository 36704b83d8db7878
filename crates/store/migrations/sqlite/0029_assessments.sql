-- Trafiklysvurderinger (`trivsel_domain::assessment`): each professional's own assessment of a
-- child in a round (one per person, replaced when given again) and the team's joint one (one
-- per child, round and institution). Like other case content they stay with the institution
-- that wrote them.
CREATE TABLE assessments (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    child_id INTEGER NOT NULL REFERENCES children (id),
    round TEXT NOT NULL,
    joint BOOLEAN NOT NULL,
    light TEXT NOT NULL CHECK (light IN ('groen', 'gul', 'roed')),
    focus TEXT NOT NULL,
    note TEXT NOT NULL,
    participants TEXT NOT NULL,
    assessed_by INTEGER NOT NULL REFERENCES users (id),
    assessed_at TIMESTAMP NOT NULL
);
CREATE INDEX assessments_child ON assessments (child_id, round);
CREATE INDEX assessments_institution ON assessments (institution_id, round);
