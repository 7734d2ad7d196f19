package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// RawChannelConfig is a channel's config as the database holds it, for
// tests that check what is stored.
func (s *Store) RawChannelConfig(ctx context.Context, id parley.ID) (string, error) {
	var config string
	err := s.w.QueryRowContext(ctx, `SELECT config FROM channels WHERE id = $1`, id).Scan(&config)
	return config, err
}

// ExecRaw runs a statement on the writer, for tests that check what the
// database itself refuses.
func (s *Store) ExecRaw(ctx context.Context, query string, args ...any) error {
	_, err := s.w.ExecContext(ctx, query, args...)
	return err
}

// IndexDefs returns the definitions of a table's indexes, sorted, for tests
// of what a bulk load leaves behind.
func (s *Store) IndexDefs(ctx context.Context, table string) ([]string, error) {
	q := `SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1 ORDER BY 1`
	if _, ok := s.d.(postgresDialect); !ok {
		q = `SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL ORDER BY 1`
	}
	var defs []string
	err := s.eachRow(ctx, "index defs", q, []any{table}, func(rows *sql.Rows) error {
		var def string
		err := rows.Scan(&def)
		defs = append(defs, def)
		return err
	})
	return defs, err
}

// Setting returns a PostgreSQL setting as the store's connections have it.
func (s *Store) Setting(ctx context.Context, name string) (string, error) {
	var v string
	err := s.r.QueryRowContext(ctx, `SELECT current_setting($1)`, name).Scan(&v)
	return v, err
}

// SearchOverBudget runs query as one of search's candidate queries and
// returns what it found, the server process that ran it, and how long it
// took; search's pool is held to one connection.
func (s *Store) SearchOverBudget(ctx context.Context, query string) ([]parley.ID, int64, int64, time.Duration, error) {
	s.sr.SetMaxOpenConns(1)
	var before, after int64
	if err := s.sr.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&before); err != nil {
		return nil, 0, 0, 0, err
	}
	began := time.Now()
	ids, complete, err := s.searchIDs(ctx, query)
	if complete {
		return nil, 0, 0, 0, errors.New("a query over budget called complete")
	}
	took := time.Since(began)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	err = s.sr.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&after)
	return ids, before, after, took, err
}
