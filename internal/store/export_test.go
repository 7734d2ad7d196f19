package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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

// OpenByMigrations opens a SQLite database as Open does, but applies every
// migration one by one even to a new one.
func OpenByMigrations(ctx context.Context, url string) (*Store, error) {
	return Open(ctx, Options{URL: url, migrationsOnly: true})
}

// DumpSQLiteSchema writes the database's schema as the schema file holds it.
func (s *Store) DumpSQLiteSchema(ctx context.Context, version int64) (string, error) {
	return dumpSQLiteSchema(ctx, s.w, version)
}

// Migrations lists goose's rows: each version and whether it is applied.
func (s *Store) Migrations(ctx context.Context) ([]string, error) {
	rows, err := s.w.QueryContext(ctx, `SELECT version_id, is_applied FROM goose_db_version ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v int64
		var applied bool
		if err := rows.Scan(&v, &applied); err != nil {
			return nil, err
		}
		out = append(out, fmt.Sprint(v, applied))
	}
	return out, rows.Err()
}

// TableRows counts the rows of each of the database's own tables (not
// goose's, not a virtual table's), for TestSchemaFile.
func (s *Store) TableRows(ctx context.Context) (map[string]int64, error) {
	rows, err := s.w.QueryContext(ctx, `SELECT name FROM pragma_table_list
		WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version'`)
	if err != nil {
		return nil, err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	rows.Close()
	counts := map[string]int64{}
	for _, n := range names {
		var c int64
		if err := s.w.QueryRowContext(ctx, `SELECT count(*) FROM "`+n+`"`).Scan(&c); err != nil {
			return nil, err
		}
		if c > 0 {
			counts[n] = c
		}
	}
	return counts, nil
}
