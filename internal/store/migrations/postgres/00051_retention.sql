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

-- What an erased contact leaves: hashes, never the values, of the dedupe
-- keys of every item of theirs (kind 'key': Message-IDs, mailbox UIDs…), so
-- a re-delivery or a mailbox re-sync of what was erased is recognised and
-- dropped on the way in. Their addresses are not kept, not even hashed.
CREATE TABLE erased_keys (
    hash      TEXT PRIMARY KEY,
    kind      TEXT NOT NULL,
    erased_at TIMESTAMPTZ NOT NULL
);

-- Blob files that erasure or retention left unnamed by any row: removed by
-- the retention run once no row names them and the file has not been
-- written or touched (a Put of the same content) for an hour.
CREATE TABLE blob_orphans (
    blob     TEXT PRIMARY KEY,
    noted_at TIMESTAMPTZ NOT NULL
);

-- Erasure and retention empty the events of what they delete and delete
-- the webhook deliveries made of them, by the events' seq; erasure finds
-- the events of a message by its id.
CREATE INDEX webhook_deliveries_seq ON webhook_deliveries (seq);
CREATE INDEX events_message ON events (message_id) WHERE message_id IS NOT NULL;
-- Finished jobs (their payloads may hold a customer's words) are deleted
-- 7 days after they end.
CREATE INDEX jobs_finished ON jobs (finished_at) WHERE state <> 'queued';

-- +goose Down
DROP INDEX jobs_finished;
DROP INDEX events_message;
DROP INDEX webhook_deliveries_seq;
DROP TABLE blob_orphans;
DROP TABLE erased_keys;
DROP INDEX conversations_closed;
DROP TABLE inbox_retention;
