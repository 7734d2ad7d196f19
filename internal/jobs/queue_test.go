package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/jobs"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

func enqueue(t *testing.T, s *store.Store, c *storetest.Clock, kind string, max int) parley.ID {
	t.Helper()
	j := &store.Job{Kind: kind, MaxAttempts: max, RunAt: parley.Normalize(c.Now()), CreatedAt: parley.Normalize(c.Now())}
	if err := s.InTx(context.Background(), func(tx *store.Tx) error { return tx.Enqueue(context.Background(), j) }); err != nil {
		t.Fatal(err)
	}
	return j.ID
}

func newQueue(s *store.Store, c *storetest.Clock) *jobs.Queue {
	q := jobs.NewQueue(s, slog.New(slog.NewTextHandler(io.Discard, nil)), c.Now)
	q.Backoff = func(n int) time.Duration { return time.Duration(n) * time.Minute }
	return q
}

func TestQueue(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := storetest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
		q := newQueue(s, c)
		var flaky, failedCalls atomic.Int32
		q.Handle("flaky", jobs.Handler{Run: func(context.Context, *store.Job) error {
			if flaky.Add(1) < 3 {
				return errors.New("421 try again")
			}
			return nil
		}})
		q.Handle("doomed", jobs.Handler{
			Run: func(context.Context, *store.Job) error { return errors.New("connection refused") },
			Failed: func(ctx context.Context, tx *store.Tx, j *store.Job, err error) error {
				failedCalls.Add(1)
				return nil
			},
		})
		q.Handle("rejected", jobs.Handler{Run: func(context.Context, *store.Job) error {
			return jobs.Permanent(errors.New("550 no such user"))
		}})
		flakyID, doomedID, rejectedID := enqueue(t, s, c, "flaky", 5), enqueue(t, s, c, "doomed", 2), enqueue(t, s, c, "rejected", 5)
		unknownID := enqueue(t, s, c, "nobody-handles-this", 5)
		_ = s.InTx(ctx, func(tx *store.Tx) error {
			_ = tx.Enqueue(ctx, &store.Job{Kind: "flaky", MaxAttempts: 1, RunAt: c.Now(), CreatedAt: c.Now()})
			return errors.New("rolled back")
		})

		steps := []struct {
			advance time.Duration
			ran     int
		}{
			{0, 4},           // all four first attempts
			{0, 0},           // nothing due: the retries wait for their backoff
			{time.Minute, 2}, // flaky and doomed, second attempts (1 min after the first)
			{time.Minute, 0}, // flaky's third is 2 min after its second
			{time.Minute, 1}, // flaky succeeds
			{time.Hour, 0},   // nothing left
		}
		for i, st := range steps {
			c.Advance(st.advance)
			n, err := q.RunDue(ctx)
			if err != nil || n != st.ran {
				t.Fatalf("step %d: ran %d (%v), want %d", i, n, err, st.ran)
			}
		}
		for id, want := range map[parley.ID]struct {
			state    string
			attempts int
		}{flakyID: {store.JobDone, 3}, doomedID: {store.JobFailed, 2}, rejectedID: {store.JobFailed, 1}, unknownID: {store.JobFailed, 1}} {
			j, err := s.Job(ctx, id)
			if err != nil || j.State != want.state || j.Attempts != want.attempts {
				t.Errorf("job %d (%s): %+v, %v; want %s after %d attempts", id, j.Kind, j, err, want.state, want.attempts)
			}
		}
		if n := failedCalls.Load(); n != 1 {
			t.Errorf("Failed ran %d times for the doomed job, want once", n)
		}
	})
}

// TestQueueLease: a job claimed by a worker that then dies is not run by
// another until the lease ends, then it is.
func TestQueueLease(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := storetest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
		id := enqueue(t, s, c, "mail", 5)
		if js, err := s.ClaimJobs(ctx, c.Now(), 5*time.Minute, 10); err != nil || len(js) != 1 {
			t.Fatalf("claim = %v, %v", js, err) // ...and the worker dies here
		}
		q := newQueue(s, c)
		var ran atomic.Int32
		q.Handle("mail", jobs.Handler{Run: func(context.Context, *store.Job) error { ran.Add(1); return nil }})
		c.Advance(4 * time.Minute)
		if n, _ := q.RunDue(ctx); n != 0 {
			t.Errorf("ran %d jobs during another worker's lease", n)
		}
		c.Advance(time.Minute)
		if n, _ := q.RunDue(ctx); n != 1 || ran.Load() != 1 {
			t.Errorf("after the lease: ran %d", n)
		}
		if j, _ := s.Job(ctx, id); j.State != store.JobDone || j.Attempts != 2 {
			t.Errorf("job = %+v, want done on the second attempt", j)
		}
	})
}

// TestQueueWorkers: several workers (nodes) drain one queue; every job runs
// exactly once.
func TestQueueWorkers(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := storetest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
		const n = 60
		for range n {
			enqueue(t, s, c, "mail", 1)
		}
		var mu sync.Mutex
		runs := map[parley.ID]int{}
		var wg sync.WaitGroup
		for range 4 {
			q := newQueue(s, c)
			q.Handle("mail", jobs.Handler{Run: func(_ context.Context, j *store.Job) error {
				mu.Lock()
				runs[j.ID]++
				mu.Unlock()
				return nil
			}})
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					k, err := q.RunDue(ctx)
					if err != nil {
						t.Error(err)
						return
					}
					if k == 0 {
						return
					}
				}
			}()
		}
		wg.Wait()
		if len(runs) != n {
			t.Errorf("%d jobs ran, want %d", len(runs), n)
		}
		for id, k := range runs {
			if k != 1 {
				t.Errorf("job %d ran %d times", id, k)
			}
		}
	})
}
