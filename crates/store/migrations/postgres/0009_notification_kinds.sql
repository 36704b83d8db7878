-- Notifications also tell a participant of an invitation (indkaldelse) and of a meeting being
-- moved (flyttet).
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('handleplan', 'indkaldelse', 'flyttet'));
