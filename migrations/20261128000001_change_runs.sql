-- Runs, and what a revert undoes.
--
-- A run is one request that changes many buckets in one go: a one-click remediation, or a revert
-- (of one change, or of a whole run). It records who ran it, when, what it set or undid, and how
-- many buckets it changed, so the run as a whole can be named, shown and reverted. Each of its
-- audit-log entries names it in `change_log.run_id`.

CREATE TABLE change_run (
    id                  INTEGER PRIMARY KEY,
    account_id          INTEGER NOT NULL REFERENCES account(id),
    kind                TEXT NOT NULL CHECK (kind IN ('remediate', 'revert')),
    -- `user:NAME`, `token:NAME`, `cli:USER`.
    actor               TEXT NOT NULL,
    started_at          TEXT NOT NULL,
    -- Null while it runs (or when the process died in it).
    finished_at         TEXT,
    -- A remediation: the rule it sets, in words (`AES256`, `KMS (key alias/prod)`).
    -- A revert: what it undoes, in words (`change 12`, `run 3`).
    target              TEXT NOT NULL,
    -- The change or the run a revert undoes (exactly one of them for a revert, none otherwise).
    reverts_change_id   INTEGER REFERENCES change_log(id),
    reverts_run_id      INTEGER REFERENCES change_run(id),
    -- Buckets changed, refused by OSS, and left alone; null until finished.
    changed             INTEGER,
    failed              INTEGER,
    left_alone          INTEGER
);

CREATE INDEX change_run_by_account ON change_run (account_id, id);

-- The run an entry belongs to (null for a change made on its own).
ALTER TABLE change_log ADD COLUMN run_id INTEGER REFERENCES change_run(id);
-- The entry a `revert` entry undoes: it restored that entry's `before`.
ALTER TABLE change_log ADD COLUMN reverts_change_id INTEGER REFERENCES change_log(id);

CREATE INDEX change_log_by_run ON change_log (run_id, id);
