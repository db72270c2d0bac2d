-- Exemptions: buckets that may stay as they are, for a reason, until a date, with four eyes.
--
-- An exemption names buckets by a pattern (a bucket name, or a name with `*` wildcards such as
-- `cdn-*`, matched with GLOB), optionally limited to one account and one region. It is requested
-- (by an operator or an admin), approved by a different admin, and ends by revocation (an admin,
-- at any time) or at its expiry (the server's timer). Only an approved exemption changes anything.
-- Rows are never deleted: they are the evidence of who let which bucket be non-compliant and why.
CREATE TABLE exemption (
    id              INTEGER PRIMARY KEY,
    pattern         TEXT NOT NULL,
    -- NULL: buckets of every account.
    account_id      INTEGER REFERENCES account(id),
    -- NULL: buckets of every region.
    region          TEXT,
    reason          TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    expires_at      TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'revoked', 'expired')),
    requested_by    TEXT NOT NULL,
    requested_at    TEXT NOT NULL,
    approved_by     TEXT,
    approved_at     TEXT,
    revoked_by      TEXT,
    revoked_at      TEXT,
    -- When the timer ended it (its expiry passed while approved).
    expired_at      TEXT,
    -- When the `exemption_expiring` notification was queued (seven days ahead), so it goes once.
    warned_at       TEXT,
    -- Four eyes, kept by the database too: nobody approves their own request.
    CHECK (approved_by IS NULL OR approved_by <> requested_by),
    CHECK ((status = 'approved') <= (approved_by IS NOT NULL))
);

-- What the timer looks for: approved exemptions by expiry.
CREATE INDEX exemption_by_status_expiry ON exemption (status, expires_at);

-- The approved exemption that covers a bucket now; NULL when none does. The policy's judgement
-- stays in `compliant` (what OSS holds against the policy); an exempt bucket is counted apart
-- from it, so ending an exemption brings that judgement back at once.
ALTER TABLE bucket ADD COLUMN exemption_id INTEGER REFERENCES exemption(id);
CREATE INDEX bucket_by_exemption ON bucket (exemption_id) WHERE exemption_id IS NOT NULL;

-- The overview and the metrics count from this covering index; exempt buckets are counted apart,
-- so it carries the exemption too.
DROP INDEX bucket_current_by_account;
CREATE INDEX bucket_current_by_account ON bucket (account_id, gone_at, state_id, compliant, status, exemption_id);
