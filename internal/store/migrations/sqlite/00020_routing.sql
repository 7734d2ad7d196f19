-- +goose Up
-- Routing (SPEC RTE-1..6): each channel's rule (JSON, '' for none: leave
-- unassigned), when routing last gave each user a conversation (the
-- round-robin order), the open conversations each person owns, and the
-- queue of those waiting.
ALTER TABLE channels ADD COLUMN routing TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN last_routed_at TIMESTAMP NULL;
-- Capacity reads each person's open count on every decision: kept apart
-- from their row, moved at commit with the view counts (only there, under
-- the event log's lock, so it never waits on a user's row).
CREATE TABLE user_open_counts (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    count   INTEGER NOT NULL
);
INSERT INTO user_open_counts (user_id, count)
    SELECT assignee_id, COUNT(*) FROM conversations
    WHERE assignee_id IS NOT NULL AND status = 'open' AND placement = 'inbox' GROUP BY assignee_id;

-- The conversations nobody could take when they came in (everyone away or
-- at capacity): assigned oldest first the moment someone can.
CREATE TABLE routing_queue (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
    queued_at       TIMESTAMP NOT NULL
);
CREATE INDEX routing_queue_order ON routing_queue (queued_at, conversation_id);

-- +goose Down
DROP TABLE routing_queue;
DROP TABLE user_open_counts;
ALTER TABLE users DROP COLUMN last_routed_at;
ALTER TABLE channels DROP COLUMN routing;
