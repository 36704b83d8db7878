-- Indberetning: a school's list of pupils with 15 % unlawful absence in a quarter, submitted to
-- the municipality (one per school and quarter; an empty list says there is none), and its
-- acknowledgement by the municipality's absence caseworker.
CREATE TABLE absence_reports (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    quarter TEXT NOT NULL,
    submitted_by INTEGER NOT NULL REFERENCES users (id),
    submitted_at TIMESTAMP NOT NULL,
    acknowledged_by INTEGER REFERENCES users (id),
    acknowledged_at TIMESTAMP,
    UNIQUE (institution_id, quarter)
);
CREATE INDEX absence_reports_quarter ON absence_reports (municipality_id, quarter);

-- The pupils on a list with their share, the hearing of the parents (and of a child from 12)
-- and the decision on the child benefit.
CREATE TABLE absence_report_pupils (
    report_id INTEGER NOT NULL REFERENCES absence_reports (id),
    child_id INTEGER NOT NULL REFERENCES children (id),
    share TEXT NOT NULL,
    parents_heard_on DATE,
    child_heard_on DATE,
    decision TEXT CHECK (decision IN ('standses', 'standses_ikke')),
    decision_reason TEXT,
    decided_on DATE,
    decided_by INTEGER REFERENCES users (id),
    PRIMARY KEY (report_id, child_id),
    CHECK ((decision IS NULL) = (decided_on IS NULL))
);
CREATE INDEX absence_report_pupils_child ON absence_report_pupils (child_id);
