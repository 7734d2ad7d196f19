package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/parleyhq/parley/internal/parley"
)

// The Copy functions insert many rows at once for bulk loads such as the
// bench's datasets, appending no events, each call in one transaction. On
// PostgreSQL each is a COPY per table, the ids taken from the table's
// sequence first; on SQLite they are INSERTs.

// CopyContacts inserts new contacts with their emails and phones, and sets
// each one's ID.
func (s *Store) CopyContacts(ctx context.Context, cs []*parley.Contact) error {
	if _, ok := s.d.(postgresDialect); !ok {
		return s.InTx(ctx, func(tx *Tx) error {
			for _, c := range cs {
				if err := tx.CreateContact(ctx, c); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return s.pgCopy(ctx, "contacts", func(conn pgx.Tx) error {
		ids, err := reserveIDs(ctx, conn, "contacts", len(cs))
		if err != nil {
			return err
		}
		var rows, emails, phones [][]any
		for i, c := range cs {
			normalizeContact(c)
			c.ID = ids[i]
			rows = append(rows, []any{int64(c.ID), c.Name, idOrNil(c.NameInbox), idOrNil(c.OwnerID), idOrNil(c.CompanyID),
				contactSearchText(c), detailsText(c.Details), c.CreatedAt})
			for k, e := range c.Emails {
				emails = append(emails, []any{e, int64(c.ID), k, e[strings.LastIndex(e, "@")+1:]})
			}
			for k, p := range c.Phones {
				phones = append(phones, []any{int64(c.ID), p, k})
			}
		}
		if err := copyRows(ctx, conn, "contacts", rows, "id", "name", "name_inbox_id", "owner_id", "company_id", "search_text", "details", "created_at"); err != nil {
			return err
		}
		if err := copyRows(ctx, conn, "contact_emails", emails, "email", "contact_id", "position", "domain"); err != nil {
			return err
		}
		return copyRows(ctx, conn, "contact_phones", phones, "contact_id", "phone", "position")
	})
}

// CopyConversations inserts new conversations, sets each one's ID and
// moves the views' counts.
func (s *Store) CopyConversations(ctx context.Context, cs []*parley.Conversation) error {
	if _, ok := s.d.(postgresDialect); !ok {
		return s.InTx(ctx, func(tx *Tx) error {
			for _, c := range cs {
				if err := tx.CreateConversation(ctx, c); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return s.pgCopy(ctx, "conversations", func(conn pgx.Tx) error {
		ids, err := reserveIDs(ctx, conn, "conversations", len(cs))
		if err != nil {
			return err
		}
		rows := make([][]any, len(cs))
		for i, c := range cs {
			if c.Origin == "" {
				c.Origin = parley.OriginCustomer
			}
			c.ID = ids[i]
			rows[i] = []any{int64(c.ID), int64(c.InboxID), int64(c.ChannelID), string(c.ChannelKind), c.Bot, string(c.Origin),
				idOrNil(c.ContactID), c.Subject, c.Preview, string(c.Status), string(c.Placement), idOrNil(c.AssigneeID),
				idOrNil(c.TeamID), c.CreatedAt, c.LastActivityAt, timeOrNil(c.LastCustomerAt), timeOrNil(c.LastAgentAt),
				timeOrNil(c.ClosedAt), timeOrNil(c.TrashedAt), timeOrNil(c.LastSentAt)}
		}
		err = copyRows(ctx, conn, "conversations", rows, "id", "inbox_id", "channel_id", "channel_kind", "bot", "origin",
			"contact_id", "subject", "preview", "status", "placement", "assignee_id", "team_id", "created_at",
			"last_activity_at", "last_customer_at", "last_agent_at", "closed_at", "trashed_at", "last_sent_at")
		if err != nil {
			return err
		}
		// The counts move under the event log's lock, as every writer's.
		counts := map[countKey]int64{}
		for _, c := range cs {
			for _, k := range c.CountKeys() {
				counts[countKey{c.InboxID, k}]++
			}
		}
		if _, err := conn.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(eventLogLock)); err != nil {
			return err
		}
		return applyCounts(counts, func(what, query string, args ...any) error {
			_, err := conn.Exec(ctx, query, args...)
			if err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
			return nil
		})
	})
}

// CopyMessages inserts messages of existing conversations. (Measured on
// the bench's seed, 2026-12-02: a COPY is 10% faster than INSERTs of 100
// rows on PostgreSQL; the indexes, not the statements, were most of a
// load's time: see WithoutIndexes.)
func (s *Store) CopyMessages(ctx context.Context, ms []*parley.Message) error {
	if _, ok := s.d.(postgresDialect); !ok {
		return s.InTx(ctx, func(tx *Tx) error { return tx.InsertMessages(ctx, ms) })
	}
	rows := make([][]any, len(ms))
	for i, m := range ms {
		rows[i] = []any{int64(m.ConversationID), string(m.Kind), string(m.Direction), idOrNil(m.AuthorID), idOrNil(m.ContactID), m.Text, m.HTML, m.CreatedAt}
	}
	return s.pgCopy(ctx, "messages", func(conn pgx.Tx) error {
		return copyRows(ctx, conn, "messages", rows, "conversation_id", "kind", "direction", "author_id", "contact_id", "text", "html", "created_at")
	})
}

// pgCopy runs f in a transaction on one of PostgreSQL's connections of the
// writer pool.
func (s *Store) pgCopy(ctx context.Context, what string, f func(pgx.Tx) error) error {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: copy %s: %w", what, err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		return pgx.BeginFunc(ctx, dc.(*stdlib.Conn).Conn(), f)
	})
	if err != nil {
		return fmt.Errorf("store: copy %s: %w", what, s.d.mapError(err))
	}
	return nil
}

// reserveIDs takes n ids from table's sequence, in increasing order.
func reserveIDs(ctx context.Context, conn pgx.Tx, table string, n int) ([]parley.ID, error) {
	rows, err := conn.Query(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, table, n)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[parley.ID])
	if err != nil {
		return nil, err
	}
	slices.Sort(ids)
	return ids, nil
}

// copyRows COPYs rows into table's columns. (COPY writes identity columns
// as given, as INSERT's OVERRIDING SYSTEM VALUE would.)
func copyRows(ctx context.Context, conn pgx.Tx, table string, rows [][]any, columns ...string) error {
	if len(rows) == 0 {
		return nil
	}
	_, err := conn.CopyFrom(ctx, pgx.Identifier{table}, columns, pgx.CopyFromRows(rows))
	return err
}

func timeOrNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

func idOrNil(id *parley.ID) any {
	if id == nil {
		return nil
	}
	return int64(*id)
}

// WithoutIndexes runs load with the secondary indexes of tables set aside,
// and builds them again after it, whether load failed or not: on
// PostgreSQL, building an index once over a loaded table is many times
// faster than keeping it up to date row by row (a GIN index above all).
// Unique indexes and those behind constraints stay, so the load is still
// checked. On SQLite it only runs load. For bulk loads of a database no one
// else uses yet, such as the bench's seed.
func (s *Store) WithoutIndexes(ctx context.Context, tables []string, load func() error) (err error) {
	if _, ok := s.d.(postgresDialect); !ok {
		return load()
	}
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: set indexes aside: %w", err)
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `
		SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
		FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
		WHERE t.relname = ANY($1) AND t.relnamespace = current_schema()::regnamespace
			AND NOT i.indisunique AND NOT i.indisprimary
			AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
		ORDER BY 1`, tables)
	if err != nil {
		return fmt.Errorf("store: set indexes aside: %w", err)
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return fmt.Errorf("store: set indexes aside: %w", err)
		}
		names, defs = append(names, name), append(defs, def)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: set indexes aside: %w", err)
	}
	if len(names) == 0 {
		return load()
	}
	if _, err := conn.ExecContext(ctx, "DROP INDEX "+strings.Join(names, ", ")); err != nil {
		return fmt.Errorf("store: set indexes aside: %w", err)
	}
	defer func() {
		ctx := context.WithoutCancel(ctx)
		// Built even when load failed: a database without its indexes
		// would answer, slowly, and look healthy.
		if _, xerr := conn.ExecContext(ctx, "SET maintenance_work_mem = '512MB'"); xerr != nil {
			err = errors.Join(err, fmt.Errorf("store: rebuild indexes: %w", xerr))
		}
		for _, def := range defs {
			if _, xerr := conn.ExecContext(ctx, def); xerr != nil {
				err = errors.Join(err, fmt.Errorf("store: rebuild indexes: %w", xerr))
			}
		}
		// The connection goes back to the pool.
		if _, xerr := conn.ExecContext(ctx, "RESET maintenance_work_mem"); xerr != nil {
			err = errors.Join(err, fmt.Errorf("store: rebuild indexes: %w", xerr))
		}
	}()
	return load()
}
