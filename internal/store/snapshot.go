package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"net/url"
	"strconv"
	"strings"

	"github.com/parleyhq/parley/internal/parley"
)

// What a backup needs from the database (package backup): an online
// snapshot, a summary to check a restore against, and the checks a
// restored copy passes before it is used.

// Summary is what a database holds, in brief: a backup's manifest records
// it and a restore compares the restored copy with it.
type Summary struct {
	Schema        int64 `json:"schema"` // the last migration applied
	Conversations int64 `json:"conversations"`
	Messages      int64 `json:"messages"`
}

// EngineOf returns the engine a database URL names: "postgres" for a
// postgres:// URL, else "sqlite".
func EngineOf(url string) string {
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		return "postgres"
	}
	return "sqlite"
}

// SQLitePath returns the file a SQLite database URL names.
func SQLitePath(url string) string { return strings.TrimPrefix(url, "sqlite:") }

// LatestSchema returns the last migration this build knows for engine: a
// backup from a newer build cannot be restored by this one.
func LatestSchema(engine string) (int64, error) {
	fsys, err := MigrationFS(engine)
	if err != nil {
		return 0, fmt.Errorf("store: migrations: %w", err)
	}
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return 0, fmt.Errorf("store: migrations: %w", err)
	}
	var latest int64
	for _, name := range names {
		n, err := strconv.ParseInt(name[:strings.IndexByte(name, '_')], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("store: migration %s: %w", name, err)
		}
		latest = max(latest, n)
	}
	return latest, nil
}

// Summary counts what the database holds and reads its schema version.
func (q *Q) Summary(ctx context.Context) (Summary, error) {
	var s Summary
	// goose's table: its rows are the migrations applied.
	err := q.db.QueryRowContext(ctx, `SELECT
		(SELECT COALESCE(MAX(version_id), 0) FROM goose_db_version),
		(SELECT COUNT(*) FROM conversations),
		(SELECT COUNT(*) FROM messages)`).Scan(&s.Schema, &s.Conversations, &s.Messages)
	return s, q.wrap(err, "summary")
}

// SnapshotTo writes a consistent copy of the SQLite database to path, a
// file that must not exist, while the store goes on being used, and
// returns the copy's summary. VACUUM INTO reads in one transaction, so the
// copy is the database as of one commit; on WAL it holds up no writer. It
// runs on a connection of its own: the writer is the one connection every
// write waits for, and the readers are query-only, which VACUUM INTO
// refuses. On PostgreSQL it is EINVALID: pg_dump copies that database.
func (s *Store) SnapshotTo(ctx context.Context, path string) (Summary, error) {
	if s.d.name() != "sqlite" {
		return Summary{}, parley.Errorf(parley.EINVALID, "a PostgreSQL database is copied by pg_dump, not by Parley")
	}
	src, err := sql.Open("sqlite", "file:"+SQLitePath(s.url)+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return Summary{}, fmt.Errorf("store: snapshot: %w", err)
	}
	defer src.Close()
	if _, err := src.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		return Summary{}, fmt.Errorf("store: snapshot to %s: %w", path, err)
	}
	// The summary is the copy's, not the live database's, which has moved
	// on since.
	snap, err := sql.Open("sqlite", "file:"+path+"?"+url.Values{"mode": {"ro"}}.Encode())
	if err != nil {
		return Summary{}, fmt.Errorf("store: snapshot: %w", err)
	}
	defer snap.Close()
	return (&Q{db: snap, d: s.d}).Summary(ctx)
}

// IntegrityCheck runs SQLite's integrity_check over the whole database
// and returns its findings as an error; PostgreSQL keeps its own pages
// consistent, so there it is nil.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	if s.d.name() != "sqlite" {
		return nil
	}
	const show = 10 // the first findings say enough
	problems, err := appendRows(ctx, &s.Q, nil, "integrity check",
		`PRAGMA integrity_check(`+strconv.Itoa(show)+`)`, nil, scanValue[string])
	if err != nil {
		return err
	}
	if len(problems) == 1 && problems[0] == "ok" {
		return nil
	}
	// SQLite puts several findings in a row, a line each.
	return fmt.Errorf("store: integrity check: %s", strings.ReplaceAll(strings.Join(problems, "\n"), "\n", "; "))
}

// UnreadableSecrets returns how many channels hold a sealed secret this
// store's key cannot open: after a restore, anything but 0 means the data
// came with another key than the one it was given.
func (q *Q) UnreadableSecrets(ctx context.Context) (int, error) {
	configs, err := appendRows(ctx, q, nil, "channel secrets", `SELECT config FROM channels`, nil, scanValue[[]byte])
	if err != nil {
		return 0, err
	}
	n := 0
	for _, config := range configs {
		_, err := mapSecrets(config, func(v string) (string, error) {
			if !strings.HasPrefix(v, sealedPrefix) {
				return v, nil
			}
			_, err := q.secrets.open(v)
			return v, err
		})
		if err != nil {
			n++
		}
	}
	return n, nil
}
