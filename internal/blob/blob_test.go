package blob

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

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

// TestKeysAndWrite copies one directory's blobs to another the way a
// restore does: Keys lists them (not a Put's leftover), Write checks each
// content against its key.
func TestKeysAndWrite(t *testing.T) {
	from, err := Open(filepath.Join(t.TempDir(), "from"))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, s := range []string{"one", "two", "three"} {
		k, err := from.Put([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, k)
	}
	k := want[0]
	if err := os.WriteFile(filepath.Join(from.root, k[:2], k[2:4], ".put-123"), []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	to, err := Open(filepath.Join(t.TempDir(), "to"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	err = from.Keys(func(key string) error {
		got = append(got, key)
		r, err := from.Open(key)
		if err != nil {
			return err
		}
		defer r.Close()
		return to.Write(key, r)
	})
	slices.Sort(got)
	slices.Sort(want)
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("Keys = %v, %v; want %v", got, err, want)
	}
	for _, key := range want {
		a, _ := from.Read(key)
		if b, err := to.Read(key); err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s copied as %q, %v; want %q", key, b, err, a)
		}
	}

	// Content that is not its key's is refused and not kept.
	other := Key([]byte("four"))
	if err := to.Write(other, strings.NewReader("not four")); !errors.Is(err, ErrDamaged) {
		t.Errorf("Write of the wrong content: %v, want ErrDamaged", err)
	}
	if _, err := to.Read(other); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("the wrong content was kept: %v", err)
	}
	if err := to.Write("../../x", strings.NewReader("x")); err == nil {
		t.Error("Write under a name that is not a key did not fail")
	}
}

// TestRemoveIdle: Put sets a file's time by the store's clock, also when
// the content is already there, and RemoveIdle removes only a file idle
// for Grace.
func TestRemoveIdle(t *testing.T) {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	d, err := OpenClock(filepath.Join(t.TempDir(), "blobs"), func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	k, err := d.Put([]byte("shared"))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := d.path(k)
	mtime := func() time.Time {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return fi.ModTime()
	}
	if !mtime().Equal(now) {
		t.Errorf("a new file's time = %v, want %v", mtime(), now)
	}
	now = now.Add(Grace - time.Second)
	if gone, err := d.RemoveIdle(k); err != nil || gone {
		t.Fatalf("RemoveIdle within the grace period = %v, %v", gone, err)
	}
	if _, err := d.Read(k); err != nil {
		t.Fatalf("kept file unreadable: %v", err)
	}
	// The same content Put again is touched: idle from now on.
	if k2, err := d.Put([]byte("shared")); err != nil || k2 != k || !mtime().Equal(now) {
		t.Fatalf("Put again = %s, %v; time %v, want %v", k2, err, mtime(), now)
	}
	now = now.Add(Grace - time.Second)
	if gone, err := d.RemoveIdle(k); err != nil || gone {
		t.Fatalf("RemoveIdle after a touch = %v, %v", gone, err)
	}
	now = now.Add(time.Second)
	if gone, err := d.RemoveIdle(k); err != nil || !gone {
		t.Fatalf("RemoveIdle after the grace period = %v, %v", gone, err)
	}
	if _, err := d.Read(k); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Errorf("removed file still read: %v", err)
	}
	if gone, err := d.RemoveIdle(k); err != nil || !gone {
		t.Errorf("RemoveIdle of a missing file = %v, %v", gone, err)
	}
	n := 0
	_ = d.Keys(func(string) error { n++; return nil })
	entries, _ := os.ReadDir(filepath.Dir(p))
	if n != 0 || len(entries) != 0 {
		t.Errorf("left behind: %d keys, %d files", n, len(entries))
	}
	if _, err := d.RemoveIdle("../x"); err == nil {
		t.Error("RemoveIdle of a name that is not a key did not fail")
	}
}
