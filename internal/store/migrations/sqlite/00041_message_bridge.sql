-- +goose Up
-- Where a reply on an API channel stands with the channel's messaging
-- bridge (SPEC CHN-9): JSON {state, reason, at}, '' for every other message.
ALTER TABLE messages ADD COLUMN bridge TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE messages DROP COLUMN bridge;
