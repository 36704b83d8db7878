-- Den nationale trivselsmåling (`trivsel_domain::surveys::national`): the published results
-- per school, school year, grade group and indicator (a suppressed cell is NULL, never 0), and
-- each pupil's indicator scores computed from pupil-level answers at import.
CREATE TABLE survey_results (
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    institution_id BIGINT NOT NULL REFERENCES institutions (id),
    school_year INTEGER NOT NULL,
    grade_group TEXT NOT NULL,
    indicator TEXT NOT NULL CHECK (indicator IN ('generel', 'social', 'faglig', 'stoette', 'ro')),
    value DOUBLE PRECISION,
    respondents BIGINT,
    PRIMARY KEY (institution_id, school_year, grade_group, indicator)
);

CREATE TABLE survey_pupil_scores (
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    institution_id BIGINT NOT NULL REFERENCES institutions (id),
    class_id BIGINT NOT NULL REFERENCES classes (id),
    child_id BIGINT NOT NULL REFERENCES children (id),
    school_year INTEGER NOT NULL,
    indicator TEXT NOT NULL CHECK (indicator IN ('generel', 'social', 'faglig', 'stoette', 'ro')),
    score DOUBLE PRECISION NOT NULL CHECK (score BETWEEN 1 AND 5),
    PRIMARY KEY (child_id, school_year, indicator)
);
CREATE INDEX survey_pupil_scores_class ON survey_pupil_scores (class_id, school_year);
CREATE INDEX survey_pupil_scores_institution ON survey_pupil_scores (institution_id, school_year);
