-- +goose Up
-- Routing (SPEC RTE-1..6): each channel's rule (JSON, '' for none: leave
-- unassigned), when routing last gave each user a conversation (the
-- round-robin order), the open conversations each person owns, and the
-- queue of those waiting.
ALTER TABLE channels ADD COLUMN routing TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN last_routed_at TIMESTAMPTZ NULL;
-- Capacity reads each person's open count on every decision: kept on the
-- user's row, moved at commit with the view counts.
ALTER TABLE users ADD COLUMN open_count INTEGER NOT NULL DEFAULT 0;
UPDATE users SET open_count = (SELECT COUNT(*) FROM conversations c
    WHERE c.assignee_id = users.id AND c.status = 'open' AND c.placement = 'inbox');

-- The conversations nobody could take when they came in (everyone away or
-- at capacity): assigned oldest first the moment someone can.
CREATE TABLE routing_queue (
    conversation_id BIGINT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    queued_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX routing_queue_order ON routing_queue (queued_at, conversation_id);

-- +goose Down
DROP TABLE routing_queue;
ALTER TABLE users DROP COLUMN open_count;
ALTER TABLE users DROP COLUMN last_routed_at;
ALTER TABLE channels DROP COLUMN routing;
