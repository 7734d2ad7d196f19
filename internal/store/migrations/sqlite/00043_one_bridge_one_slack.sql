-- +goose Up
-- One bridge per API channel and one chat-tool endpoint per inbox: two
-- admins saving at once (or a double click) cannot make a second, hidden one.
CREATE UNIQUE INDEX webhook_endpoints_one_bridge ON webhook_endpoints (channel_id) WHERE kind = 'bridge';
CREATE UNIQUE INDEX webhook_endpoints_one_slack ON webhook_endpoints (inbox_id) WHERE kind = 'slack';

-- +goose Down
DROP INDEX webhook_endpoints_one_slack;
DROP INDEX webhook_endpoints_one_bridge;
