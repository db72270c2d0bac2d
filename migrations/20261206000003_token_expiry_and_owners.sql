-- API tokens that expire and belong to the user who made them.

-- When a token stops working. Every new token has one; tokens made before this migration get 90
-- days from now, the default lifetime, rather than stopping at once. NULL (never written by
-- oss-audit) would mean no expiry.
ALTER TABLE api_token ADD COLUMN expires_at TEXT;
UPDATE api_token SET expires_at = strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now', '+90 days');

-- The user who answers for a token: disabling them revokes it. Tokens made on the dashboard before
-- name their maker in created_by (`user:NAME`); those made with the CLI had no user and keep none.
ALTER TABLE api_token ADD COLUMN owner_id INTEGER REFERENCES app_user(id);
UPDATE api_token
SET owner_id = (SELECT u.id FROM app_user u WHERE 'user:' || u.name = api_token.created_by);

CREATE INDEX api_token_by_owner ON api_token (owner_id);
