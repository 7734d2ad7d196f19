-- +goose Up
-- Search reads the most recent rows first (store/search.go): their
-- tsvectors must be stored, not computed per row, for subjects and contacts
-- as for messages.
ALTER TABLE conversations ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', subject)) STORED;
ALTER TABLE contacts ADD COLUMN search tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED;
DROP INDEX conversations_subject_search;
DROP INDEX contacts_search;
CREATE INDEX conversations_search ON conversations USING gin (search);
CREATE INDEX contacts_search ON contacts USING gin (search);

-- +goose Down
DROP INDEX contacts_search;
DROP INDEX conversations_search;
ALTER TABLE contacts DROP COLUMN search;
ALTER TABLE conversations DROP COLUMN search;
CREATE INDEX conversations_subject_search ON conversations USING gin (to_tsvector('simple', subject));
CREATE INDEX contacts_search ON contacts USING gin (to_tsvector('simple', search_text));
