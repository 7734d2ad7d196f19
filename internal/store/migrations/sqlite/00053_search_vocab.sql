-- +goose Up
-- The words of each FTS5 index, in order (store/search_sqlite.go): a
-- prefix* is searched as the words it begins, OR'ed, which FTS5 reads
-- lazily newest first; as a prefix, FTS5 merges every such word's
-- matches in full before the first is returned (70–230 ms at 10M
-- messages). Virtual: they read the FTS5 indexes and store nothing.
CREATE VIRTUAL TABLE messages_vocab USING fts5vocab(messages_fts, instance);
CREATE VIRTUAL TABLE subjects_vocab USING fts5vocab(subjects_fts, instance);
CREATE VIRTUAL TABLE contacts_vocab USING fts5vocab(contacts_fts, instance);

-- +goose Down
DROP TABLE contacts_vocab;
DROP TABLE subjects_vocab;
DROP TABLE messages_vocab;
