package backup_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/backup"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// failing is a database whose snapshot fails, as on a full disk.
type failing struct{}

func (failing) SnapshotTo(context.Context, string) (store.Summary, error) {
	return store.Summary{}, errors.New("no space left on device")
}

// TestScheduleKeepsTheLastN takes a backup an hour apart five times,
// keeping three: the three newest stay, each a whole backup; a failed one
// deletes none of them.
func TestScheduleKeepsTheLastN(t *testing.T) {
	ctx := context.Background()
	in := newInstall(t, "sqlite")
	clock := storetest.NewClock(time.Date(2026, 12, 2, 1, 0, 0, 0, time.UTC))
	src := in.source(t)
	src.Now = clock.Now
	dir := filepath.Join(t.TempDir(), "backups")
	s := &backup.Schedule{Dir: dir, Every: time.Hour, Keep: 3, Source: src, Log: slog.New(slog.DiscardHandler)}

	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	// Not Parley's scheduled backups, or an interrupted one's leftover.
	os.WriteFile(filepath.Join(dir, "before-upgrade.tar.gz"), []byte("mine"), 0o600)
	os.WriteFile(filepath.Join(dir, "parley-20261201T000000Z.tar.gz.tmp"), []byte("half"), 0o600)
	for range 5 {
		if _, _, err := s.Take(ctx); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Hour)
	}
	want := []string{"before-upgrade.tar.gz", "parley-20261202T030000Z.tar.gz", "parley-20261202T040000Z.tar.gz", "parley-20261202T050000Z.tar.gz"}
	if got := names(t, dir); !slices.Equal(got, want) {
		t.Errorf("the directory holds %v, want %v", got, want)
	}
	f, err := os.Open(filepath.Join(dir, want[1]))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := backup.Restore(ctx, f, emptyTarget(t, "sqlite")); err != nil {
		t.Errorf("a kept backup does not restore: %v", err)
	}

	s.Source.DB = failing{}
	if _, _, err := s.Take(ctx); err == nil || !strings.Contains(err.Error(), "no space left") {
		t.Errorf("a failing backup: %v", err)
	}
	if got := names(t, dir); !slices.Equal(got, want) {
		t.Errorf("after a failed backup the directory holds %v, want %v as before", got, want)
	}
}
