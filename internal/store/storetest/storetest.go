// Package storetest gives each test a fresh store: on SQLite always, and on
// PostgreSQL when PARLEY_TEST_POSTGRES_URL is set (make test sets it).
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// PostgresEnv names the variable holding a PostgreSQL URL for tests.
const PostgresEnv = "PARLEY_TEST_POSTGRES_URL"

// Run runs fn as a subtest on every engine available, each with a fresh,
// migrated store.
func Run(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, engine := range Engines() {
		t.Run(engine, func(t *testing.T) {
			fn(t, New(t, engine, nil))
		})
	}
}

// Engines returns the engines tests run on here.
func Engines() []string {
	if os.Getenv(PostgresEnv) != "" {
		return []string{"sqlite", "postgres"}
	}
	return []string{"sqlite"}
}

// URL returns the URL of a fresh, empty database for engine, removed when the
// test ends: a file in a temporary directory, or a new PostgreSQL schema.
func URL(t testing.TB, engine string) string {
	t.Helper()
	switch engine {
	case "sqlite":
		return filepath.Join(t.TempDir(), "parley.db")
	case "postgres":
		base := os.Getenv(PostgresEnv)
		if base == "" {
			t.Skip(PostgresEnv + " is not set")
		}
		return freshSchema(t, base)
	}
	t.Fatalf("storetest: unknown engine %q", engine)
	return ""
}

// New opens a fresh store on engine. onEvents, if not nil, is the store's
// OnEvents hook.
func New(t testing.TB, engine string, onEvents func([]parley.Event)) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), store.Options{URL: URL(t, engine), OnEvents: onEvents})
	if err != nil {
		t.Fatalf("storetest: open %s: %v", engine, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// freshSchema creates a schema with a random name and returns base with its
// search_path set to it; the schema is dropped at cleanup.
func freshSchema(t testing.TB, base string) string {
	t.Helper()
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	defer db.Close()
	b := make([]byte, 8)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := db.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("storetest: create schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		if _, err := db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
			t.Logf("storetest: drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("storetest: %s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
