-- +goose Up
-- Routing (SPEC RTE-1..6): each channel's rule (JSON, '' for none: leave
-- unassigned), when routing last gave each user a conversation (the
-- round-robin order), and the open conversations each person owns, which
-- capacity counts on every decision.
ALTER TABLE channels ADD COLUMN routing TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN last_routed_at TIMESTAMPTZ NULL;
CREATE INDEX conversations_owner_open ON conversations (assignee_id) WHERE status = 'open' AND placement = 'inbox';

-- +goose Down
DROP INDEX conversations_owner_open;
ALTER TABLE users DROP COLUMN last_routed_at;
ALTER TABLE channels DROP COLUMN routing;
