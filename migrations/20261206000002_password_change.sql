-- A password that must be changed before anything else opens: the first administrator's
-- generated password was shown on a terminal.

-- 1 while the user must choose a new password before any page opens; cleared when their
-- password is set.
ALTER TABLE app_user ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
