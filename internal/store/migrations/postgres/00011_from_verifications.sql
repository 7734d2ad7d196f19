-- +goose Up
-- A custom from-address is used only once someone at that address has
-- followed the confirmation link sent to it (SPEC CHN-3).
CREATE TABLE from_verifications (
    token_hash TEXT PRIMARY KEY,
    channel_id BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    email      TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ NULL
);

-- +goose Down
DROP TABLE from_verifications;
