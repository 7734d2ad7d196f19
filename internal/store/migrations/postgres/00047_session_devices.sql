-- +goose Up
-- Each person sees their sessions — the browser, the address, when last
-- seen — and signs any of them out; an API token may expire and may be
-- read-only.
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN last_seen_at TIMESTAMPTZ NULL;
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMPTZ NULL;
ALTER TABLE api_tokens ADD COLUMN read_only BOOLEAN NOT NULL DEFAULT FALSE;

-- +goose Down
ALTER TABLE api_tokens DROP COLUMN read_only;
ALTER TABLE api_tokens DROP COLUMN expires_at;
ALTER TABLE sessions DROP COLUMN last_seen_at;
ALTER TABLE sessions DROP COLUMN address;
ALTER TABLE sessions DROP COLUMN user_agent;
