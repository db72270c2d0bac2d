-- Notifications: where to send them (targets) and the outbox of deliveries.
--
-- An event is queued as one delivery row per enabled target, inside the transaction that records
-- what the event describes (a plain INSERT: queuing never waits on the network, so it can never
-- slow down or fail a scan). A worker sends due rows, and records the outcome or the next attempt.

CREATE TABLE notification_target (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES account(id),
    kind        TEXT NOT NULL CHECK (kind IN ('webhook', 'dingtalk', 'slack')),
    name        TEXT NOT NULL COLLATE NOCASE,
    -- Secret-bearing: a Slack webhook URL and a DingTalk access_token are credentials. Shown again
    -- only as scheme, host and a masked path.
    url         TEXT NOT NULL,
    -- The HMAC key of a webhook or a DingTalk robot; NULL for Slack. Kept in clear (unlike API
    -- tokens) because every delivery must sign with it.
    secret      TEXT,
    enabled     INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    -- `user:NAME`, `cli:USER`, or `env` for targets configured by environment variables.
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (account_id, name)
);

CREATE TABLE notification_delivery (
    id              INTEGER PRIMARY KEY,
    -- Deleting a target drops its queue and history with it.
    target_id       INTEGER NOT NULL REFERENCES notification_target(id) ON DELETE CASCADE,
    -- The event's type tag (buckets_noncompliant, remediation_finished, scan_failed, report_ready,
    -- test) and the event itself as JSON.
    event_type      TEXT NOT NULL,
    event           TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    -- Attempts started so far. A pending row being sent has next_attempt_at moved past the send's
    -- timeout (a lease): if the sender dies, the row becomes due again and is retried.
    attempts        INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    last_attempt_at TEXT,
    delivered_at    TEXT,
    -- Why the last attempt failed: HTTP status and a short excerpt of the answer, never the URL.
    -- Kept after a later success, so the settings page can show what went wrong before.
    last_error      TEXT,
    last_error_at   TEXT
);

-- The worker's question: which pending rows are due?
CREATE INDEX notification_delivery_due ON notification_delivery (status, next_attempt_at);
-- The settings page's question: how is each target doing?
CREATE INDEX notification_delivery_by_target ON notification_delivery (target_id, status, id);
