-- +goose Up
-- The language of what an endpoint receives in words: a chat-tool post
-- (SPEC CHN-10) is written for people, in English or French.
ALTER TABLE webhook_endpoints ADD COLUMN locale TEXT NOT NULL DEFAULT 'en';

-- +goose Down
ALTER TABLE webhook_endpoints DROP COLUMN locale;
