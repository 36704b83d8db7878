-- Notifications also tell a participant of an invitation (indkaldelse) and of a meeting being
-- moved (flyttet). SQLite cannot change a CHECK constraint, so the table is rebuilt with its
-- rows.
CREATE TABLE notifications_new (
    id INTEGER PRIMARY KEY,
    municipality_id INTEGER NOT NULL REFERENCES municipalities (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('handleplan', 'indkaldelse', 'flyttet')),
    meeting_id INTEGER REFERENCES meetings (id),
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP,
    UNIQUE (user_id, kind, meeting_id)
);
INSERT INTO notifications_new (id, municipality_id, user_id, kind, meeting_id, created_at, read_at)
    SELECT id, municipality_id, user_id, kind, meeting_id, created_at, read_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_meeting ON notifications (meeting_id);
