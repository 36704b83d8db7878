-- Underretning (Barnets Lov § 133): a professional's notification to the municipality about a
-- child, with the municipality's receipt (due within 6 working days) and its feedback. Read
-- only by the author and the child's school leadership and trivselsperson. The follow-up task
-- for the receipt is created with it and done when the receipt is recorded.
CREATE TABLE underretninger (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    child_id INTEGER NOT NULL REFERENCES children (id),
    author_user_id INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    observations TEXT NOT NULL,
    statements TEXT,
    observed_on DATE,
    tried TEXT NOT NULL,
    parents_informed BOOLEAN NOT NULL,
    not_informed_reason TEXT,
    acute BOOLEAN NOT NULL,
    phoned_at TIMESTAMP,
    phoned_to TEXT,
    recipient TEXT NOT NULL,
    sent_on DATE NOT NULL,
    receipt_due DATE NOT NULL,
    receipt_task_id INTEGER REFERENCES tasks (id),
    receipt_on DATE,
    receipt_by INTEGER REFERENCES users (id),
    feedback TEXT CHECK (feedback IN ('undersoegelse', 'foranstaltning', 'ingen', 'andet')),
    feedback_on DATE,
    feedback_note TEXT,
    feedback_by INTEGER REFERENCES users (id),
    CHECK (parents_informed OR not_informed_reason IS NOT NULL),
    CHECK (NOT acute OR (phoned_at IS NOT NULL AND phoned_to IS NOT NULL)),
    CHECK ((feedback IS NULL) = (feedback_on IS NULL))
);
CREATE INDEX underretninger_child ON underretninger (child_id, sent_on);
CREATE INDEX underretninger_institution ON underretninger (institution_id, receipt_on, receipt_due);
