-- Fraværssamrådets funktioner: the school leader chairs (mødeleder), one PPR psychologist
-- leads the interview (samtaleleder), the other takes the minutes (referent).
ALTER TABLE meeting_participants ADD COLUMN duty TEXT CHECK (duty IN ('moedeleder', 'samtaleleder', 'referent'));
