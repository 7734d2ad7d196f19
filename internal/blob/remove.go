package blob

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Grace is how long a file written or touched by Put is kept by RemoveIdle
// although no row names it: an ingest of the same content may have Put it
// and not yet committed the row that names it.
const Grace = time.Hour

// Remove deletes the content stored under key; a key not stored is no
// error. Blobs are shared by content: the caller checks first that no row
// names key any more (store.UnreferencedBlobs), and prefers RemoveIdle.
func (d *Dir) Remove(key string) error {
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob: %w", err)
	}
	return nil
}

// RemoveIdle deletes the content under key unless Put wrote or touched it
// within the last Grace, by the store's clock, and reports whether it is
// gone (a key not stored is gone). The caller checks first that no row
// names key. The file is first renamed aside, then its time read: a Put
// that touched it before the rename is seen (the file is put back), and a
// Put after it finds no file and writes it again, so a Put that returned
// is never undone.
func (d *Dir) RemoveIdle(key string) (bool, error) {
	p, err := d.path(key)
	if err != nil {
		return false, err
	}
	aside := filepath.Join(filepath.Dir(p), ".remove-"+key)
	if err := os.Rename(p, aside); errors.Is(err, fs.ErrNotExist) {
		return true, nil
	} else if err != nil {
		return false, fmt.Errorf("blob: %w", err)
	}
	fi, err := os.Stat(aside)
	if err == nil && d.now().Sub(fi.ModTime()) < Grace {
		// Touched lately: put it back (a Put meanwhile wrote the same
		// content, which this replaces with itself).
		if err := os.Rename(aside, p); err != nil {
			return false, fmt.Errorf("blob: %w", err)
		}
		return false, nil
	}
	if err := os.Remove(aside); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("blob: %w", err)
	}
	return true, nil
}
