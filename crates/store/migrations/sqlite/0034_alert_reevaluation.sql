-- Pupils whose registrations changed in bulk (an import) and whose alerts are not brought up
-- to date yet. Written in the registrations' transaction, removed in the transaction that
-- refreshes the pupil's alerts; what a crash leaves is completed at the next start.
CREATE TABLE alert_reevaluation (
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    child_id INTEGER NOT NULL REFERENCES children (id),
    PRIMARY KEY (municipality_id, child_id)
);
