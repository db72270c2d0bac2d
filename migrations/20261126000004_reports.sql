-- Audit reports: frozen snapshots of the compliance state, kept as evidence.
--
-- `content` is the canonical JSON document (UTF-8), exactly the bytes a JSON download returns;
-- `digest` is the hex SHA-256 of those bytes, and the document names the digest of the account's
-- previous report (`previous_digest`), so the reports form a hash chain an auditor can check with
-- `sha256sum` alone. CSV and HTML are rendered from `content` on request and never stored.
--
-- The other columns repeat what the list pages need, so listing never parses documents; `report
-- verify` checks them against the content too. The `last_*` columns mark where this report's
-- window of changes ends (the next report's begins after them); they are not evidence.

CREATE TABLE report (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES account(id),
    created_at      TEXT NOT NULL,
    -- What made it: schedule, dashboard, api, cli, demo.
    trigger         TEXT NOT NULL CHECK (trigger IN ('schedule', 'dashboard', 'api', 'cli', 'demo')),
    -- `schedule`, `user:NAME`, `token:NAME` or `cli:USER`.
    created_by      TEXT NOT NULL,
    schema_version  INTEGER NOT NULL,
    buckets         INTEGER NOT NULL,
    compliant       INTEGER NOT NULL,
    noncompliant    INTEGER NOT NULL,
    unknown         INTEGER NOT NULL,
    -- The last completed scan, state row and audit-log entry the report covers.
    last_scan_id    INTEGER NOT NULL REFERENCES scan(id),
    last_state_id   INTEGER NOT NULL,
    last_change_id  INTEGER NOT NULL,
    previous_digest TEXT,
    digest          TEXT NOT NULL UNIQUE,
    content         BLOB NOT NULL
);

CREATE INDEX report_by_account ON report (account_id, id);

-- Evidence is never edited or removed through the application: the database refuses it. (Someone
-- with the file can drop these triggers; `report verify` then finds the edit by the digests.)
CREATE TRIGGER report_is_immutable BEFORE UPDATE ON report
BEGIN
    SELECT RAISE(ABORT, 'reports are immutable');
END;

CREATE TRIGGER report_is_never_deleted BEFORE DELETE ON report
BEGIN
    SELECT RAISE(ABORT, 'reports are immutable');
END;

-- The report schedule's cursor: up to when occurrences have been handled. A schedule occurrence
-- in (checked_at, now] makes one report; on the first ever start it is set to the start time, so
-- no report is made for occurrences before oss-audit ran.
CREATE TABLE report_schedule (
    account_id  INTEGER PRIMARY KEY REFERENCES account(id),
    checked_at  TEXT NOT NULL,
    -- The schedule in force when last checked (as configured, e.g. `TZ=Asia/Shanghai 0 8 * * MON`,
    -- or `off`), for the reports page.
    schedule    TEXT NOT NULL
);
