-- +goose Up
-- Treat incoming conversations as tickets (SPEC CRM-3): a channel may open
-- a ticket in a chosen pipeline and stage for each new conversation, owned
-- by a chosen person or by whoever owns the conversation (follows_id: the
-- conversation whose owner a ticket follows, reassignments included).
CREATE TABLE channel_tickets (
    channel_id  INTEGER PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
    pipeline_id INTEGER NOT NULL REFERENCES pipelines (id),
    stage_id    INTEGER NOT NULL REFERENCES pipeline_stages (id),
    owner_id    INTEGER NULL REFERENCES users (id),
    updated_at  TIMESTAMP NOT NULL
);

ALTER TABLE tickets ADD COLUMN follows_id INTEGER NULL REFERENCES conversations (id) ON DELETE SET NULL;
CREATE INDEX tickets_follows ON tickets (follows_id) WHERE follows_id IS NOT NULL;

-- +goose Down
DROP INDEX tickets_follows;
ALTER TABLE tickets DROP COLUMN follows_id;
DROP TABLE channel_tickets;
