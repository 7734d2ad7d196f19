package store_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parleyhq/parley/internal/store"
)

var update = flag.Bool("update", false, "write schema/sqlite.sql from the migrations")

// TestSchemaFile checks that a new SQLite database started from the schema
// file is the database its migrations make, row for row of goose's table,
// and that the file holds every migration.
func TestSchemaFile(t *testing.T) {
	ctx := context.Background()
	last, err := store.LatestSchema("sqlite")
	if err != nil {
		t.Fatal(err)
	}

	migrated, err := store.OpenByMigrations(ctx, filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer migrated.Close()
	want, err := migrated.DumpSQLiteSchema(ctx, last)
	if err != nil {
		t.Fatal(err)
	}
	if rows, err := migrated.TableRows(ctx); err != nil || len(rows) > 0 {
		t.Fatalf("the migrations leave rows in a new database (%v, %v): the schema file carries none", rows, err)
	}
	if *update {
		if err := os.WriteFile("schema/sqlite.sql", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	file, err := os.ReadFile("schema/sqlite.sql")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, string(file)); diff != "" {
		t.Fatalf("schema/sqlite.sql is not the migrations' schema: go test ./internal/store -run TestSchemaFile -update (-want +file):\n%s", diff)
	}

	started, err := store.Open(ctx, store.Options{URL: filepath.Join(t.TempDir(), "parley.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer started.Close()
	got, err := started.DumpSQLiteSchema(ctx, last)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("a database started from the file differs from a migrated one (-migrated +started):\n%s", diff)
	}
	wantVersions, err := migrated.Migrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gotVersions, err := started.Migrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantVersions, gotVersions); diff != "" {
		t.Errorf("goose's versions differ (-migrated +started):\n%s", diff)
	}
}

// BenchmarkOpenNew opens a new SQLite database, most of W6's cold start
// (BENCHMARKS.md): from the schema file, and by its migrations one by one.
func BenchmarkOpenNew(b *testing.B) {
	for _, bc := range []struct {
		name string
		open func(context.Context, string) (*store.Store, error)
	}{
		{"schema file", func(ctx context.Context, url string) (*store.Store, error) {
			return store.Open(ctx, store.Options{URL: url})
		}},
		{"migrations", store.OpenByMigrations},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				s, err := bc.open(context.Background(), filepath.Join(b.TempDir(), "parley.db"))
				if err != nil {
					b.Fatal(err)
				}
				s.Close()
			}
		})
	}
}
