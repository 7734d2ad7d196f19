package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/pressly/goose/v3"
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
// returns how many hits it found, the server process that ran it, and how
// long it took; search's pool is held to one connection.
func (s *Store) SearchOverBudget(ctx context.Context, query string) (int, int64, int64, time.Duration, error) {
	s.sr.SetMaxOpenConns(1)
	var before, after int64
	if err := s.sr.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&before); err != nil {
		return 0, 0, 0, 0, err
	}
	began := time.Now()
	hits, complete, err := s.searchHits(ctx, false, query)
	if complete {
		return 0, 0, 0, 0, errors.New("a query over budget called complete")
	}
	took := time.Since(began)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	err = s.sr.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&after)
	return len(hits), before, after, took, err
}

// OpenByMigrations opens a SQLite database as Open does, but applies every
// migration one by one even to a new one.
func OpenByMigrations(ctx context.Context, url string) (*Store, error) {
	return Open(ctx, Options{URL: url, migrationsOnly: true})
}

// DumpSQLiteSchema writes the database's schema as the schema file holds it
// (schema.go): tables (virtual tables make their own shadow tables), then
// indexes, views and triggers, each in the order they were made. goose's
// table is left out: startFromSchema makes it.
func (s *Store) DumpSQLiteSchema(ctx context.Context, version int64) (string, error) {
	stmts, err := appendRows(ctx, &s.Q, nil, "schema", `
		SELECT sql FROM sqlite_master
		WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND tbl_name <> $1
		  AND name NOT IN (SELECT name FROM pragma_table_list WHERE type = 'shadow')
		ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, rowid`,
		[]any{goose.DefaultTablename}, func(r interface{ Scan(...any) error }, stmt *string) error { return r.Scan(stmt) })
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s%d\n-- Written by TestSchemaFile -update: do not edit (schema.go).\n", schemaHeader, version)
	for _, stmt := range stmts {
		b.WriteString("\n" + stmt + ";\n")
	}
	return b.String(), nil
}

// Migrations lists goose's rows: each version and whether it is applied.
func (s *Store) Migrations(ctx context.Context) ([]string, error) {
	return appendRows(ctx, &s.Q, nil, "migrations", `SELECT version_id, is_applied FROM goose_db_version ORDER BY id`, nil,
		func(r interface{ Scan(...any) error }, out *string) error {
			var v int64
			var applied bool
			err := r.Scan(&v, &applied)
			*out = fmt.Sprint(v, applied)
			return err
		})
}

// TableRows counts the rows of each of the database's own tables (not
// goose's, not a virtual table's), for TestSchemaFile.
func (s *Store) TableRows(ctx context.Context) (map[string]int64, error) {
	names, err := appendRows(ctx, &s.Q, nil, "tables", `SELECT name FROM pragma_table_list
		WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version'`, nil,
		func(r interface{ Scan(...any) error }, name *string) error { return r.Scan(name) })
	if err != nil {
		return nil, err
	}
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
