-- +goose Up
-- Exports (issue 18, SPEC PLT-3): an admin asks for everything, or one
-- inbox, as an archive of JSON lines and attachments; serve's export runner
-- claims a queued one, writes it to the data directory (exports/) and
-- keeps done of total conversations as it goes. heartbeat_at is moved with
-- the progress: a running export whose heartbeat stopped (its node died)
-- is queued again and written from the start, at most three times. Ready
-- exports are deleted seven days after they finished.
CREATE TABLE exports (
    id           INTEGER PRIMARY KEY,
    inbox_id     INTEGER NULL REFERENCES inboxes (id) ON DELETE SET NULL,
    inbox_name   TEXT NOT NULL DEFAULT '',
    everything   BOOLEAN NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('queued', 'running', 'ready', 'failed')),
    created_by   INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at   TIMESTAMP NOT NULL,
    started_at   TIMESTAMP NULL,
    heartbeat_at TIMESTAMP NULL,
    finished_at  TIMESTAMP NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    done         BIGINT NOT NULL DEFAULT 0,
    total        BIGINT NOT NULL DEFAULT 0,
    size         BIGINT NOT NULL DEFAULT 0,
    file         TEXT NOT NULL DEFAULT '',
    error        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX exports_state ON exports (state, id);

-- +goose Down
DROP TABLE exports;
