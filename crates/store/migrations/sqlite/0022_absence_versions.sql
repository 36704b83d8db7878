-- Versions of a municipality's absence data, raised in the transaction of every write: one for
-- the registrations (each absence_years row written carries the version that wrote it) and one
-- for what the overviews count days by (the roster and the school holidays). The overview
-- cache (store/src/absence_summaries.rs) rereads only rows newer than the version it holds.
CREATE TABLE absence_versions (
    municipality_id INTEGER PRIMARY KEY REFERENCES municipalities (id),
    registrations INTEGER NOT NULL DEFAULT 0,
    structure INTEGER NOT NULL DEFAULT 0
);
ALTER TABLE absence_years ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
DROP INDEX absence_years_municipality;
CREATE INDEX absence_years_version ON absence_years (municipality_id, school_year, version);
