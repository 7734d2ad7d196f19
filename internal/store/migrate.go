package store

import (
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// Each engine has its own folder of migrations with the same file names; a
// test checks that they stay in step.
//
//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// MigrationFS returns the migrations of an engine ("sqlite" or "postgres").
func MigrationFS(engine string) (fs.FS, error) {
	return fs.Sub(migrations, "migrations/"+engine)
}

// migrate applies every pending migration, a new SQLite database first
// starting from the schema file (schema.go) if fromSchema. goose takes a lock
// on PostgreSQL so several nodes starting at once migrate once.
func (s *Store) migrate(ctx context.Context, fromSchema bool) error {
	if fromSchema {
		if err := s.startFromSchema(ctx); err != nil {
			return err
		}
	}
	// A database at this build's last migration needs none: goose would
	// still read and parse every file (20 ms, and 8 MB of buffers kept to
	// the next collections).
	latest, err := LatestSchema(s.d.name())
	if err != nil {
		return err
	}
	var applied int64
	if err := s.w.QueryRowContext(ctx, `SELECT MAX(version_id) FROM goose_db_version`).Scan(&applied); err == nil && applied == latest {
		return nil
	}
	fsys, err := MigrationFS(s.d.name())
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	var opts []goose.ProviderOption
	if s.d.name() == "postgres" {
		locker, err := s.migrationLocker(ctx)
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(s.d.gooseDialect(), s.w, fsys, opts...)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}

// migrationLocker returns goose's session lock keyed by database and schema:
// nodes sharing a schema migrate one at a time, while separate schemas (as in
// tests) do not wait for each other.
func (s *Store) migrationLocker(ctx context.Context) (lock.SessionLocker, error) {
	var where string
	if err := s.w.QueryRowContext(ctx, `SELECT current_database() || '.' || current_schema()`).Scan(&where); err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	h := fnv.New64a()
	h.Write([]byte("parley migrations " + where))
	l, err := lock.NewPostgresSessionLocker(lock.WithLockID(int64(h.Sum64() >> 1)))
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	return l, nil
}
