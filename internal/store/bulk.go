package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/parleyhq/parley/internal/parley"
)

// CopyMessages inserts many messages of existing conversations at once,
// appending no events: for bulk loads such as the bench's datasets. On
// PostgreSQL it is one COPY; on SQLite, multi-row INSERTs in one
// transaction. (Measured on the bench's seed, 2026-12-02: 10% faster than
// INSERTs of 100 rows on PostgreSQL — the indexes, not the statements, are
// most of a load's time; BENCHMARKS.md.)
func (s *Store) CopyMessages(ctx context.Context, ms []*parley.Message) error {
	if _, ok := s.d.(postgresDialect); !ok {
		return s.InTx(ctx, func(tx *Tx) error { return tx.InsertMessages(ctx, ms) })
	}
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: copy messages: %w", err)
	}
	defer conn.Close()
	rows := make([][]any, len(ms))
	for i, m := range ms {
		rows[i] = []any{int64(m.ConversationID), string(m.Kind), string(m.Direction), idOrNil(m.AuthorID), idOrNil(m.ContactID), m.Text, m.HTML, m.CreatedAt}
	}
	err = conn.Raw(func(dc any) error {
		_, err := dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{"messages"},
			[]string{"conversation_id", "kind", "direction", "author_id", "contact_id", "text", "html", "created_at"}, pgx.CopyFromRows(rows))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: copy messages: %w", err)
	}
	return nil
}

func idOrNil(id *parley.ID) any {
	if id == nil {
		return nil
	}
	return int64(*id)
}
