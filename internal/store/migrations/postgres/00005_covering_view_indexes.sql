-- +goose Up
-- Every branch of a view is a range scan on one of these indexes; the
-- filters no prefix covers (an assignee on the channel index, a channel on
-- the assignee index, a team, a creation date) are checked on trailing
-- columns of the same index, so no combination looks up a table row until
-- the page is chosen.
DROP INDEX conversations_view;
DROP INDEX conversations_assignee;
DROP INDEX conversations_channel;
DROP INDEX conversations_team;
DROP INDEX conversations_origin;
CREATE INDEX conversations_view ON conversations
    (inbox_id, placement, status, last_activity_at, id, assignee_id, channel_kind, bot, team_id, origin, created_at);
CREATE INDEX conversations_assignee ON conversations
    (inbox_id, placement, status, assignee_id, last_activity_at, id, channel_kind, bot, team_id, created_at);
CREATE INDEX conversations_channel ON conversations
    (inbox_id, placement, status, channel_kind, bot, last_activity_at, id, assignee_id, team_id, created_at);
CREATE INDEX conversations_team ON conversations
    (inbox_id, placement, status, team_id, last_activity_at, id, assignee_id, channel_kind, bot, created_at);
CREATE INDEX conversations_origin ON conversations
    (inbox_id, placement, origin, last_activity_at, id, status, assignee_id, channel_kind, bot, team_id, created_at);

-- +goose Down
DROP INDEX conversations_origin;
DROP INDEX conversations_team;
DROP INDEX conversations_channel;
DROP INDEX conversations_assignee;
DROP INDEX conversations_view;
CREATE INDEX conversations_view ON conversations (inbox_id, placement, status, last_activity_at, id);
CREATE INDEX conversations_assignee ON conversations (inbox_id, placement, status, assignee_id, last_activity_at, id);
CREATE INDEX conversations_channel ON conversations (inbox_id, placement, status, channel_kind, bot, last_activity_at, id);
CREATE INDEX conversations_team ON conversations (inbox_id, placement, status, team_id, last_activity_at, id);
CREATE INDEX conversations_origin ON conversations (inbox_id, placement, origin, last_activity_at, id);
