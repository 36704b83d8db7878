-- Guardians from the municipality's own data (`trivsel import guardians`): a phone next to the
-- e-mail, and the key a guardian is known by from one import to the next (the login identity,
-- else the e-mail, else the phone). Guardians made otherwise have no key.
ALTER TABLE guardians ADD COLUMN phone TEXT;
ALTER TABLE guardians ADD COLUMN import_key TEXT;
CREATE UNIQUE INDEX guardians_import_key ON guardians (municipality_id, import_key);

-- An adviser's assignment to a child has a reason and may have an end: the last day it gives
-- access (ends_on), or the moment it was ended (ended_at, by the leader or trivselsperson).
ALTER TABLE case_assignments ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE case_assignments ADD COLUMN ends_on DATE;
ALTER TABLE case_assignments ADD COLUMN ended_at TIMESTAMP;
ALTER TABLE case_assignments ADD COLUMN assigned_by INTEGER REFERENCES users (id);
CREATE INDEX case_assignments_child ON case_assignments (child_id);
