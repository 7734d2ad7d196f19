-- +goose Up
-- The contacts list finds contacts by the start of a word as one types
-- (SPEC CRM-1): FTS5 keeps prefix indexes of 2 to 6 characters, so a
-- prefix is one doclist rather than every word it starts; the triggers
-- of 00002 keep it in step, by name. Addresses are found by their start
-- on contact_emails' primary key.
DROP TABLE contacts_fts;
CREATE VIRTUAL TABLE contacts_fts USING fts5(search_text, content='contacts', content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3 4 5 6');
INSERT INTO contacts_fts (contacts_fts) VALUES ('rebuild');

-- +goose Down
DROP TABLE contacts_fts;
CREATE VIRTUAL TABLE contacts_fts USING fts5(search_text, content='contacts', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
INSERT INTO contacts_fts (contacts_fts) VALUES ('rebuild');
