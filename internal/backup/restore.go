package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/store"
)

// Errors a restore refuses with, before anything is put in place.
var (
	// ErrNotEmpty: the data directory already has data.
	ErrNotEmpty = errors.New("restore: the data directory is not empty")
	// ErrDamaged: the archive is not a whole Parley backup.
	ErrDamaged = errors.New("restore: the archive is damaged or incomplete, or not a Parley backup")
	// ErrNewer: the archive was made by a newer Parley than this one.
	ErrNewer = errors.New("restore: the backup is from a newer Parley")
)

// Target is where a restore puts the data: the places Parley's
// configuration names.
type Target struct {
	Engine   string // the engine PARLEY_DATABASE_URL names: "sqlite" or "postgres"
	Database string // the SQLite file; "" on PostgreSQL
	BlobDir  string
	KeyFile  string // where the secret key is kept: <data dir>/secret.key
	// Key is PARLEY_SECRET_KEY when it is set: the server will use it, so
	// it must be the backup's, and no key file is written.
	Key string
}

// Result is what a restore put in place.
type Result struct {
	Manifest Manifest
	// Database is the restored database's summary once migrated to this
	// build's schema; nil when the archive held none (PostgreSQL).
	Database *store.Summary
	Blobs    int
	// KeyFile is the key file written; "" when PARLEY_SECRET_KEY holds
	// the key or the file held it already.
	KeyFile string
	// UnreadableSecrets counts the channels whose sealed secrets the
	// restored key does not open: their passwords must be entered again.
	UnreadableSecrets int
}

// Restore reads an archive from r into t, which must hold no data yet,
// and returns what it restored. Everything is written beside its place
// first (".restoring") and checked: the archive whole, each blob against
// its key, the database opened, migrated to this build's schema, passing
// SQLite's integrity check and holding what the manifest says. Only then
// is it moved into place, the database last, so a failed restore leaves t
// as it was.
func Restore(ctx context.Context, r io.Reader, t Target) (res Result, err error) {
	keyOnDisk, err := checkEmpty(t)
	if err != nil {
		return res, err
	}
	st := staging{t}
	st.clear()
	defer func() {
		if err != nil {
			st.clear()
		}
	}()

	gz, err := gzip.NewReader(r)
	if err != nil {
		return res, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	tr := tar.NewReader(damageReader{gz})
	var (
		seen  = map[string]bool{}
		key   string
		blobs *blob.Dir
	)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return res, damaged(err)
		}
		if err := ctx.Err(); err != nil {
			return res, fmt.Errorf("restore: %w", err)
		}
		name := h.Name
		if strings.HasPrefix(name, blobsPrefix) {
			name = blobsPrefix
		} else if seen[name] {
			return res, fmt.Errorf("%w: %s twice", ErrDamaged, name)
		}
		if !seen[manifestName] && name != manifestName {
			return res, fmt.Errorf("%w: it does not begin with %s", ErrDamaged, manifestName)
		}
		seen[name] = true
		switch name {
		case manifestName:
			if res.Manifest, err = readManifest(tr, t); err != nil {
				return res, err
			}
		case keyName:
			if key, err = readKey(tr, t, keyOnDisk); err != nil {
				return res, err
			}
		case databaseName:
			if res.Manifest.Database == nil {
				return res, fmt.Errorf("%w: a database the manifest does not name", ErrDamaged)
			}
			if err := writeFile(st.database(), tr); err != nil {
				return res, err
			}
		case blobsPrefix:
			if blobs == nil {
				if blobs, err = blob.Open(st.blobs()); err != nil {
					return res, fmt.Errorf("restore: %w", err)
				}
			}
			if err := blobs.Write(strings.TrimPrefix(h.Name, blobsPrefix), tr); err != nil {
				return res, damaged(err)
			}
			res.Blobs++
		default:
			return res, fmt.Errorf("%w: an unknown entry %q", ErrDamaged, h.Name)
		}
	}
	// The tar's end can come before gzip's checksum: read to it.
	if _, err := io.Copy(io.Discard, damageReader{gz}); err != nil {
		return res, damaged(err)
	}
	m := res.Manifest
	switch {
	case !seen[manifestName]:
		return res, fmt.Errorf("%w: it is empty", ErrDamaged)
	case !seen[keyName]:
		return res, fmt.Errorf("%w: it holds no secret key", ErrDamaged)
	case m.Database != nil && !seen[databaseName]:
		return res, fmt.Errorf("%w: it holds no database", ErrDamaged)
	case res.Blobs != m.Blobs:
		return res, fmt.Errorf("%w: it holds %d blobs of the %d its manifest counts", ErrDamaged, res.Blobs, m.Blobs)
	}
	if m.Database != nil {
		raw, _ := hex.DecodeString(key)
		if res.Database, res.UnreadableSecrets, err = verify(ctx, st.database(), raw, *m.Database); err != nil {
			return res, err
		}
	}
	if t.Key == "" && keyOnDisk == "" {
		if err := writeFile(st.key(), strings.NewReader(key+"\n")); err != nil {
			return res, err
		}
		res.KeyFile = t.KeyFile
	}
	return res, st.commit(res.KeyFile != "", blobs != nil, m.Database != nil)
}

// checkEmpty refuses a target that holds a database or blobs, or a key
// other than the one the backup may bring; it returns the key on disk.
func checkEmpty(t Target) (string, error) {
	if t.Database != "" {
		for _, p := range []string{t.Database, t.Database + "-wal"} {
			if _, err := os.Lstat(p); err == nil {
				return "", fmt.Errorf("%w: %s is a database already: restore into an empty data directory (PARLEY_DATA_DIR), or move it away first", ErrNotEmpty, p)
			} else if !errors.Is(err, fs.ErrNotExist) {
				return "", fmt.Errorf("restore: %w", err)
			}
		}
	}
	if entries, err := os.ReadDir(t.BlobDir); err == nil && len(entries) > 0 {
		return "", fmt.Errorf("%w: %s holds blobs already: restore into an empty data directory, or move them away first", ErrNotEmpty, t.BlobDir)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("restore: %w", err)
	}
	b, err := os.ReadFile(t.KeyFile)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	// A key alone is kept if it is the backup's (readKey checks).
	return strings.TrimSpace(string(b)), nil
}

func readManifest(r io.Reader, t Target) (Manifest, error) {
	var m Manifest
	if err := json.NewDecoder(io.LimitReader(r, 1<<20)).Decode(&m); err != nil {
		return m, damaged(err)
	}
	if m.Format > Format {
		return m, fmt.Errorf("%w: archive format %d, Parley %s; this Parley reads format %d and older: restore it with that version or a later one", ErrNewer, m.Format, m.Parley, Format)
	}
	if m.Format < 1 || (m.Engine != "sqlite" && m.Engine != "postgres") || (m.Engine == "sqlite") != (m.Database != nil) {
		return m, fmt.Errorf("%w: its manifest makes no sense (format %d, engine %q)", ErrDamaged, m.Format, m.Engine)
	}
	if m.Engine != t.Engine {
		return m, fmt.Errorf("restore: the backup is of a %s installation and PARLEY_DATABASE_URL names %s: restore it with the same engine", engineName(m.Engine), engineName(t.Engine))
	}
	if m.Database != nil {
		latest, err := store.LatestSchema(m.Engine)
		if err != nil {
			return m, fmt.Errorf("restore: %w", err)
		}
		if m.Database.Schema > latest {
			return m, fmt.Errorf("%w: its database is at migration %d and this Parley knows up to %d: restore it with Parley %s or a later one", ErrNewer, m.Database.Schema, latest, m.Parley)
		}
	}
	return m, nil
}

func engineName(engine string) string {
	if engine == "postgres" {
		return "PostgreSQL"
	}
	return "SQLite"
}

func readKey(r io.Reader, t Target, onDisk string) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, 4096))
	if err != nil {
		return "", damaged(err)
	}
	key := strings.TrimSpace(string(b))
	if raw, err := hex.DecodeString(key); err != nil || len(raw) < 32 {
		return "", fmt.Errorf("%w: its secret key is not a key", ErrDamaged)
	}
	if t.Key != "" && t.Key != key {
		return "", fmt.Errorf("restore: PARLEY_SECRET_KEY is set to another key than the backup's, and the restored data needs the backup's: unset it (the key then goes to %s) or set it to the backup's", t.KeyFile)
	}
	if onDisk != "" && onDisk != key {
		return "", fmt.Errorf("%w: %s holds another secret key than the backup's, which the restored data needs: move it away first", ErrNotEmpty, t.KeyFile)
	}
	return key, nil
}

// verify opens the restored database, which migrates it to this build's
// schema, checks it whole and holding what the manifest says, and counts
// the sealed secrets its key does not open.
func verify(ctx context.Context, path string, secret []byte, want store.Summary) (*store.Summary, int, error) {
	s, err := store.Open(ctx, store.Options{URL: path, Secret: secret})
	if err != nil {
		return nil, 0, fmt.Errorf("restore: the database does not open: %w", err)
	}
	defer s.Close()
	if err := s.IntegrityCheck(ctx); err != nil {
		return nil, 0, fmt.Errorf("restore: %w", err)
	}
	got, err := s.Summary(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("restore: %w", err)
	}
	if got.Conversations != want.Conversations || got.Messages != want.Messages {
		return nil, 0, fmt.Errorf("%w: its database holds %d conversations and %d messages, its manifest %d and %d",
			ErrDamaged, got.Conversations, got.Messages, want.Conversations, want.Messages)
	}
	n, err := s.UnreadableSecrets(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("restore: %w", err)
	}
	return &got, n, nil
}

// writeFile writes r to path, on disk when it returns.
func writeFile(path string, r io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	_, err = io.Copy(f, r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		var d damagedError
		if errors.As(err, &d) {
			return damaged(err)
		}
		return fmt.Errorf("restore: %s: %w", path, err)
	}
	return nil
}

// damageReader marks the archive's read errors, so that they are told
// apart from the disk's.
type damageReader struct{ r io.Reader }

type damagedError struct{ err error }

func (e damagedError) Error() string { return e.err.Error() }
func (e damagedError) Unwrap() error { return e.err }

func (d damageReader) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if err != nil && err != io.EOF {
		err = damagedError{err}
	}
	return n, err
}

// damaged returns err as ErrDamaged when the archive caused it.
func damaged(err error) error {
	var d damagedError
	if errors.As(err, &d) || errors.Is(err, blob.ErrDamaged) || !errors.As(err, new(*fs.PathError)) {
		return fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	return fmt.Errorf("restore: %w", err)
}

// staging is where a restore writes before moving into place: beside each
// place, so the move is a rename.
type staging struct{ t Target }

const stagingSuffix = ".restoring"

func (s staging) database() string { return s.t.Database + stagingSuffix }
func (s staging) blobs() string    { return s.t.BlobDir + stagingSuffix }
func (s staging) key() string      { return s.t.KeyFile + stagingSuffix }

// clear removes what a restore staged, this one's or an interrupted one's.
func (s staging) clear() {
	if s.t.Database != "" {
		for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
			os.Remove(s.database() + suffix)
		}
	}
	os.RemoveAll(s.blobs())
	os.Remove(s.key())
}

// commit moves what was staged into place: the key and the blobs, then,
// once they are on disk, the database, whose presence says a data
// directory holds data.
func (s staging) commit(key, blobs, database bool) error {
	syscall.Sync() // the blobs were written without a sync each
	if key {
		if err := os.Rename(s.key(), s.t.KeyFile); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
	}
	if blobs {
		// checkEmpty let through an empty directory only.
		if err := os.Remove(s.t.BlobDir); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("restore: %w", err)
		}
		if err := os.Rename(s.blobs(), s.t.BlobDir); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
	} else if err := os.MkdirAll(s.t.BlobDir, 0o700); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if database {
		syscall.Sync()
		// Closed cleanly, SQLite leaves no -wal; if it did, it goes along.
		for _, suffix := range []string{"-wal", "-shm"} {
			if _, err := os.Stat(s.database() + suffix); err == nil {
				if err := os.Rename(s.database()+suffix, s.t.Database+suffix); err != nil {
					return fmt.Errorf("restore: %w", err)
				}
			}
		}
		if err := os.Rename(s.database(), s.t.Database); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
	}
	syscall.Sync()
	return nil
}
