package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// KindSystemMail is the job that sends an email Parley writes itself (a
// confirmation link, a notification): payload {"to", "subject", "text"}.
const KindSystemMail = "mail.system"

// Handler does one kind of job.
type Handler struct {
	// Run does the work. An error means try again later, unless it is
	// Permanent or the attempts are used up.
	Run func(ctx context.Context, j *store.Job) error
	// Failed runs in the transaction that records a job's final failure,
	// so it can leave a trace where people will see it (a timeline event).
	Failed func(ctx context.Context, tx *store.Tx, j *store.Job, err error) error
}

// Permanent marks an error that retrying cannot fix, such as a recipient
// the receiving server rejects for good.
func Permanent(err error) error { return permanent{err} }

type permanent struct{ error }

func (p permanent) Unwrap() error { return p.error }

// IsPermanent reports whether err, or an error it wraps, is Permanent.
func IsPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}

// Queue runs the database-backed jobs. Any number of nodes may run one:
// a job is claimed for a lease, so exactly one worker has it at a time, and
// a worker that dies mid-job leaves it to another when the lease ends.
type Queue struct {
	store    *store.Store
	log      *slog.Logger
	now      func() time.Time
	handlers map[string]Handler
	wake     chan struct{}
	mu       sync.Mutex

	// Lease is how long a claimed job is this worker's (default 5 min).
	Lease time.Duration
	// Backoff says how long to wait before attempt n+1 after attempt n
	// failed (default: 30 s doubling up to 1 h, ±20%).
	Backoff func(n int) time.Duration
	// Poll is how often the queue looks for due jobs without being woken
	// (default 1 s): retries come due, and other nodes enqueue.
	Poll time.Duration
}

// NewQueue returns a queue on s; now is the clock (nil: the real one).
func NewQueue(s *store.Store, log *slog.Logger, now func() time.Time) *Queue {
	if now == nil {
		now = time.Now
	}
	return &Queue{store: s, log: log, now: now, handlers: map[string]Handler{}, wake: make(chan struct{}, 1),
		Lease: 5 * time.Minute, Backoff: Backoff, Poll: time.Second}
}

// Backoff is the default retry delay: 30 s doubling to at most an hour,
// spread by ±20% so failures do not retry in lockstep.
func Backoff(n int) time.Duration {
	d := 30 * time.Second << min(max(n-1, 0), 7)
	d = min(d, time.Hour)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// Handle registers the handler of a kind of job. Call it before Run.
func (q *Queue) Handle(kind string, h Handler) { q.handlers[kind] = h }

// Wake makes Run look for due jobs now; call it after committing an
// enqueue.
func (q *Queue) Wake() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Run works until ctx ends.
func (q *Queue) Run(ctx context.Context) {
	tick := time.NewTicker(q.Poll)
	defer tick.Stop()
	for {
		for {
			n, err := q.RunDue(ctx)
			if err != nil && ctx.Err() == nil {
				q.log.Error("jobs: run", "err", err)
			}
			if n == 0 || err != nil {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-q.wake:
		case <-tick.C:
		}
	}
}

// RunDue claims the jobs that are due, runs them and records how each
// ended. It returns how many it ran.
func (q *Queue) RunDue(ctx context.Context) (int, error) {
	q.mu.Lock() // one batch at a time per process
	defer q.mu.Unlock()
	js, err := q.store.ClaimJobs(ctx, parley.Normalize(q.now()), q.Lease, 10)
	if err != nil {
		return 0, err
	}
	for i := range js {
		if err := q.run(ctx, &js[i]); err != nil {
			return i + 1, err
		}
	}
	return len(js), nil
}

func (q *Queue) run(ctx context.Context, j *store.Job) error {
	h, ok := q.handlers[j.Kind]
	var err error
	if !ok {
		err = Permanent(fmt.Errorf("no handler for job kind %q", j.Kind))
	} else {
		err = h.Run(ctx, j)
	}
	now := parley.Normalize(q.now())
	return q.store.InTx(ctx, func(tx *store.Tx) error {
		if err == nil {
			return tx.FinishJob(ctx, j.ID, store.JobDone, time.Time{}, "", now)
		}
		if !IsPermanent(err) && j.Attempts < j.MaxAttempts {
			q.log.Warn("jobs: attempt failed", "kind", j.Kind, "job", j.ID, "attempt", j.Attempts, "err", err)
			return tx.FinishJob(ctx, j.ID, store.JobQueued, now.Add(q.Backoff(j.Attempts)), err.Error(), now)
		}
		q.log.Error("jobs: failed", "kind", j.Kind, "job", j.ID, "attempts", j.Attempts, "err", err)
		if err := tx.FinishJob(ctx, j.ID, store.JobFailed, time.Time{}, err.Error(), now); err != nil {
			return err
		}
		if h.Failed != nil {
			return h.Failed(ctx, tx, j, err)
		}
		return nil
	})
}
