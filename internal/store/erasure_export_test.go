package store

import "context"

// IndexedRows counts the entries of the full-text indexes that match word:
// on SQLite the FTS5 tables themselves (an external-content index keeps an
// entry its row lost unless its trigger removed it), on PostgreSQL the
// stored tsvectors of messages, subjects and contacts.
func (s *Store) IndexedRows(ctx context.Context, word string) (int, error) {
	queries := []string{
		`SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH $1`,
		`SELECT COUNT(*) FROM subjects_fts WHERE subjects_fts MATCH $1`,
		`SELECT COUNT(*) FROM contacts_fts WHERE contacts_fts MATCH $1`,
	}
	if s.d.name() == "postgres" {
		queries = []string{
			`SELECT COUNT(*) FROM messages WHERE search @@ to_tsquery('simple', $1)`,
			`SELECT COUNT(*) FROM conversations WHERE search @@ to_tsquery('simple', $1)`,
			`SELECT COUNT(*) FROM contacts WHERE search @@ to_tsquery('simple', $1)`,
		}
	}
	total := 0
	for _, q := range queries {
		var n int
		if err := s.w.QueryRowContext(ctx, q, word).Scan(&n); err != nil {
			return 0, err
		}
		total += n
	}
	return total, nil
}

// SetEraseChunk makes erasure name n ids per statement until the returned
// function puts it back.
func SetEraseChunk(n int) func() {
	was := eraseChunk
	eraseChunk = n
	return func() { eraseChunk = was }
}
