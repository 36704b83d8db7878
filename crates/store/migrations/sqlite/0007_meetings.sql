-- Consent (samtykke), Trivselsforum's fixed members, meetings (møder) with participants, agenda
-- items, minutes and action plans (handleplaner), in-app notifications, and anonymous
-- consultations (anonym sparring), which have no column for a child at all.

-- A consent is given by a guardian with custody, for one scope; dates are inclusive
-- (gælder til og med expires_on) and it no longer applies from revoked_on. recorded_by is who
-- entered it: the guardian's own account in the parent view, or the staff member.
CREATE TABLE consents (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    child_id INTEGER NOT NULL REFERENCES children (id),
    guardian_id INTEGER NOT NULL REFERENCES guardians (id),
    scope TEXT NOT NULL CHECK (scope IN ('trivselsforum', 'socialraadgiver', 'netvaerksmoede', 'ppv', 'overgangsskema')),
    given_on DATE NOT NULL,
    expires_on DATE,
    revoked_on DATE,
    method TEXT NOT NULL CHECK (method IN ('foraeldrevisning', 'personale_papir', 'personale_mundtligt')),
    recorded_by INTEGER NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL,
    revoked_by INTEGER REFERENCES users (id),
    revoked_at TIMESTAMP,
    CHECK (expires_on IS NULL OR expires_on >= given_on),
    CHECK (revoked_on IS NULL OR revoked_on >= given_on)
);
CREATE INDEX consents_child ON consents (child_id, scope);

CREATE TABLE trivselsforum_members (
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    role TEXT NOT NULL,
    PRIMARY KEY (institution_id, user_id)
);

-- starts_at and ends_at are local wall-clock times in Denmark (Europe/Copenhagen). A meeting
-- is about one child, one class or neither (Trivselsforum has its children on the agenda).
-- Anonymous consultations are kept in anonymous_consultations, never here.
CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    kind TEXT NOT NULL CHECK (kind IN ('trivselsforum', 'fravaerssamraad', 'netvaerksmoede', 'arbejdsmoede',
                                       'klassekonference')),
    child_id INTEGER REFERENCES children (id),
    class_id INTEGER REFERENCES classes (id),
    title TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    location TEXT,
    convened_on DATE NOT NULL,
    convened_by INTEGER NOT NULL REFERENCES users (id),
    alert_id INTEGER REFERENCES absence_alerts (id),
    parents_attend BOOLEAN NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('planned', 'held', 'closed')),
    held_on DATE,
    minutes_json TEXT,
    follow_up_on DATE,
    closed_by INTEGER REFERENCES users (id),
    closed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    CHECK (child_id IS NULL OR class_id IS NULL),
    CHECK (ends_at > starts_at),
    CHECK (follow_up_on IS NULL OR follow_up_on > held_on)
);
CREATE INDEX meetings_institution ON meetings (institution_id, kind, convened_on);
CREATE INDEX meetings_child ON meetings (child_id);

-- A participant is a user, or someone without an account named in external_name.
CREATE TABLE meeting_participants (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    meeting_id INTEGER NOT NULL REFERENCES meetings (id),
    user_id INTEGER REFERENCES users (id),
    role TEXT NOT NULL,
    external_name TEXT,
    CHECK ((user_id IS NULL) <> (external_name IS NULL)),
    UNIQUE (meeting_id, user_id)
);
CREATE INDEX meeting_participants_user ON meeting_participants (user_id);

-- Trivselsforum: one item per child or class, ending in a plan and how the parents are informed.
CREATE TABLE agenda_items (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    meeting_id INTEGER NOT NULL REFERENCES meetings (id),
    child_id INTEGER REFERENCES children (id),
    class_id INTEGER REFERENCES classes (id),
    topic TEXT NOT NULL,
    parents_attend BOOLEAN NOT NULL,
    plan TEXT NOT NULL,
    parents_informed TEXT NOT NULL,
    CHECK ((child_id IS NULL) <> (class_id IS NULL))
);
CREATE INDEX agenda_items_meeting ON agenda_items (meeting_id);
CREATE INDEX agenda_items_child ON agenda_items (child_id);

-- The action plan: each action is a task (opfoelgning) for its owner.
CREATE TABLE meeting_actions (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    meeting_id INTEGER NOT NULL REFERENCES meetings (id),
    action TEXT NOT NULL,
    owner_user_id INTEGER NOT NULL REFERENCES users (id),
    due_date DATE NOT NULL,
    task_id INTEGER NOT NULL REFERENCES tasks (id)
);
CREATE INDEX meeting_actions_meeting ON meeting_actions (meeting_id);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('handleplan')),
    meeting_id INTEGER REFERENCES meetings (id),
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP,
    UNIQUE (user_id, kind, meeting_id)
);
CREATE INDEX notifications_meeting ON notifications (meeting_id);

-- Anonym sparring: institution, time, participants' names (one per line) and notes. There is
-- deliberately no child or class column; warnings_confirmed records that the user confirmed
-- the text after the identity check warned.
CREATE TABLE anonymous_consultations (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    institution_id INTEGER NOT NULL REFERENCES institutions (id),
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    participants TEXT NOT NULL,
    notes TEXT NOT NULL,
    warnings_confirmed BOOLEAN NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX anonymous_consultations_institution ON anonymous_consultations (institution_id, starts_at);
