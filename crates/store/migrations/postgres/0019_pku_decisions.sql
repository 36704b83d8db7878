-- PKU's decision on a referral (bevilget / afslået, with its reason), recorded by the school
-- leader; an approved placement has its start, its end one year later and a revisitation date,
-- which is a task for the leader (revisit_task_id).
ALTER TABLE pku_referrals ADD COLUMN decision TEXT CHECK (decision IN ('bevilget', 'afslaaet'));
ALTER TABLE pku_referrals ADD COLUMN decision_reason TEXT;
ALTER TABLE pku_referrals ADD COLUMN decided_on DATE;
ALTER TABLE pku_referrals ADD COLUMN placement_start DATE;
ALTER TABLE pku_referrals ADD COLUMN placement_end DATE;
ALTER TABLE pku_referrals ADD COLUMN revisit_on DATE;
ALTER TABLE pku_referrals ADD COLUMN revisit_task_id BIGINT REFERENCES tasks (id);
ALTER TABLE pku_referrals ADD COLUMN decided_by BIGINT REFERENCES users (id);
ALTER TABLE pku_referrals ADD COLUMN decided_at TIMESTAMPTZ;
