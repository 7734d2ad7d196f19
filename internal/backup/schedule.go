package backup

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"time"
)

// Schedule takes a backup every Every into Dir and keeps the last Keep
// (PARLEY_BACKUP_DIR, _EVERY, _KEEP): serve runs it on SQLite.
type Schedule struct {
	Dir    string
	Every  time.Duration
	Keep   int
	Source Source // its TempDir is Dir, where the archive goes anyway
	Log    *slog.Logger
}

// A scheduled backup is named by the time it was taken, so names sort in
// time order and the newest says when the next is due.
const stampLayout = "20060102T150405Z"

var scheduledName = regexp.MustCompile(`^parley-(\d{8}T\d{6}Z)\.tar\.gz$`)

// retryAfter is how long a failed backup waits to be tried again, when the
// interval is longer: a full disk or a busy database gets a second chance
// the same day.
const retryAfter = time.Hour

// Run takes backups until ctx ends. The first is due Every after the
// newest one in Dir (at once when there is none), so restarting Parley
// neither postpones backups nor takes extra ones.
func (s *Schedule) Run(ctx context.Context) {
	wait := s.untilDue()
	for {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		if _, _, err := s.Take(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			wait = min(s.Every, retryAfter)
			s.Log.Error("backup failed", "dir", s.Dir, "retry_in", wait, "err", err)
			continue
		}
		wait = s.Every
	}
}

// untilDue returns how long until the next backup is due.
func (s *Schedule) untilDue() time.Duration {
	names, err := s.list()
	if err != nil || len(names) == 0 {
		return 0
	}
	last, _ := time.Parse(stampLayout, scheduledName.FindStringSubmatch(names[len(names)-1])[1])
	return max(0, last.Add(s.Every).Sub(s.Source.Now()))
}

// Take writes a backup into Dir now and, once it is complete, deletes the
// oldest beyond the last Keep. It returns the new archive's path and
// manifest; a failed backup deletes nothing.
func (s *Schedule) Take(ctx context.Context) (string, Manifest, error) {
	start := s.Source.Now()
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return "", Manifest{}, fmt.Errorf("backup: %w", err)
	}
	path := filepath.Join(s.Dir, "parley-"+start.UTC().Format(stampLayout)+".tar.gz")
	src := s.Source
	src.TempDir = s.Dir
	m, err := WriteFile(ctx, path, src)
	if err != nil {
		return "", m, err
	}
	args := []any{"file", path, "blobs", m.Blobs, "took", s.Source.Now().Sub(start).Round(time.Millisecond)}
	if m.Database != nil {
		args = append(args, "conversations", m.Database.Conversations, "messages", m.Database.Messages)
	}
	if st, err := os.Stat(path); err == nil {
		args = append(args, "bytes", st.Size())
	}
	s.Log.Info("backup written", args...)
	return path, m, s.prune()
}

// prune deletes the backups beyond the newest Keep, and the unfinished
// files interrupted ones left.
func (s *Schedule) prune() error {
	names, err := s.list()
	if err != nil {
		return err
	}
	for _, name := range names[:max(0, len(names)-s.Keep)] {
		if err := os.Remove(filepath.Join(s.Dir, name)); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		s.Log.Info("backup deleted", "file", filepath.Join(s.Dir, name), "keep", s.Keep)
	}
	leftovers, _ := filepath.Glob(filepath.Join(s.Dir, "parley-*.tar.gz.tmp"))
	for _, p := range leftovers {
		os.Remove(p)
	}
	return nil
}

// list returns the names of the scheduled backups in Dir, oldest first.
func (s *Schedule) list() ([]string, error) {
	entries, err := os.ReadDir(s.Dir)
	if err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("backup: %w", err)
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && scheduledName.MatchString(e.Name()) {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names, nil
}
