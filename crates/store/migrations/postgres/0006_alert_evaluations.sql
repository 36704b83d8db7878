-- The date up to which each pupil's absence alerts were last evaluated. A save that changes
-- none of a pupil's registrations re-evaluates the pupil only when this is before today (a
-- new school day can trigger a rule by itself). Changing thresholds, holidays or enrolments
-- deletes the municipality's rows, so the next save evaluates everyone again.
CREATE TABLE alert_evaluations (
    child_id BIGINT PRIMARY KEY REFERENCES children (id),
    municipality_id BIGINT NOT NULL REFERENCES municipalities (id),
    evaluated_on DATE NOT NULL
);
CREATE INDEX alert_evaluations_municipality ON alert_evaluations (municipality_id);
