// Package backup copies Parley's data into one archive and back (SPEC
// PLT-4): the database, as a SQLite snapshot made while Parley runs; the
// secret key, without which the sealed secrets in the database cannot be
// read; and the blobs (attachments, raw mail). The archive is a gzip'd tar
// whose first entry is a manifest, so a restore knows what it holds before
// it writes anything. A PostgreSQL database is not in it: pg_dump copies
// that (pg.go says how).
package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/store"
)

// Format is the archive format this build writes. It restores archives of
// this format and older ones, and refuses newer ones.
const Format = 1

// The archive's entries, in this order: manifest, key, database, blobs.
const (
	manifestName = "manifest.json"
	keyName      = "secret.key"
	databaseName = "parley.db"
	blobsPrefix  = "blobs/" // then the blob's key
)

// Manifest says what an archive holds.
type Manifest struct {
	Format  int       `json:"format"`
	Parley  string    `json:"parley"` // the version that wrote it
	Engine  string    `json:"engine"` // "sqlite" or "postgres"
	Created time.Time `json:"created"`
	// Database is the summary of the database in the archive (its schema
	// version, its conversations and messages); nil when it holds none
	// (PostgreSQL).
	Database *store.Summary `json:"database,omitempty"`
	Blobs    int            `json:"blobs"`
}

// Snapshotter makes a consistent copy of a live database into a file:
// *store.Store on SQLite.
type Snapshotter interface {
	SnapshotTo(ctx context.Context, path string) (store.Summary, error)
}

// Source is what a backup copies.
type Source struct {
	Engine string // "sqlite" or "postgres"
	// DB is the database to copy; nil on PostgreSQL, whose database
	// pg_dump copies.
	DB        Snapshotter
	Blobs     *blob.Dir
	SecretKey string // in hex, as secret.key holds it
	Version   string // Parley's
	Now       func() time.Time
	// TempDir is where the snapshot is made before it goes into the
	// archive: a directory with room for a copy of the database.
	TempDir string
}

// Write writes an archive of src to w and returns its manifest. The
// database is copied first and the blobs after it: Parley writes a blob
// before the row that names it, so every blob the copy names is on disk by
// then and goes in the archive too.
func Write(ctx context.Context, w io.Writer, src Source) (Manifest, error) {
	m := Manifest{Format: Format, Parley: src.Version, Engine: src.Engine, Created: src.Now().UTC()}
	tmp, err := os.MkdirTemp(src.TempDir, ".parley-snapshot-*")
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(tmp)
	snapshot := filepath.Join(tmp, databaseName)
	if src.DB != nil {
		sum, err := src.DB.SnapshotTo(ctx, snapshot)
		if err != nil {
			return m, fmt.Errorf("backup: %w", err)
		}
		m.Database = &sum
	}
	var keys []string
	if err := src.Blobs.Keys(func(key string) error { keys = append(keys, key); return nil }); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	m.Blobs = len(keys)

	// Blobs are mostly compressed already (images, PDFs) and the server
	// goes on working meanwhile: the fastest level costs the least.
	gz, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	tw := tar.NewWriter(gz)
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	if err := add(tw, manifestName, int64(len(manifest)), m.Created, strings.NewReader(string(manifest))); err != nil {
		return m, err
	}
	key := src.SecretKey + "\n"
	if err := add(tw, keyName, int64(len(key)), m.Created, strings.NewReader(key)); err != nil {
		return m, err
	}
	if m.Database != nil {
		if err := addFile(tw, databaseName, snapshot, m.Created); err != nil {
			return m, err
		}
		// The copy is in the archive: its disk space can go back now.
		os.Remove(snapshot)
	}
	for _, key := range keys {
		if err := ctx.Err(); err != nil {
			return m, fmt.Errorf("backup: %w", err)
		}
		if err := addBlob(tw, src.Blobs, key, m.Created); err != nil {
			return m, err
		}
	}
	if err := tw.Close(); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	if err := gz.Close(); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	return m, nil
}

// WriteFile writes an archive of src to path. It is written to path.tmp
// and renamed once complete and on disk, so a file at path is always a
// whole backup, and an earlier one there stays until the new one replaces
// it. The file is readable by its owner only: it holds the secret key.
func WriteFile(ctx context.Context, path string, src Source) (m Manifest, err error) {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if m, err = Write(ctx, f, src); err != nil {
		return m, err
	}
	if err := f.Sync(); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	if err := f.Close(); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	return m, syncDir(filepath.Dir(path))
}

func add(tw *tar.Writer, name string, size int64, at time.Time, r io.Reader) error {
	h := &tar.Header{Name: name, Mode: 0o600, Size: size, ModTime: at, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
	if err := tw.WriteHeader(h); err != nil {
		return fmt.Errorf("backup: %s: %w", name, err)
	}
	if n, err := io.Copy(tw, r); err != nil {
		return fmt.Errorf("backup: %s: %w", name, err)
	} else if n != size {
		return fmt.Errorf("backup: %s: %d bytes, want %d", name, n, size)
	}
	return nil
}

func addFile(tw *tar.Writer, name, path string, at time.Time) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return add(tw, name, st.Size(), at, f)
}

func addBlob(tw *tar.Writer, blobs *blob.Dir, key string, at time.Time) error {
	r, err := blobs.Open(key)
	if err != nil {
		// Parley never deletes a blob today; one that went missing since
		// it was listed may be named by the database copy.
		return fmt.Errorf("backup: blob %s vanished during the backup: %w", key, err)
	}
	defer r.Close()
	// A tar header gives the size before the content: the file says it.
	f, ok := r.(interface{ Stat() (os.FileInfo, error) })
	if !ok {
		return fmt.Errorf("backup: blob %s: its size is unknown", key)
	}
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("backup: blob %s: %w", key, err)
	}
	return add(tw, blobsPrefix+key, st.Size(), at, r)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("backup: sync %s: %w", dir, err)
	}
	return nil
}
