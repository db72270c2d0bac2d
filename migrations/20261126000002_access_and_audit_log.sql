-- Access control (users, sessions, API tokens, login attempts) and the audit log of changes.
--
-- Secrets are never stored: passwords as argon2 hashes, session ids and API tokens as SHA-256
-- hashes of the random values handed to the browser or the caller.

CREATE TABLE app_user (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role                TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    -- argon2 PHC string.
    password_hash       TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    password_changed_at TEXT NOT NULL,
    -- A disabled user cannot log in; their sessions are deleted when disabled.
    disabled_at         TEXT
);

CREATE TABLE session (
    -- SHA-256 (hex) of the cookie value.
    id_hash         TEXT PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
    -- The synchronizer token every state-changing form of this session must carry.
    csrf_token      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    -- Idle expiry is measured from here; absolute expiry is fixed at creation.
    last_seen_at    TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    address         TEXT
);

CREATE INDEX session_by_user ON session (user_id);

CREATE TABLE api_token (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    -- SHA-256 (hex) of the token.
    token_hash      TEXT NOT NULL UNIQUE,
    -- The first characters of the token, so a person can tell tokens apart in a list.
    prefix          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    last_used_at    TEXT,
    revoked_at      TEXT
);

-- Failed and successful logins, for throttling per account and per address.
CREATE TABLE login_attempt (
    id          INTEGER PRIMARY KEY,
    username    TEXT NOT NULL COLLATE NOCASE,
    address     TEXT NOT NULL,
    at          TEXT NOT NULL,
    succeeded   INTEGER NOT NULL
);

CREATE INDEX login_attempt_by_user ON login_attempt (username, at);
CREATE INDEX login_attempt_by_address ON login_attempt (address, at);

-- Every change made through the API, the pages or the CLI, with who made it and what OSS said.
CREATE TABLE change_log (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES account(id),
    at          TEXT NOT NULL,
    -- `user:NAME`, `token:NAME`, `cli:USER`.
    actor       TEXT NOT NULL,
    -- put-encryption | delete-encryption | set-policy
    action      TEXT NOT NULL,
    bucket      TEXT,
    -- JSON of the state before and after (as re-read from OSS).
    before      TEXT,
    after       TEXT,
    request_id  TEXT,
    -- `ok`, or the OSS error code / failure kind.
    outcome     TEXT NOT NULL,
    detail      TEXT
);

CREATE INDEX change_log_by_bucket ON change_log (account_id, bucket, id);
CREATE INDEX change_log_by_time ON change_log (account_id, at);
