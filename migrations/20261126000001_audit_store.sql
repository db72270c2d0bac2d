-- The audit store: accounts, their buckets, scans, and each bucket's encryption stored as changes.
--
-- History is kept as changes, not snapshots: a bucket gets a new encryption_state row only when what a
-- scan (or a re-read after a change) sees differs from its current state. A year of hourly scans of
-- 10,000 unchanged buckets therefore adds 8,760 scan rows, not 87 million state rows.
--
-- Readers see a consistent picture: bucket.state_id points at the state as of the last completed scan.
-- A running scan writes its state rows as it goes (tagged with its scan_id) and moves bucket.state_id
-- in the same transaction that marks it completed. Rows of a scan that never completed are removed when
-- it is marked interrupted.

CREATE TABLE account (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    -- The service endpoint the account is scanned through.
    endpoint    TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE scan (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES account(id),
    -- What started it: schedule, cli, api, dashboard, demo.
    trigger         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    -- Progress, updated once per written batch.
    buckets_total   INTEGER NOT NULL DEFAULT 0,
    buckets_done    INTEGER NOT NULL DEFAULT 0,
    buckets_failed  INTEGER NOT NULL DEFAULT 0,
    -- The process running it and its last sign of life: a scan whose process is gone, or that has not
    -- progressed for a long time, is marked interrupted at the next start.
    owner_pid       INTEGER,
    heartbeat_at    TEXT,
    -- Why a failed scan failed (e.g. ListBuckets refused), with the OSS code and request id.
    error           TEXT,
    -- The summary kept for trends, written when the scan completes.
    encrypted       INTEGER,
    unencrypted     INTEGER,
    unknown         INTEGER,
    compliant       INTEGER,
    noncompliant    INTEGER,
    changes         INTEGER
);

-- At most one running scan per account, enforced by the database itself, so that two processes
-- (say `serve` and a `scan` in a pipeline) can never both write a scan of the same account.
CREATE UNIQUE INDEX scan_one_running_per_account ON scan (account_id) WHERE status = 'running';
CREATE INDEX scan_by_account_and_start ON scan (account_id, started_at);

CREATE TABLE bucket (
    id                  INTEGER PRIMARY KEY,
    account_id          INTEGER NOT NULL REFERENCES account(id),
    name                TEXT NOT NULL,
    region              TEXT NOT NULL,
    extranet_endpoint   TEXT NOT NULL,
    intranet_endpoint   TEXT NOT NULL,
    -- CreationDate from ListBuckets.
    created_at          TEXT,
    first_seen_at       TEXT NOT NULL,
    -- When a completed scan no longer listed it; cleared when it reappears. Gone buckets are kept
    -- for their history.
    gone_at             TEXT,
    -- The current state (as of the last completed scan or the last re-read after a change);
    -- NULL until the first completed scan that read it.
    state_id            INTEGER REFERENCES encryption_state(id),
    -- The policy judgement of the current state: 1, 0, or NULL when the state is unknown.
    compliant           INTEGER,
    UNIQUE (account_id, name)
);

CREATE TABLE encryption_state (
    id                  INTEGER PRIMARY KEY,
    bucket_id           INTEGER NOT NULL REFERENCES bucket(id),
    -- The scan that saw it; NULL when it was seen by the re-read after a change.
    scan_id             INTEGER REFERENCES scan(id),
    observed_at         TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('encrypted', 'unencrypted', 'unknown')),
    sse_algorithm       TEXT CHECK (sse_algorithm IN ('AES256', 'KMS', 'SM4')),
    kms_master_key_id   TEXT,
    kms_data_encryption TEXT CHECK (kms_data_encryption IN ('SM4')),
    -- Why it is unknown: the OSS code (or failure kind) and message.
    error_code          TEXT,
    error_message       TEXT,
    -- The OSS request id of the read that saw this state.
    request_id          TEXT,
    CHECK ((status = 'encrypted') = (sse_algorithm IS NOT NULL)),
    CHECK ((status = 'unknown') = (error_code IS NOT NULL))
);

CREATE INDEX encryption_state_by_bucket ON encryption_state (bucket_id, id);
CREATE INDEX encryption_state_by_scan ON encryption_state (scan_id);

-- Current-state filters of the bucket list.
CREATE INDEX bucket_by_account_name ON bucket (account_id, name);
CREATE INDEX bucket_by_region ON bucket (account_id, region);
CREATE INDEX bucket_by_compliance ON bucket (account_id, compliant);

-- What "compliant" means for an account, and what one-click remediation sets.
CREATE TABLE policy (
    account_id  INTEGER PRIMARY KEY REFERENCES account(id),
    -- any | kms | kms-cmk | sm4
    requirement TEXT NOT NULL,
    -- For kms-cmk: the allowed CMK ids, as a JSON array (empty: any CMK).
    allowed_kms_keys TEXT NOT NULL DEFAULT '[]',
    -- The rule remediation applies.
    target_sse_algorithm       TEXT NOT NULL,
    target_kms_master_key_id   TEXT,
    target_kms_data_encryption TEXT,
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL
);
