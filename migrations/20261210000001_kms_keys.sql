-- The customer keys behind SSE-KMS. A bucket "encrypted with KMS" is only as good as its key: a
-- disabled key, one pending deletion or a missing one makes OSS refuse writes, and once deleted its
-- data can never be read again. Each scan part asks KMS DescribeKey once per distinct key its
-- buckets name (in the bucket's account and region) and keeps what it said, with history like
-- buckets: a new `kms_key_state` row only when something changed.

-- One key of one account in one region. `key_id` is the id KMS answered with; when KMS could not
-- say (not found, no permission, KMS not activated) it is the reference the buckets use.
CREATE TABLE kms_key (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES account(id),
    region          TEXT NOT NULL,
    key_id          TEXT NOT NULL,
    -- The alias a bucket names it by (`alias/…`), when one does.
    alias           TEXT,
    first_seen_at   TEXT NOT NULL,
    -- When a scan last asked KMS about it.
    checked_at      TEXT NOT NULL,
    -- The current state; NULL only while the first one is being written.
    state_id        INTEGER REFERENCES kms_key_state(id),
    UNIQUE (account_id, region, key_id)
);

CREATE TABLE kms_key_state (
    id                   INTEGER PRIMARY KEY,
    kms_key_id           INTEGER NOT NULL REFERENCES kms_key(id),
    -- The account's scan part that asked.
    account_scan_id      INTEGER REFERENCES account_scan(id),
    observed_at          TEXT NOT NULL,
    -- KMS's KeyState (Enabled, Disabled, PendingDeletion, PendingImport, or a newer one), or
    -- `NotFound` (KMS has no such key), or `unknown` (KMS could not be asked: see error_code).
    state                TEXT NOT NULL,
    arn                  TEXT,
    delete_date          TEXT,
    -- AutomaticRotation: Enabled, Disabled, Suspended.
    rotation             TEXT,
    rotation_interval    TEXT,
    origin               TEXT,
    material_expire_time TEXT,
    protection_level     TEXT,
    key_spec             TEXT,
    -- KMS's code and request id of the answer (the error's, when it refused).
    error_code           TEXT,
    error_message        TEXT,
    request_id           TEXT,
    CHECK (state <> 'unknown' OR error_code IS NOT NULL)
);

CREATE INDEX kms_key_state_by_key ON kms_key_state (kms_key_id, id);

-- The key a bucket's current rule depends on (NULL: none, or the OSS-managed default key), set by
-- the scan part that asked KMS about it.
ALTER TABLE bucket ADD COLUMN kms_key_id INTEGER REFERENCES kms_key(id);
CREATE INDEX bucket_by_kms_key ON bucket (kms_key_id) WHERE kms_key_id IS NOT NULL;
