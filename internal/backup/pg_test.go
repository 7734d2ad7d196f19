package backup_test

import (
	"strings"
	"testing"

	"github.com/parleyhq/parley/internal/backup"
)

// TestPGCommands: the commands shown for PostgreSQL never carry the
// password, keep what libpq understands and turn a search_path into the
// schema to dump.
func TestPGCommands(t *testing.T) {
	url := "postgres://parley:s3cret@db.internal:5433/parley?sslmode=require&search_path=tenant_a,public&pool_max_conns=20&password=other"
	dump, err := backup.PGDump(url, "/var/backups/parley db.pgdump")
	if err != nil {
		t.Fatal(err)
	}
	want := `pg_dump --format=custom --no-owner --file='/var/backups/parley db.pgdump' --schema=tenant_a --dbname='postgres://parley@db.internal:5433/parley?sslmode=require'`
	if dump != want {
		t.Errorf("pg_dump:\n got %s\nwant %s", dump, want)
	}
	restore, err := backup.PGRestore(url, "parley.pgdump")
	if err != nil {
		t.Fatal(err)
	}
	if want := `pg_restore --no-owner --exit-on-error --dbname='postgres://parley@db.internal:5433/parley?sslmode=require' parley.pgdump`; restore != want {
		t.Errorf("pg_restore:\n got %s\nwant %s", restore, want)
	}
	for _, cmd := range []string{dump, restore} {
		if strings.Contains(cmd, "s3cret") || strings.Contains(cmd, "other") {
			t.Errorf("a password shows: %s", cmd)
		}
	}
	if _, err := backup.PGDump("mysql://root:s3cret@x/y", "f"); err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("not a postgres URL: %v", err)
	}
	if dump, _ := backup.PGDump("postgres://postgres@127.0.0.1:5499/parley?sslmode=disable&search_path=public", "it's.pgdump"); dump !=
		`pg_dump --format=custom --no-owner --file='it'\''s.pgdump' --dbname='postgres://postgres@127.0.0.1:5499/parley?sslmode=disable'` {
		t.Errorf("public schema, a quote in the name: %s", dump)
	}
}
