package export

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Export is an archive an admin asked for, as the store keeps it.
type Export = store.Export

// Export states.
const (
	Queued  = store.ExportQueued
	Running = store.ExportRunning
	Ready   = store.ExportReady
	Failed  = store.ExportFailed
)

// Options configure the exports service; zero fields work.
type Options struct {
	Now     func() time.Time
	Log     *slog.Logger
	Version string
	// Dir is where archives are written: the data directory's exports/.
	// Every node that serves downloads must see the same one.
	Dir   string
	Blobs *blob.Dir
	// Keep is how long an archive is kept after it is finished (7 days).
	Keep time.Duration
	// Poll is how often the runner looks for a queued export without
	// being woken (default 5 s): another node may have queued it.
	Poll time.Duration
	// Stale is how long a running export may go without moving before it
	// counts as interrupted (default 2 min); it is queued again and
	// written from the start, at most MaxAttempts times, then failed.
	Stale       time.Duration
	MaxAttempts int
}

// Service is the admins' exports: started as a job, written by the runner
// serve runs, downloaded when ready, deleted by hand or after Keep.
type Service struct {
	store *store.Store
	opts  Options
	wake  chan struct{}
}

// New returns the exports service on st.
func New(st *store.Store, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Keep == 0 {
		o.Keep = 7 * 24 * time.Hour
	}
	if o.Poll == 0 {
		o.Poll = 5 * time.Second
	}
	if o.Stale == 0 {
		o.Stale = 2 * time.Minute
	}
	if o.MaxAttempts == 0 {
		o.MaxAttempts = 3
	}
	return &Service{store: st, opts: o, wake: make(chan struct{}, 1)}
}

// event returns an export event: it names no inbox, so it goes to the
// admins' stream only (realtime), and never to webhooks.
func event(typ string, a parley.Actor, e *Export, at time.Time, extra map[string]any) parley.Event {
	data := map[string]any{"export_id": e.ID, "everything": e.Everything, "inbox_id": e.InboxID, "inbox_name": e.InboxName}
	for k, v := range extra {
		data[k] = v
	}
	return parley.NewEvent(typ, a, at, data)
}

// Start queues an export of everything, or of one inbox (admins).
func (s *Service) Start(ctx context.Context, a parley.Actor, inbox *parley.ID) (*Export, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	now := parley.Normalize(s.opts.Now())
	e := &Export{Everything: inbox == nil, CreatedAt: now}
	if a.Kind == parley.ActorUser {
		id := a.UserID
		e.CreatedBy = &id
	}
	if inbox != nil {
		in, err := s.store.Inbox(ctx, *inbox)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			return nil, parley.Invalid("inbox_id", "no such inbox").Because("export_inbox")
		} else if err != nil {
			return nil, err
		}
		e.InboxID, e.InboxName = &in.ID, in.Name
	}
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateExport(ctx, e); err != nil {
			return err
		}
		tx.Append(event(parley.EventExportCreated, a, e, now, nil))
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.Wake()
	return e, nil
}

// Exports lists the exports, newest first (admins).
func (s *Service) Exports(ctx context.Context, a parley.Actor) ([]Export, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	return s.store.Exports(ctx)
}

// Export returns one export (admins).
func (s *Service) Export(ctx context.Context, a parley.Actor, id parley.ID) (*Export, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	return s.store.Export(ctx, id)
}

// Download opens a ready export's archive (admins) and records that it was
// downloaded. The caller closes the file.
func (s *Service) Download(ctx context.Context, a parley.Actor, id parley.ID) (*Export, *os.File, error) {
	e, err := s.Export(ctx, a, id)
	if err != nil {
		return nil, nil, err
	}
	if e.State != Ready {
		return nil, nil, parley.Errorf(parley.ECONFLICT, "the export is not ready").Because("export_not_ready")
	}
	f, err := os.Open(filepath.Join(s.opts.Dir, e.File))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, parley.NotFound("export")
	} else if err != nil {
		return nil, nil, fmt.Errorf("export: %w", err)
	}
	err = s.store.InTx(ctx, func(tx *store.Tx) error {
		tx.Append(event(parley.EventExportDownloaded, a, e, parley.Normalize(s.opts.Now()), nil))
		return nil
	})
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return e, f, nil
}

// FileName is the name a downloaded archive is given.
func FileName(e *Export) string {
	scope := "everything"
	if !e.Everything {
		scope = "inbox-" + strconv.FormatInt(int64(ptr(e.InboxID)), 10)
	}
	return fmt.Sprintf("parley-export-%d-%s-%s.tar.gz", e.ID, scope, e.CreatedAt.UTC().Format("20060102"))
}

func ptr(id *parley.ID) parley.ID {
	if id == nil {
		return 0
	}
	return *id
}

// Delete deletes an export and its archive (admins); one running stops.
func (s *Service) Delete(ctx context.Context, a parley.Actor, id parley.ID) error {
	if err := auth.Admin(a); err != nil {
		return err
	}
	return s.delete(ctx, a, id, "deleted")
}

func (s *Service) delete(ctx context.Context, a parley.Actor, id parley.ID, reason string) error {
	var e *Export
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if e, err = tx.Export(ctx, id); err != nil {
			return err
		}
		if err := tx.DeleteExport(ctx, id); err != nil {
			return err
		}
		tx.Append(event(parley.EventExportDeleted, a, e, parley.Normalize(s.opts.Now()), map[string]any{"reason": reason}))
		return nil
	})
	if err != nil {
		return err
	}
	if e.File != "" {
		if err := os.Remove(filepath.Join(s.opts.Dir, e.File)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("export: %w", err)
		}
	}
	return nil
}

// Expire deletes the exports finished more than Keep ago, as the system.
func (s *Service) Expire(ctx context.Context) error {
	old, err := s.store.ExportsFinishedBefore(ctx, parley.Normalize(s.opts.Now().Add(-s.opts.Keep)))
	if err != nil {
		return err
	}
	for _, e := range old {
		if err := s.delete(ctx, parley.System, e.ID, "expired"); err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
			return err
		}
	}
	return nil
}

// Wake tells the runner an export is queued.
func (s *Service) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run writes queued exports and deletes expired ones until ctx ends.
func (s *Service) Run(ctx context.Context) {
	t := time.NewTicker(s.opts.Poll)
	defer t.Stop()
	for {
		for {
			ran, err := s.RunOnce(ctx)
			if err != nil && ctx.Err() == nil {
				s.opts.Log.Error("export", "err", err)
			}
			if !ran || ctx.Err() != nil {
				break
			}
		}
		if err := s.Expire(ctx); err != nil && ctx.Err() == nil {
			s.opts.Log.Error("expire exports", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.wake:
		}
	}
}

// RunOnce claims one queued export and writes it; false when there was
// none.
func (s *Service) RunOnce(ctx context.Context) (bool, error) {
	now := s.opts.Now()
	e, err := s.store.ClaimExport(ctx, parley.Normalize(now), parley.Normalize(now.Add(-s.opts.Stale)), s.opts.MaxAttempts)
	if err != nil || e == nil {
		return false, err
	}
	s.opts.Log.Info("export started", "export", e.ID, "inbox", e.InboxID, "attempt", e.Attempts)
	if !e.Everything && e.InboxID == nil {
		// Its inbox was deleted since it was asked for: never everything instead.
		return true, s.finishFailed(ctx, e, "inbox_deleted")
	}
	if err := os.MkdirAll(s.opts.Dir, 0o700); err != nil {
		return true, s.fail(ctx, e, err)
	}
	file := strconv.FormatInt(int64(e.ID), 10) + ".tar.gz"
	var last time.Time
	m, size, err := WriteFile(ctx, filepath.Join(s.opts.Dir, file), s.store, s.opts.Blobs, Archive{
		Inbox: e.InboxID, InboxName: e.InboxName, Version: s.opts.Version, Now: s.opts.Now,
		Progress: func(done, total int64) error {
			// At most a write a second, and always the first and last.
			now := s.opts.Now()
			if done != 0 && done != total && now.Sub(last) < time.Second {
				return ctx.Err()
			}
			last = now
			return s.store.ExportProgress(ctx, e.ID, done, total, parley.Normalize(now))
		},
	})
	if err != nil {
		if _, gone := s.store.Export(context.WithoutCancel(ctx), e.ID); parley.ErrorCode(gone) == parley.ENOTFOUND {
			return true, nil // deleted while it was written: nothing is left to record
		}
		return true, s.fail(ctx, e, err)
	}
	err = s.store.FinishExport(ctx, e.ID, Ready, file, size, "", parley.Normalize(s.opts.Now()))
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		os.Remove(filepath.Join(s.opts.Dir, file)) // deleted meanwhile
		return true, nil
	}
	s.opts.Log.Info("export ready", "export", e.ID, "conversations", m.Counts["conversations"], "bytes", size)
	return true, err
}

func (s *Service) fail(ctx context.Context, e *Export, cause error) error {
	s.opts.Log.Error("export failed", "export", e.ID, "err", cause)
	if ctx.Err() != nil {
		// Shutting down: the export stays running, and is queued again
		// once its heartbeat is stale.
		return nil
	}
	return s.finishFailed(ctx, e, "failed")
}

// finishFailed records that e failed, and why: failed, interrupted or
// inbox_deleted.
func (s *Service) finishFailed(ctx context.Context, e *Export, why string) error {
	err := s.store.FinishExport(context.WithoutCancel(ctx), e.ID, Failed, "", 0, why, parley.Normalize(s.opts.Now()))
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil
	}
	return err
}

// FindInbox finds an inbox by its id or its slug.
func FindInbox(ctx context.Context, st *store.Store, idOrSlug string) (*parley.Inbox, error) {
	inboxes, err := st.Inboxes(ctx)
	if err != nil {
		return nil, err
	}
	for i := range inboxes {
		in := &inboxes[i]
		if in.Slug == idOrSlug || strconv.FormatInt(int64(in.ID), 10) == idOrSlug {
			return in, nil
		}
	}
	return nil, parley.NotFound("inbox")
}
