-- Foundation: municipalities, institutions, classes, children, enrolments, guardians, staff
-- users, school holidays and login sessions. Every table with municipal data carries
-- municipality_id so that a large installation can be distributed by municipality.

CREATE TABLE municipalities (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE institutions (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('school', 'daycare', 'youth_centre')),
    UNIQUE (municipality_id, code)
);

CREATE TABLE classes (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    name TEXT NOT NULL,
    UNIQUE (institution_id, name)
);

CREATE TABLE children (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    source_id TEXT NOT NULL,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    birth_date DATE NOT NULL,
    UNIQUE (municipality_id, source_id)
);

CREATE TABLE enrolments (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    child_id INTEGER NOT NULL REFERENCES children (id),
    class_id INTEGER NOT NULL REFERENCES classes (id),
    enrolled_from DATE NOT NULL,
    enrolled_to DATE,
    UNIQUE (child_id, enrolled_from),
    CHECK (enrolled_to IS NULL OR enrolled_to >= enrolled_from)
);
CREATE INDEX enrolments_class ON enrolments (class_id);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    username TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT,
    role TEXT NOT NULL,
    institution_id INTEGER REFERENCES institutions (id),
    child_id INTEGER REFERENCES children (id),
    password_hash TEXT,
    demo_only BOOLEAN NOT NULL DEFAULT FALSE,
    disabled BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE user_classes (
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    class_id INTEGER NOT NULL REFERENCES classes (id),
    PRIMARY KEY (user_id, class_id)
);

CREATE TABLE guardians (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    name TEXT NOT NULL,
    email TEXT,
    user_id INTEGER UNIQUE REFERENCES users (id)
);

CREATE TABLE guardianships (
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    guardian_id INTEGER NOT NULL REFERENCES guardians (id),
    child_id INTEGER NOT NULL REFERENCES children (id),
    custody BOOLEAN NOT NULL DEFAULT TRUE,
    PRIMARY KEY (guardian_id, child_id)
);
CREATE INDEX guardianships_child ON guardianships (child_id);

CREATE TABLE school_holidays (
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    holiday_date DATE NOT NULL,
    PRIMARY KEY (institution_id, holiday_date)
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
