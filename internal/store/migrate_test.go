package store_test

import (
	"io/fs"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parleyhq/parley/internal/store"
)

// TestMigrationNames checks that both engines have the same migrations, by
// file name, so neither can fall behind.
func TestMigrationNames(t *testing.T) {
	names := func(engine string) []string {
		fsys, err := store.MigrationFS(engine)
		if err != nil {
			t.Fatal(err)
		}
		got, err := fs.Glob(fsys, "*.sql")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 {
			t.Fatalf("%s: no migrations", engine)
		}
		return got
	}
	if diff := cmp.Diff(names("sqlite"), names("postgres")); diff != "" {
		t.Errorf("migration names differ (-sqlite +postgres):\n%s", diff)
	}
}
