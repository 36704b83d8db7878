-- Små læringsgrupper with the development wheel (`trivsel_domain::development_wheel`): a
-- daycare's groups of 3–4 children with one fixed pedagogue and their competences, each
-- session's ratings (1–4) and notes per child, and the institution's goals.
CREATE TABLE learning_groups (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    name TEXT NOT NULL,
    pedagogue_id INTEGER NOT NULL REFERENCES users (id),
    dimensions TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX learning_groups_institution ON learning_groups (institution_id);

CREATE TABLE learning_group_children (
    group_id INTEGER NOT NULL REFERENCES learning_groups (id),
    child_id INTEGER NOT NULL REFERENCES children (id),
    PRIMARY KEY (group_id, child_id)
);

CREATE TABLE wheel_sessions (
    id INTEGER PRIMARY KEY,
    group_id INTEGER NOT NULL REFERENCES learning_groups (id),
    held_on DATE NOT NULL,
    activity TEXT NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL
);

CREATE TABLE wheel_ratings (
    session_id INTEGER NOT NULL REFERENCES wheel_sessions (id),
    child_id INTEGER NOT NULL REFERENCES children (id),
    dimension INTEGER NOT NULL,
    value INTEGER NOT NULL CHECK (value BETWEEN 1 AND 4),
    PRIMARY KEY (session_id, child_id, dimension)
);

CREATE TABLE wheel_notes (
    session_id INTEGER NOT NULL REFERENCES wheel_sessions (id),
    child_id INTEGER NOT NULL REFERENCES children (id),
    note TEXT NOT NULL,
    PRIMARY KEY (session_id, child_id)
);

CREATE TABLE institution_goals (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    dimension TEXT NOT NULL,
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),
    target_percent INTEGER NOT NULL CHECK (target_percent BETWEEN 1 AND 100),
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
