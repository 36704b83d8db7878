-- Attempts at the second factor (TOTP) are counted apart from password attempts, so that a
-- correct password does not reset the throttle on guessing codes.
ALTER TABLE login_attempts ADD COLUMN factor TEXT NOT NULL DEFAULT 'password';
