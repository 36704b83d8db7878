-- Årgange (`trivsel_domain::year_group`): a school's year group by grade, with its
-- coordinator; and preventive plans (forebyggende planer) for the whole school (grade NULL)
-- or one year group — the school's and year group's levels of seed 000, beside the child's
-- and class's plans in `plans`. They hold no child data. The evaluation is a task for the
-- responsible person, done when the plan is closed with its evaluation.
CREATE TABLE year_groups (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    grade INTEGER NOT NULL CHECK (grade BETWEEN 0 AND 10),
    coordinator_user_id INTEGER REFERENCES users (id),
    UNIQUE (institution_id, grade)
);
CREATE TABLE preventive_plans (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    grade INTEGER CHECK (grade BETWEEN 0 AND 10),
    title TEXT NOT NULL,
    context TEXT NOT NULL,
    goals TEXT NOT NULL,
    signs TEXT NOT NULL,
    actions TEXT NOT NULL,
    evaluation_on DATE NOT NULL,
    responsible_user_id INTEGER NOT NULL REFERENCES users (id),
    task_id INTEGER REFERENCES tasks (id),
    evaluation TEXT,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP,
    CHECK ((evaluation IS NULL) = (closed_at IS NULL))
);
CREATE INDEX preventive_plans_school ON preventive_plans (institution_id);
