-- One fraværssamråd per absence alert: convening twice from the same alert is refused. A
-- database that already holds two keeps the link on the first only (the meetings stay).
UPDATE meetings SET alert_id = NULL
WHERE alert_id IS NOT NULL
  AND id NOT IN (SELECT MIN(id) FROM meetings WHERE alert_id IS NOT NULL GROUP BY alert_id);
CREATE UNIQUE INDEX meetings_one_per_alert ON meetings (alert_id) WHERE alert_id IS NOT NULL;
