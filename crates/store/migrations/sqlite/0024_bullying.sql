-- Mobning (bullying) and the psychological learning environment: a report with the children
-- involved and their roles, when a staff member first learned of it (the start of the 10
-- working days for the leader's written action plan, undervisningsmiljøloven § 1 c), the
-- temporary measures started, the action plan (a goal-and-intervention plan) and when pupils
-- and parents were informed of its content.
CREATE TABLE bullying_reports (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    description TEXT NOT NULL,
    digital BOOLEAN NOT NULL,
    learned_on DATE NOT NULL,
    learned_how TEXT NOT NULL CHECK (learned_how IN ('mundtligt', 'skriftligt')),
    learned_by TEXT NOT NULL,
    plan_due DATE NOT NULL,
    measures TEXT,
    measures_on DATE,
    plan_id INTEGER REFERENCES plans (id),
    plan_on DATE,
    informed_on DATE,
    informed_note TEXT,
    CHECK ((measures IS NULL) = (measures_on IS NULL)),
    CHECK ((plan_id IS NULL) = (plan_on IS NULL))
);
CREATE INDEX bullying_reports_institution ON bullying_reports (institution_id, plan_on, plan_due);

-- The children of a report, each once, with a role. Each child's record shows only its own.
CREATE TABLE bullying_children (
    report_id INTEGER NOT NULL REFERENCES bullying_reports (id),
    child_id INTEGER NOT NULL REFERENCES children (id),
    role TEXT NOT NULL CHECK (role IN ('udsat', 'udoever', 'vidne', 'tilskuer')),
    PRIMARY KEY (report_id, child_id)
);
CREATE INDEX bullying_children_child ON bullying_children (child_id);
