-- Concerns (bekymringer), tiers (indsatstrin), PPV and PKU referrals, goal-and-intervention
-- plans (mål- og indsatsplaner) with versions and evaluations, tasks (opgaver) with calendar
-- feeds, and class conferences (klassekonferencer). A concern, tier change or plan is about
-- one child or one class (learning community), never both.

CREATE TABLE concerns (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    child_id INTEGER REFERENCES children (id),
    class_id INTEGER REFERENCES classes (id),
    concern_date DATE NOT NULL,
    description TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('lav', 'middel', 'hoej')),
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CHECK ((child_id IS NULL) <> (class_id IS NULL))
);
CREATE INDEX concerns_child ON concerns (child_id);
CREATE INDEX concerns_class ON concerns (class_id);

CREATE TABLE concern_categories (
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    concern_id INTEGER NOT NULL REFERENCES concerns (id),
    category TEXT NOT NULL,
    PRIMARY KEY (concern_id, category)
);

-- The tier is the latest change's; the history is kept, with a leader's override justification.
CREATE TABLE tier_changes (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    child_id INTEGER REFERENCES children (id),
    class_id INTEGER REFERENCES classes (id),
    tier TEXT NOT NULL CHECK (tier IN ('forebyggende', 'foregribende', 'indgribende')),
    reason TEXT NOT NULL,
    override_justification TEXT,
    changed_by INTEGER NOT NULL REFERENCES users (id),
    changed_at TIMESTAMP NOT NULL,
    CHECK ((child_id IS NULL) <> (class_id IS NULL))
);
CREATE INDEX tier_changes_child ON tier_changes (child_id);
CREATE INDEX tier_changes_class ON tier_changes (class_id);

-- Pædagogisk-psykologisk vurdering (PPV): its date and a reference to the document.
CREATE TABLE ppv_registrations (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    child_id INTEGER NOT NULL REFERENCES children (id),
    ppv_date DATE NOT NULL,
    reference TEXT NOT NULL,
    registered_by INTEGER NOT NULL REFERENCES users (id),
    registered_at TIMESTAMP NOT NULL
);
CREATE INDEX ppv_registrations_child ON ppv_registrations (child_id);

-- Henvisning til Pædagogisk Koordinationsudvalg (PKU).
CREATE TABLE pku_referrals (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    child_id INTEGER NOT NULL REFERENCES children (id),
    referral_date DATE NOT NULL,
    note TEXT NOT NULL,
    override_justification TEXT,
    referred_by INTEGER NOT NULL REFERENCES users (id),
    referred_at TIMESTAMP NOT NULL
);
CREATE INDEX pku_referrals_child ON pku_referrals (child_id);

-- A plan's content lives in its versions; current_version is checked and bumped in the
-- transaction of every save (optimistic versioning).
CREATE TABLE plans (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    child_id INTEGER REFERENCES children (id),
    class_id INTEGER REFERENCES classes (id),
    tier TEXT NOT NULL CHECK (tier IN ('forebyggende', 'foregribende', 'indgribende')),
    title TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    current_version INTEGER NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    closed_by INTEGER REFERENCES users (id),
    closed_at TIMESTAMP,
    CHECK ((child_id IS NULL) <> (class_id IS NULL))
);
CREATE INDEX plans_child ON plans (child_id);
CREATE INDEX plans_class ON plans (class_id);

CREATE TABLE plan_versions (
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    plan_id INTEGER NOT NULL REFERENCES plans (id),
    version INTEGER NOT NULL,
    content_json TEXT NOT NULL,
    saved_by INTEGER NOT NULL REFERENCES users (id),
    saved_at TIMESTAMP NOT NULL,
    PRIMARY KEY (plan_id, version)
);

CREATE TABLE plan_evaluations (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    plan_id INTEGER NOT NULL REFERENCES plans (id),
    evaluation_date DATE NOT NULL,
    result TEXT NOT NULL CHECK (result IN ('opnaaet', 'delvist_opnaaet', 'ikke_opnaaet')),
    text TEXT NOT NULL,
    next_step TEXT NOT NULL,
    evaluated_by INTEGER NOT NULL REFERENCES users (id),
    evaluated_at TIMESTAMP NOT NULL
);
CREATE INDEX plan_evaluations_plan ON plan_evaluations (plan_id);

CREATE TABLE class_conferences (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    class_id INTEGER NOT NULL REFERENCES classes (id),
    held_on DATE NOT NULL,
    notes TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX class_conferences_class ON class_conferences (class_id, held_on);

CREATE TABLE class_conference_pupils (
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    conference_id INTEGER NOT NULL REFERENCES class_conferences (id),
    child_id INTEGER NOT NULL REFERENCES children (id),
    focus BOOLEAN NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (conference_id, child_id)
);
CREATE INDEX class_conference_pupils_child ON class_conference_pupils (child_id);

-- Opgaver: from plans (evaluering, tiltag) and meetings (opfoelgning). The title names no child.
CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    owner_user_id INTEGER NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('evaluering', 'tiltag', 'opfoelgning')),
    due_date DATE NOT NULL,
    title TEXT NOT NULL,
    child_id INTEGER REFERENCES children (id),
    plan_id INTEGER REFERENCES plans (id),
    conference_id INTEGER REFERENCES class_conferences (id),
    created_at TIMESTAMP NOT NULL,
    done_at TIMESTAMP,
    done_by INTEGER REFERENCES users (id),
    done_note TEXT
);
CREATE INDEX tasks_owner ON tasks (owner_user_id, due_date);
CREATE INDEX tasks_institution ON tasks (institution_id, due_date);
CREATE INDEX tasks_plan ON tasks (plan_id);

-- One calendar feed per user; only the SHA-256 of its secret token is stored.
CREATE TABLE calendar_feeds (
    user_id INTEGER PRIMARY KEY REFERENCES users (id),
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);
