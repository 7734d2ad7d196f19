// Package blob stores attachment and raw-message content in a directory,
// addressed by its SHA-256: the same file sent twice is kept once, and a key
// names its content for good.
package blob

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// Dir is a content-addressed store in a directory.
type Dir struct {
	root string
	now  func() time.Time // what a Put sets as a file's modification time
}

// Open returns the store in dir, creating it.
func Open(dir string) (*Dir, error) { return OpenClock(dir, nil) }

// OpenClock is Open with the clock that Put writes as a file's modification
// time and RemoveIdle reads it by (time.Now when nil): tests inject theirs.
func OpenClock(dir string, now func() time.Time) (*Dir, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	if now == nil {
		now = time.Now
	}
	return &Dir{root: dir, now: now}, nil
}

// Key returns the key data is stored under.
func Key(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func (d *Dir) path(key string) (string, error) {
	if len(key) != 64 {
		return "", parley.NotFound("blob")
	}
	if _, err := hex.DecodeString(key); err != nil {
		return "", parley.NotFound("blob")
	}
	return filepath.Join(d.root, key[:2], key[2:4], key), nil
}

// Put stores data and returns its key. It returns once the content is on
// disk (written, synced and renamed into place, the directory synced), so a
// transaction that records the key after Put never points at nothing. The
// file's modification time is set to now, also when the content was
// already there: RemoveIdle leaves a file touched within its grace period,
// so a row about to name it is not left pointing at nothing.
func (d *Dir) Put(data []byte) (string, error) {
	key := Key(data)
	p, _ := d.path(key)
	now := d.now()
	if err := os.Chtimes(p, now, now); err == nil {
		return key, nil
	}
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("blob: %w", err)
	}
	f, err := os.CreateTemp(dir, ".put-*")
	if err != nil {
		return "", fmt.Errorf("blob: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op once renamed
	if _, err := f.Write(data); err != nil {
		f.Close()
		return "", fmt.Errorf("blob: write: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return "", fmt.Errorf("blob: sync: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("blob: %w", err)
	}
	if err := os.Chtimes(tmp, now, now); err != nil {
		return "", fmt.Errorf("blob: %w", err)
	}
	if err := os.Rename(tmp, p); err != nil {
		return "", fmt.Errorf("blob: %w", err)
	}
	if df, err := os.Open(dir); err == nil {
		err = df.Sync()
		df.Close()
		if err != nil {
			return "", fmt.Errorf("blob: sync dir: %w", err)
		}
	}
	return key, nil
}

// Open returns the content under key, or ENOTFOUND.
func (d *Dir) Open(key string) (io.ReadCloser, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if os.IsNotExist(err) {
		return nil, parley.NotFound("blob")
	}
	if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	return f, nil
}

// Read returns the content under key, or ENOTFOUND.
func (d *Dir) Read(key string) ([]byte, error) {
	r, err := d.Open(key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(r)
}

// Keys calls fn with the key of every blob in the directory, in no
// particular order, and stops at fn's first error. Anything else in the
// directory, such as a Put's temporary file, is passed over.
func (d *Dir) Keys(fn func(key string) error) error {
	err := filepath.WalkDir(d.root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.Type().IsRegular() {
			return nil
		}
		if want, err := d.path(e.Name()); err != nil || want != p {
			return nil
		}
		return fn(e.Name())
	})
	if err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	return nil
}

// ErrDamaged says content given to Write is not what its key names.
var ErrDamaged = errors.New("blob: the content does not match its key")

// Write stores the content read from r under key, checking that key is its
// SHA-256: for copying blobs from elsewhere (a restore). Unlike Put it
// streams and does not sync: a caller writing many syncs once at the end.
// Content that does not match its key is ErrDamaged and is not kept.
func (d *Dir) Write(key string, r io.Reader) error {
	p, err := d.path(key)
	if err != nil {
		return fmt.Errorf("blob: %q is not a key", key)
	}
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	f, err := os.CreateTemp(dir, ".put-*")
	if err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op once renamed
	h := sha256.New()
	_, err = io.Copy(io.MultiWriter(f, h), r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("blob: write %s: %w", key, err)
	}
	if hex.EncodeToString(h.Sum(nil)) != key {
		return fmt.Errorf("%w: %s", ErrDamaged, key)
	}
	if err := os.Rename(tmp, p); err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	return nil
}
