-- A PKU referral is made «efter aftale med forældre og rådgivende psykolog»: the parents'
-- agreement is a consent (scope 'pku'), the psychologist's is recorded on the referral.
ALTER TABLE consents DROP CONSTRAINT consents_scope_check;
ALTER TABLE consents ADD CONSTRAINT consents_scope_check
    CHECK (scope IN ('trivselsforum', 'socialraadgiver', 'netvaerksmoede', 'ppv', 'overgangsskema', 'pku'));

ALTER TABLE pku_referrals ADD COLUMN psychologist_id BIGINT REFERENCES users (id);
ALTER TABLE pku_referrals ADD COLUMN psychologist_agreed_on DATE;
