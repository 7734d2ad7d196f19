package blob

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Remove deletes the content stored under key; a key not stored is no
// error. Blobs are shared by content: the caller checks first that no row
// names key any more (store.UnreferencedBlobs).
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
