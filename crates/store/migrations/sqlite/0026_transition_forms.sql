-- Overgangsskema (health visitor → daycare, `trivsel_domain::transition_form`). The
-- municipality's questions (none stored: the shipped default set) and ADBB cut-off; each form
-- keeps the wording of its questions. The parents' confirmation is a consent (scope
-- 'overgangsskema'): the receiving daycare reads the shared answers only while it is in force
-- and from the start date.
ALTER TABLE municipalities ADD COLUMN adbb_cutoff INTEGER NOT NULL DEFAULT 5 CHECK (adbb_cutoff BETWEEN 1 AND 32);

CREATE TABLE transition_form_questions (
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    position INTEGER NOT NULL,
    question_key TEXT NOT NULL,
    question TEXT NOT NULL,
    PRIMARY KEY (municipality_id, position),
    UNIQUE (municipality_id, question_key)
);

CREATE TABLE transition_forms (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    child_id INTEGER NOT NULL REFERENCES children (id),
    to_institution_id INTEGER NOT NULL REFERENCES institutions (id),
    starts_on DATE NOT NULL,
    visited_on DATE NOT NULL,
    written_by INTEGER NOT NULL REFERENCES users (id),
    written_at TIMESTAMP NOT NULL,
    adbb TEXT,
    adbb_cutoff INTEGER,
    adbb_shared BOOLEAN NOT NULL DEFAULT FALSE,
    consent_id INTEGER REFERENCES consents (id),
    confirmed_at TIMESTAMP,
    task_id INTEGER REFERENCES tasks (id),
    CHECK ((adbb IS NULL) = (adbb_cutoff IS NULL)),
    CHECK ((consent_id IS NULL) = (confirmed_at IS NULL))
);
CREATE INDEX transition_forms_child ON transition_forms (child_id);

CREATE TABLE transition_form_answers (
    form_id INTEGER NOT NULL REFERENCES transition_forms (id),
    position INTEGER NOT NULL,
    question_key TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    shared BOOLEAN NOT NULL,
    PRIMARY KEY (form_id, position)
);
