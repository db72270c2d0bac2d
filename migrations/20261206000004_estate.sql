-- The estate: every account of a Resource Directory, each reached by assuming a RAM role from the
-- hub identity (the long-lived keys in the environment), all covered by one scan made of one part
-- per account.
--
-- Accounts. The hub is the one row without a role ARN: the account the keys belong to, named
-- `default` unless OSS_AUDIT_ACCOUNT_NAME says otherwise. Member accounts are reached with
-- AssumeRole on `role_arn` (with `external_id` when the role's trust policy asks for one). Only the
-- ARN and the ExternalId are stored: the temporary keys STS answers with live in memory only.
--
-- Estate-wide records (the policy, the reports and their one chain, the report schedule, the
-- notification targets) keep their `account_id`, pinned to the hub row, rather than having the
-- column dropped by rebuilding their tables: rebuilding `report` would mean dropping the triggers
-- that make evidence immutable and copying every report, which is exactly what they exist to
-- forbid; and a pinned column costs nothing. `change_log.account_id` is the account of the bucket
-- changed or of the account added or removed, and the hub for estate-wide changes (a policy, a
-- user, a token, a notification target).

ALTER TABLE account ADD COLUMN uid TEXT;
ALTER TABLE account ADD COLUMN role_arn TEXT;
ALTER TABLE account ADD COLUMN external_id TEXT;
-- The OSS endpoint given with `account add --endpoint`; NULL: the hub's (OSS_ENDPOINT). The
-- `endpoint` column keeps recording the endpoint in use.
ALTER TABLE account ADD COLUMN oss_endpoint TEXT;
-- When `account remove` took it out of the estate: it is no longer scanned, its history stays,
-- and `account add` of the same name brings it back.
ALTER TABLE account ADD COLUMN removed_at TEXT;
-- `cli:USER`, `user:NAME`, `token:NAME`, `discover:…`; NULL for the hub.
ALTER TABLE account ADD COLUMN created_by TEXT;

-- One hub, enforced by the database.
CREATE UNIQUE INDEX account_one_hub ON account ((role_arn IS NULL)) WHERE role_arn IS NULL;
-- An account is audited once: two names for the same uid would scan it twice.
CREATE UNIQUE INDEX account_active_uid ON account (uid) WHERE uid IS NOT NULL AND removed_at IS NULL;

-- Scans. What was one scan of the one account becomes one account's part of a scan: the table is
-- renamed (SQLite rewrites the references of `encryption_state` and `report` to it), and a new
-- `scan` table holds the scan as a whole. Each old scan becomes a scan of the same id with one
-- part, so ids shown before (in reports, notifications, links) still name the same scan.
ALTER TABLE scan RENAME TO account_scan;
ALTER TABLE encryption_state RENAME COLUMN scan_id TO account_scan_id;
DROP INDEX scan_one_running_per_account;
DROP INDEX scan_by_account_and_start;
-- Still at most one running part per account, across processes.
CREATE UNIQUE INDEX account_scan_one_running ON account_scan (account_id) WHERE status = 'running';
CREATE INDEX account_scan_by_account ON account_scan (account_id, id);

CREATE TABLE scan (
    id              INTEGER PRIMARY KEY,
    -- What started it: schedule, cli, api, dashboard, demo.
    trigger         TEXT NOT NULL,
    -- `partial`: some accounts' parts failed, the others completed.
    status          TEXT NOT NULL CHECK (status IN ('running', 'completed', 'partial', 'failed', 'interrupted')),
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    -- Its parts: how many, how many ended, how many of those failed.
    accounts_total  INTEGER NOT NULL DEFAULT 0,
    accounts_done   INTEGER NOT NULL DEFAULT 0,
    accounts_failed INTEGER NOT NULL DEFAULT 0,
    -- Progress over every part, updated with theirs.
    buckets_total   INTEGER NOT NULL DEFAULT 0,
    buckets_done    INTEGER NOT NULL DEFAULT 0,
    buckets_failed  INTEGER NOT NULL DEFAULT 0,
    owner_pid       INTEGER,
    heartbeat_at    TEXT,
    -- Why it failed or was interrupted as a whole; each part says why it failed.
    error           TEXT,
    -- The totals over its completed parts, written when it ends.
    encrypted       INTEGER,
    unencrypted     INTEGER,
    unknown         INTEGER,
    compliant       INTEGER,
    noncompliant    INTEGER,
    changes         INTEGER
);

-- One running scan at a time: a scan covers every account, so a second one could only repeat it.
CREATE UNIQUE INDEX scan_one_running ON scan ((status = 'running')) WHERE status = 'running';

INSERT INTO scan (id, trigger, status, started_at, finished_at, accounts_total, accounts_done,
                  accounts_failed, buckets_total, buckets_done, buckets_failed, owner_pid,
                  heartbeat_at, error, encrypted, unencrypted, unknown, compliant, noncompliant,
                  changes)
SELECT id, trigger, status, started_at, finished_at, 1, status <> 'running', status = 'failed',
       buckets_total, buckets_done, buckets_failed, owner_pid, heartbeat_at, error, encrypted,
       unencrypted, unknown, compliant, noncompliant, changes
FROM account_scan;

-- The scan a part belongs to, and what refused it: the service's code and request id (the
-- message stays in `error`).
ALTER TABLE account_scan ADD COLUMN scan_id INTEGER REFERENCES scan(id);
ALTER TABLE account_scan ADD COLUMN error_code TEXT;
ALTER TABLE account_scan ADD COLUMN request_id TEXT;
UPDATE account_scan SET scan_id = id;
CREATE INDEX account_scan_by_scan ON account_scan (scan_id);

-- Buckets stay keyed by (account_id, name): a name can move between accounts (deleted, then
-- created elsewhere). `/buckets/{name}` finds the present one by name.
CREATE INDEX bucket_by_name ON bucket (name, gone_at);

-- The status of the current state, repeated on the bucket (moved with `state_id`), so the
-- per-account overview and the metrics count from one covering index instead of joining 100,000
-- state rows.
ALTER TABLE bucket ADD COLUMN status TEXT CHECK (status IN ('encrypted', 'unencrypted', 'unknown'));
UPDATE bucket SET status = (SELECT s.status FROM encryption_state s WHERE s.id = bucket.state_id)
WHERE state_id IS NOT NULL;
CREATE INDEX bucket_current_by_account ON bucket (account_id, gone_at, state_id, compliant, status);

-- The audit log across accounts: by bucket name, and by time.
CREATE INDEX change_log_by_bucket_name ON change_log (bucket, id);
CREATE INDEX change_log_by_at ON change_log (at);
