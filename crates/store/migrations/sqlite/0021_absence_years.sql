-- Registrations stored per pupil and school year (school_year = the year it starts in): the
-- codes as bytes, day × slot from 1 August, 0 for none (see store/src/absence_years.rs). The
-- store converts absence_registrations into these rows and drops it, in one transaction, right
-- after the migrations run.
CREATE TABLE absence_years (
    child_id INTEGER NOT NULL REFERENCES children (id),
    school_year INTEGER NOT NULL,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    slots INTEGER NOT NULL CHECK (slots BETWEEN 1 AND 12),
    codes BLOB NOT NULL,
    PRIMARY KEY (child_id, school_year)
) WITHOUT ROWID;
CREATE INDEX absence_years_municipality ON absence_years (municipality_id, school_year);
