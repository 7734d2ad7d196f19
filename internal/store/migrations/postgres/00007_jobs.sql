-- +goose Up
-- The job queue: outbound mail, webhooks and other work done after a
-- commit, enqueued in the same transaction as what asks for it.
CREATE TABLE jobs (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '{}',
    state        TEXT NOT NULL CHECK (state IN ('queued', 'done', 'failed')),
    run_at       TIMESTAMPTZ NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    locked_until TIMESTAMPTZ NULL,
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ NULL
);
CREATE INDEX jobs_due ON jobs (run_at, id) WHERE state = 'queued';

-- +goose Down
DROP TABLE jobs;
