-- A meeting's iCalendar SEQUENCE: raised each time it is moved, so calendars replace the earlier
-- invitation (RFC 5545).
ALTER TABLE meetings ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;
