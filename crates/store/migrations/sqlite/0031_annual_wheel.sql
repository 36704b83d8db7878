-- Trivselshjul (`trivsel_domain::annual_wheel`): a school's activities per school year and
-- period, at school, year-group or class level, with the responsible person (whose task it
-- becomes) or team, and when and how it was done.
CREATE TABLE wheel_activities (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    school_year INTEGER NOT NULL,
    period INTEGER NOT NULL CHECK (period BETWEEN 0 AND 3),
    title TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('skole', 'aargang', 'klasse')),
    level_name TEXT NOT NULL,
    responsible_user_id INTEGER REFERENCES users (id),
    responsible_team TEXT NOT NULL,
    starts_on DATE NOT NULL,
    due_on DATE NOT NULL,
    task_id INTEGER REFERENCES tasks (id),
    done_at TIMESTAMP,
    done_by INTEGER REFERENCES users (id),
    done_note TEXT,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CHECK (due_on >= starts_on)
);
CREATE INDEX wheel_activities_school ON wheel_activities (institution_id, school_year);
