package export_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/export"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

func (w *world) service(dir string) *export.Service {
	return export.New(w.s, export.Options{Now: w.clock.Now, Dir: dir, Blobs: w.blobs, Version: "test"})
}

// exportEvents returns the types of the export events in the log.
func exportEvents(t *testing.T, s *store.Store) []string {
	t.Helper()
	evs, err := s.EventsAfter(context.Background(), 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		switch e.Type {
		case parley.EventExportCreated, parley.EventExportDownloaded, parley.EventExportDeleted:
			if e.InboxID != nil || e.ConversationID != nil {
				t.Errorf("%s names an inbox or a conversation: it would go to their streams", e.Type)
			}
			out = append(out, e.Type)
		}
	}
	return out
}

// TestService runs an export as the job admins start: only admins may,
// the runner writes it with its progress, it downloads once ready, and it
// is deleted by hand or seven days on; each step an event in the log.
func TestService(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		ctx := context.Background()
		dir := t.TempDir()
		svc := w.service(dir)

		// Who may: admins only; an inbox that is not there is the input's fault.
		for _, tc := range []struct {
			name  string
			actor parley.Actor
			inbox *parley.ID
			code  string
		}{
			{"agent", w.agent, nil, parley.EFORBIDDEN},
			{"viewer", w.viewer, &w.support.ID, parley.EFORBIDDEN},
			{"no such inbox", w.admin, new(parley.ID(999999)), parley.EINVALID},
		} {
			if _, err := svc.Start(ctx, tc.actor, tc.inbox); parley.ErrorCode(err) != tc.code {
				t.Errorf("%s: Start: %v, want %s", tc.name, err, tc.code)
			}
		}
		for _, a := range []parley.Actor{w.agent, w.viewer} {
			if _, err := svc.Exports(ctx, a); parley.ErrorCode(err) != parley.EFORBIDDEN {
				t.Errorf("Exports as %s: %v", a.Role, err)
			}
		}

		e, err := svc.Start(ctx, w.admin, &w.support.ID)
		if err != nil {
			t.Fatal(err)
		}
		if e.State != export.Queued || e.InboxName != "support" || e.Everything {
			t.Fatalf("started %+v", e)
		}
		for _, a := range []parley.Actor{w.agent, w.viewer} {
			if _, _, err := svc.Download(ctx, a, e.ID); parley.ErrorCode(err) != parley.EFORBIDDEN {
				t.Errorf("Download as %s: %v", a.Role, err)
			}
			if err := svc.Delete(ctx, a, e.ID); parley.ErrorCode(err) != parley.EFORBIDDEN {
				t.Errorf("Delete as %s: %v", a.Role, err)
			}
		}
		if _, _, err := svc.Download(ctx, w.admin, e.ID); parley.ErrorReason(err) != "export_not_ready" {
			t.Errorf("Download before it is ready: %v", err)
		}
		if _, err := svc.Export(ctx, w.admin, e.ID+1000); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("a guessed id: %v", err)
		}

		if ran, err := svc.RunOnce(ctx); !ran || err != nil {
			t.Fatalf("RunOnce: %v %v", ran, err)
		}
		if ran, err := svc.RunOnce(ctx); ran || err != nil {
			t.Fatalf("RunOnce with nothing queued: %v %v", ran, err)
		}
		got, err := svc.Export(ctx, w.admin, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != export.Ready || got.Done != 3 || got.Total != 3 || got.Size == 0 || got.FinishedAt == nil || got.Attempts != 1 {
			t.Fatalf("after running: %+v", got)
		}
		_, f, err := svc.Download(ctx, w.admin, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		a := readArchive(t, f)
		f.Close()
		if len(a.lines["conversations"]) != 3 || a.manifest.Inbox == nil || a.manifest.Inbox.Name != "support" {
			t.Errorf("downloaded %+v", a.manifest)
		}
		if export.FileName(got) != "parley-export-"+itoa(e.ID)+"-inbox-"+itoa(w.support.ID)+"-20260301.tar.gz" {
			t.Errorf("file name %s", export.FileName(got))
		}

		// Deleted by hand: the row, the file and an event.
		if err := svc.Delete(ctx, w.admin, e.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, got.File)); !os.IsNotExist(err) {
			t.Errorf("the archive is still there: %v", err)
		}
		if err := svc.Delete(ctx, w.admin, e.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("deleted twice: %v", err)
		}

		// Everything, kept seven days.
		all, err := svc.Start(ctx, w.admin, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		got, _ = svc.Export(ctx, w.admin, all.ID)
		if got.State != export.Ready || got.Total != 6 {
			t.Fatalf("everything: %+v", got)
		}
		w.clock.Advance(7*24*time.Hour - time.Minute)
		if err := svc.Expire(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Export(ctx, w.admin, all.ID); err != nil {
			t.Fatalf("gone before seven days: %v", err)
		}
		w.clock.Advance(2 * time.Minute)
		if err := svc.Expire(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Export(ctx, w.admin, all.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Fatalf("still there after seven days: %v", err)
		}
		if left, _ := os.ReadDir(dir); len(left) != 0 {
			t.Errorf("left in the exports directory: %v", left)
		}

		want := []string{parley.EventExportCreated, parley.EventExportDownloaded, parley.EventExportDeleted,
			parley.EventExportCreated, parley.EventExportDeleted}
		if got := exportEvents(t, s); !slices.Equal(got, want) {
			t.Errorf("events %v, want %v", got, want)
		}
	})
}

// TestInterrupted: an export whose node stopped mid-way (its heartbeat
// stale) is queued again and written from the start, and failed as
// interrupted after three attempts; one deleted while it runs stops.
func TestInterrupted(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		ctx := context.Background()
		svc := w.service(t.TempDir())
		e, err := svc.Start(ctx, w.admin, nil)
		if err != nil {
			t.Fatal(err)
		}
		for attempt := 1; attempt <= 3; attempt++ {
			// A node claims it and dies.
			c, err := s.ClaimExport(ctx, parley.Normalize(w.clock.Now()), parley.Normalize(w.clock.Now().Add(-2*time.Minute)), 3)
			if err != nil || c == nil || c.ID != e.ID || c.Attempts != attempt || c.State != export.Running {
				t.Fatalf("attempt %d: claimed %+v, %v", attempt, c, err)
			}
			w.clock.Advance(time.Minute)
			if c, _ := s.ClaimExport(ctx, parley.Normalize(w.clock.Now()), parley.Normalize(w.clock.Now().Add(-2*time.Minute)), 3); c != nil {
				t.Fatalf("claimed while running: %+v", c)
			}
			w.clock.Advance(2 * time.Minute)
		}
		if ran, err := svc.RunOnce(ctx); ran || err != nil {
			t.Fatalf("RunOnce: %v %v", ran, err)
		}
		got, _ := svc.Export(ctx, w.admin, e.ID)
		if got.State != export.Failed || got.Error != "interrupted" || got.FinishedAt == nil {
			t.Fatalf("after three interruptions: %+v", got)
		}

		// One deleted while it runs: its writer is told at its next step.
		gone, _ := svc.Start(ctx, w.admin, nil)
		if c, err := s.ClaimExport(ctx, parley.Normalize(w.clock.Now()), parley.Normalize(w.clock.Now().Add(-2*time.Minute)), 3); err != nil || c.ID != gone.ID {
			t.Fatalf("claimed %+v, %v", c, err)
		}
		if err := s.ExportProgress(ctx, gone.ID, 1, 6, parley.Normalize(w.clock.Now())); err != nil {
			t.Fatal(err)
		}
		if err := svc.Delete(ctx, w.admin, gone.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.ExportProgress(ctx, gone.ID, 2, 6, parley.Normalize(w.clock.Now())); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("progress of a deleted export: %v", err)
		}
		if err := s.FinishExport(ctx, gone.ID, export.Ready, "x.tar.gz", 1, "", parley.Normalize(w.clock.Now())); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("finishing a deleted export: %v", err)
		}

		// Once interrupted, the next attempt writes it whole.
		e2, _ := svc.Start(ctx, w.admin, &w.sales.ID)
		if _, err := s.ClaimExport(ctx, parley.Normalize(w.clock.Now()), parley.Normalize(w.clock.Now().Add(-2*time.Minute)), 3); err != nil {
			t.Fatal(err)
		}
		w.clock.Advance(3 * time.Minute)
		if ran, err := svc.RunOnce(ctx); !ran || err != nil {
			t.Fatalf("RunOnce: %v %v", ran, err)
		}
		got, _ = svc.Export(ctx, w.admin, e2.ID)
		if got.State != export.Ready || got.Attempts != 2 || got.Done != 3 {
			t.Fatalf("resumed: %+v", got)
		}
		_, f, err := svc.Download(ctx, w.admin, e2.ID)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if n, _ := io.Copy(io.Discard, f); n != got.Size {
			t.Errorf("downloaded %d bytes of %d", n, got.Size)
		}
	})
}

// TestInboxDeleted: an inbox's export whose inbox is deleted before it
// runs fails; it never becomes an export of everything.
func TestInboxDeleted(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		w := newWorld(t, s)
		ctx := context.Background()
		svc := w.service(t.TempDir())
		e, err := svc.Start(ctx, w.admin, &w.sales.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.DeleteInbox(ctx, w.sales.ID) }); err != nil {
			t.Fatal(err)
		}
		if ran, err := svc.RunOnce(ctx); !ran || err != nil {
			t.Fatalf("RunOnce: %v %v", ran, err)
		}
		got, _ := svc.Export(ctx, w.admin, e.ID)
		if got.State != export.Failed || got.Error != "inbox_deleted" || got.InboxID != nil || got.InboxName != "sales" || got.File != "" {
			t.Fatalf("%+v", got)
		}
	})
}

func itoa(id parley.ID) string { return strconv.FormatInt(int64(id), 10) }
