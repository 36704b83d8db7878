-- Klassetrivselsundersøgelser (`trivsel_domain::surveys::class_survey`): a class's own survey
-- with scale and sociogram questions, a class code for the shared tablet, and each pupil's one
-- response. Focus pupils (fokuselever) of a class, e.g. a pupil nobody chose, are pre-marked
-- at the next class conference.
CREATE TABLE class_surveys (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    class_id INTEGER NOT NULL REFERENCES classes (id),
    title TEXT NOT NULL,
    max_choices INTEGER NOT NULL CHECK (max_choices BETWEEN 1 AND 10),
    code TEXT NOT NULL UNIQUE,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP
);
CREATE INDEX class_surveys_class ON class_surveys (class_id);

CREATE TABLE class_survey_questions (
    survey_id INTEGER NOT NULL REFERENCES class_surveys (id),
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('skala', 'sociogram')),
    question TEXT NOT NULL,
    PRIMARY KEY (survey_id, position)
);

CREATE TABLE class_survey_responses (
    id INTEGER PRIMARY KEY,
    survey_id INTEGER NOT NULL REFERENCES class_surveys (id),
    child_id INTEGER NOT NULL REFERENCES children (id),
    via TEXT NOT NULL CHECK (via IN ('login', 'klassekode')),
    answered_at TIMESTAMP NOT NULL,
    UNIQUE (survey_id, child_id)
);

CREATE TABLE class_survey_answers (
    response_id INTEGER NOT NULL REFERENCES class_survey_responses (id),
    position INTEGER NOT NULL,
    value INTEGER CHECK (value BETWEEN 1 AND 5),
    PRIMARY KEY (response_id, position)
);

CREATE TABLE class_survey_choices (
    response_id INTEGER NOT NULL REFERENCES class_survey_responses (id),
    position INTEGER NOT NULL,
    chosen_child_id INTEGER NOT NULL REFERENCES children (id),
    PRIMARY KEY (response_id, position, chosen_child_id)
);

CREATE TABLE focus_pupils (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    class_id INTEGER NOT NULL REFERENCES classes (id),
    child_id INTEGER NOT NULL REFERENCES children (id),
    reason TEXT NOT NULL,
    marked_by INTEGER NOT NULL REFERENCES users (id),
    marked_at TIMESTAMP NOT NULL
);
CREATE INDEX focus_pupils_class ON focus_pupils (class_id);
