-- Requirements scoped to buckets: the policy becomes an ordered list of rules. The first rule whose
-- scope matches a bucket decides; the last rule, without scope, is the default.
--
-- The existing `policy` row IS that default rule and stays where it is: every reader of the policy
-- (its `updated_at` in reports and on the overview, `GET /api/v1/policy`, `policy set`) keeps
-- working unchanged, and an installation upgraded without scoped rules judges exactly as before.
-- The rules before it live in `policy_rule`, numbered from 1 by `position`.

CREATE TABLE policy_rule (
    position            INTEGER PRIMARY KEY CHECK (position >= 1),
    -- The scope: every column given must hold (at least one is given; only the default has none).
    account_name        TEXT,
    region              TEXT,
    -- Bucket-name pattern with `*`.
    bucket_pattern      TEXT,
    resource_group_id   TEXT,
    tag_key             TEXT,
    tag_value           TEXT,
    -- The requirement and remediation target, as in `policy`.
    requirement         TEXT NOT NULL,
    allowed_kms_keys    TEXT NOT NULL DEFAULT '[]',
    target_sse_algorithm       TEXT NOT NULL,
    target_kms_master_key_id   TEXT,
    target_kms_data_encryption TEXT,
    CHECK ((tag_key IS NULL) = (tag_value IS NULL)),
    CHECK (coalesce(account_name, region, bucket_pattern, resource_group_id, tag_key) IS NOT NULL)
);

-- The resource group ListBuckets names per bucket (NULL when it names none).
ALTER TABLE bucket ADD COLUMN resource_group_id TEXT;

-- Tags are read only for the `key=value` pairs some rule uses, one tag-filtered ListBuckets per
-- pair and account; `account_tag_read` records which pairs were read for an account (a pair not
-- read is neither present nor absent: buckets it could decide stay unknown until the next scan),
-- `bucket_tag` which buckets carry them.
CREATE TABLE account_tag_read (
    account_id  INTEGER NOT NULL REFERENCES account(id),
    tag_key     TEXT NOT NULL,
    tag_value   TEXT NOT NULL,
    read_at     TEXT NOT NULL,
    PRIMARY KEY (account_id, tag_key, tag_value)
);

CREATE TABLE bucket_tag (
    bucket_id   INTEGER NOT NULL REFERENCES bucket(id),
    tag_key     TEXT NOT NULL,
    tag_value   TEXT NOT NULL,
    PRIMARY KEY (bucket_id, tag_key, tag_value)
);
