package blob

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
)

func TestDir(t *testing.T) {
	d, err := Open(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("%PDF-1.4 invoice")
	k1, err := d.Put(data)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := d.Put(append([]byte(nil), data...))
	if err != nil || k1 != k2 || k1 != Key(data) {
		t.Fatalf("Put twice = %q, %q (%v); want one key %q", k1, k2, err, Key(data))
	}
	got, err := d.Read(k1)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Read = %q, %v", got, err)
	}
	files := 0
	_ = filepath.Walk(d.root, func(_ string, fi os.FileInfo, _ error) error {
		if fi != nil && !fi.IsDir() {
			files++
		}
		return nil
	})
	if files != 1 {
		t.Errorf("%d files on disk, want 1 (no temp files left, one copy)", files)
	}
	for _, key := range []string{"", "../../etc/passwd", Key([]byte("other")), "zz" + k1[2:]} {
		if _, err := d.Read(key); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("Read(%q) = %v, want ENOTFOUND", key, err)
		}
	}
}
