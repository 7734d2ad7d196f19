-- +goose Up
-- A deactivated user (a leaver) keeps their conversations and history but
-- cannot sign in, and their sessions and API tokens stop working.
ALTER TABLE users ADD COLUMN deactivated_at TIMESTAMPTZ NULL;

-- Password reset links (SPEC ORG-5): single use, expiring, stored hashed.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ NULL
);
CREATE INDEX password_resets_user ON password_resets (user_id);

-- +goose Down
DROP TABLE password_resets;
ALTER TABLE users DROP COLUMN deactivated_at;
