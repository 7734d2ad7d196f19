-- +goose Up
-- The job queue: outbound mail, webhooks and other work done after a
-- commit, enqueued in the same transaction as what asks for it.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '{}',
    state        TEXT NOT NULL CHECK (state IN ('queued', 'done', 'failed')),
    run_at       TIMESTAMP NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    locked_until TIMESTAMP NULL,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP NULL
);
CREATE INDEX jobs_due ON jobs (run_at, id) WHERE state = 'queued';

-- +goose Down
DROP TABLE jobs;
