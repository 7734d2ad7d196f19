package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/parleyhq/parley/internal/jobs"
)

func TestSchedule(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		var runs atomic.Int32
		jobs.Schedule(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), jobs.Task{
			Name: "t", Every: time.Hour,
			Run: func(context.Context) error { runs.Add(1); return errors.New("fails, and runs again") },
		})
		synctest.Wait()
		if n := runs.Load(); n != 1 {
			t.Fatalf("after start: %d runs, want 1", n)
		}
		time.Sleep(3*time.Hour + time.Minute)
		synctest.Wait()
		if n := runs.Load(); n != 4 {
			t.Fatalf("after 3 hours: %d runs, want 4", n)
		}
		cancel()
		time.Sleep(5 * time.Hour)
		synctest.Wait()
		if n := runs.Load(); n != 4 {
			t.Fatalf("after cancel: %d runs, want still 4", n)
		}
	})
}
