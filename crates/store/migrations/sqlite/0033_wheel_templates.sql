-- The municipality's template for the schools' trivselshjul (`trivsel_domain::annual_wheel`):
-- activities per period with level and team, which a school starts an empty year from (the
-- dates become the period's in that school year).
CREATE TABLE wheel_templates (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    period INTEGER NOT NULL CHECK (period BETWEEN 0 AND 3),
    title TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('skole', 'aargang', 'klasse')),
    level_name TEXT NOT NULL,
    responsible_team TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX wheel_templates_municipality ON wheel_templates (municipality_id, period);
