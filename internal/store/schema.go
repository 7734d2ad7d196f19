package store

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"strconv"
	"strings"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/database"
)

// A new SQLite database starts from schema/sqlite.sql: the schema its
// migrations leave, written in one transaction. Applying the migrations one
// by one took 70 ms, most of a cold start (BENCHMARKS.md, W6): SQLite parses
// its whole schema again after each ALTER TABLE. The file's first line names
// the last migration it holds; any after it are applied by goose as usual, so
// a file behind the migrations is slower, never wrong. TestSchemaFile checks
// that it is current (go test ./internal/store -run TestSchemaFile -update
// writes it).
//
//go:embed schema/sqlite.sql
var sqliteSchema string

// schemaHeader begins the schema file; the migration's number follows.
const schemaHeader = "-- Parley's SQLite schema after migration "

// schemaVersion returns the last migration a schema file holds.
func schemaVersion(schema string) (int64, error) {
	line, _, _ := strings.Cut(schema, "\n")
	n, ok := strings.CutPrefix(line, schemaHeader)
	if !ok {
		return 0, fmt.Errorf("store: schema file: first line %q", line)
	}
	return strconv.ParseInt(strings.TrimSpace(n), 10, 64)
}

// startFromSchema writes the schema file into an empty SQLite database and
// records its migrations as applied in goose's table. It does nothing to a
// database that has any table.
func (s *Store) startFromSchema(ctx context.Context) error {
	if s.d.name() != "sqlite" {
		return nil
	}
	version, err := schemaVersion(sqliteSchema)
	if err != nil {
		return err
	}
	versions, err := database.NewStore(goose.DialectSQLite3, goose.DefaultTablename)
	if err != nil {
		return fmt.Errorf("store: schema: %w", err)
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: schema: %w", err)
	}
	defer tx.Rollback()
	var objects int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master`).Scan(&objects); err != nil {
		return fmt.Errorf("store: schema: %w", err)
	}
	if objects > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, sqliteSchema); err != nil {
		return fmt.Errorf("store: schema: %w", err)
	}
	if err := versions.CreateVersionTable(ctx, tx); err != nil {
		return fmt.Errorf("store: schema: %w", err)
	}
	for v := range version + 1 {
		if err := versions.Insert(ctx, tx, database.InsertRequest{Version: v}); err != nil {
			return fmt.Errorf("store: schema: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: schema: %w", err)
	}
	// The writer's cache holds every page just written: 2 MB of private
	// memory an idle server kept (W6).
	_, err = s.w.ExecContext(ctx, `PRAGMA shrink_memory`)
	return err
}

// dumpSQLiteSchema writes the schema of a SQLite database as statements that
// make it again: tables (virtual tables' own shadow tables are theirs to
// make), then indexes, views and triggers, each in the order they were made.
// goose's table is left out: startFromSchema makes it.
func dumpSQLiteSchema(ctx context.Context, db *sql.DB, version int64) (string, error) {
	rows, err := db.QueryContext(ctx, `
		SELECT sql FROM sqlite_master
		WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND tbl_name <> $1
		  AND name NOT IN (SELECT name FROM pragma_table_list WHERE type = 'shadow')
		ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, rowid`,
		goose.DefaultTablename)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var b strings.Builder
	fmt.Fprintf(&b, "%s%d\n-- Written by TestSchemaFile -update: do not edit (schema.go).\n", schemaHeader, version)
	for rows.Next() {
		var stmt string
		if err := rows.Scan(&stmt); err != nil {
			return "", err
		}
		b.WriteString("\n" + stmt + ";\n")
	}
	return b.String(), rows.Err()
}
