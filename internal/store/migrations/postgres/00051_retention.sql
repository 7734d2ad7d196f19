-- +goose Up
-- Retention and erasure (issue 18, GDPR).
--
-- An inbox's retention: its closed conversations are deleted for good once
-- they have been closed for longer than days (1 to 3650). No row: kept.
CREATE TABLE inbox_retention (
    inbox_id   BIGINT PRIMARY KEY REFERENCES inboxes (id) ON DELETE CASCADE,
    days       INTEGER NOT NULL CHECK (days BETWEEN 1 AND 3650),
    updated_at TIMESTAMPTZ NOT NULL
);
-- The retention task finds an inbox's closed conversations by when they
-- were closed.
CREATE INDEX conversations_closed ON conversations (inbox_id, closed_at) WHERE status = 'closed';

-- What an erased contact leaves: hashes, never the values — of their
-- addresses (kind 'email') and of the dedupe keys of every item of theirs
-- (kind 'key': Message-IDs, mailbox UIDs…), so a re-delivery or a mailbox
-- re-sync of what was erased is recognised and dropped on the way in.
CREATE TABLE erased_keys (
    hash      TEXT PRIMARY KEY,
    kind      TEXT NOT NULL,
    erased_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE erased_keys;
DROP INDEX conversations_closed;
DROP TABLE inbox_retention;
