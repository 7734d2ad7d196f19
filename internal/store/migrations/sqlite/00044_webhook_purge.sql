-- +goose Up
-- Deliveries done with are purged after a while (webhook.Options.Keep):
-- found by when they were done.
CREATE INDEX webhook_deliveries_done ON webhook_deliveries (done_at) WHERE state <> 'pending';

-- +goose Down
DROP INDEX webhook_deliveries_done;
