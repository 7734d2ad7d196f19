-- +goose Up
-- Round-robin reads when routing last gave each person a conversation, for
-- every candidate of every decision: kept as microseconds since 1970 (0
-- for never), which every engine reads without parsing a time.
ALTER TABLE users ADD COLUMN routed_us BIGINT NOT NULL DEFAULT 0;
UPDATE users SET routed_us = COALESCE(CAST(ROUND((julianday(last_routed_at) - 2440587.5) * 86400000000) AS INTEGER), 0)
    WHERE last_routed_at IS NOT NULL;
ALTER TABLE users DROP COLUMN last_routed_at;

-- +goose Down
ALTER TABLE users ADD COLUMN last_routed_at TIMESTAMP NULL;
ALTER TABLE users DROP COLUMN routed_us;
