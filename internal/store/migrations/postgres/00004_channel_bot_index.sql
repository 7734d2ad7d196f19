-- +goose Up
-- channel:chat and channel:bots differ by the bot flag: with it in the index
-- both are range scans, not a filter that looks up every open chat's row.
DROP INDEX conversations_channel;
CREATE INDEX conversations_channel ON conversations (inbox_id, placement, status, channel_kind, bot, last_activity_at, id);

-- +goose Down
DROP INDEX conversations_channel;
CREATE INDEX conversations_channel ON conversations (inbox_id, placement, status, channel_kind, last_activity_at, id);
