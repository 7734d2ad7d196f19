package store

import (
	"context"
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
