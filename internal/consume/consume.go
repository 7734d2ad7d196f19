// Package consume runs the reactions to the event log. A consumer is a named
// reader of the log with its own stored cursor: it handles events in order,
// at least once, and moves its cursor in the transaction that holds its
// effects (rows, enqueued jobs), so a crash repeats work and never loses
// it. Handlers are idempotent for what lies outside that transaction.
//
// On PostgreSQL one node at a time runs a given consumer: it holds a lock
// that PostgreSQL releases when the node's connection dies, and the others
// retry every few seconds to take over. On SQLite one process runs it.
package consume

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Consumer is a named reaction to the event log.
type Consumer struct {
	// Name identifies the consumer's cursor: renaming one starts it anew.
	Name string
	// Handle handles one event in tx, with which the cursor moves past it.
	// An error rolls the batch back; it is handled again later.
	Handle func(ctx context.Context, tx *store.Tx, e parley.Event) error
	// FromStart makes a new consumer handle the whole log; otherwise it
	// handles the events after the log's end when it first runs.
	FromStart bool
	// Wants, if set, says from an event alone whether Handle would do
	// anything with it. A batch it wants none of is passed over without a
	// transaction: its cursor is stored with the next batch it handles, at
	// the next poll or when the runner stops; a node that dies before then
	// reads those events again and passes over them again. Nil wants every
	// event.
	Wants func(parley.Event) bool
}

// Runner runs one consumer on this node whenever this node holds it.
type Runner struct {
	store *store.Store
	log   *slog.Logger
	c     Consumer
	now   func() time.Time
	wake  chan struct{}
	// handled is where this runner has handled the log up to, for
	// wakeAfter.
	handled atomic.Int64

	// Batch is how many events one transaction handles at most (default
	// 100).
	Batch int
	// Poll is how often the holder reads the log without being woken, in
	// case a notification was lost (default 10 s).
	Poll time.Duration
	// Retry is how often a node that does not hold the consumer tries to
	// take it over, and how long the holder waits after a failure (default
	// 2 s).
	Retry time.Duration
	// OnHold, if set, is called with true when this runner starts holding
	// the consumer and with false before it lets go.
	OnHold func(held bool)
	// OnMove, if set, is called after each batch handled or passed over,
	// with where the runner has handled the log up to (the stored cursor
	// may be behind it: Consumer.Wants).
	OnMove func(seq int64)
}

// NewRunner returns a runner of c on s; now is the clock (nil: the real
// one). Run starts it.
func NewRunner(s *store.Store, log *slog.Logger, c Consumer, now func() time.Time) *Runner {
	if now == nil {
		now = time.Now
	}
	return &Runner{store: s, log: log, c: c, now: now, wake: make(chan struct{}, 1),
		Batch: 100, Poll: 10 * time.Second, Retry: 2 * time.Second}
}

// Wake tells the runner that new events may be in the log. It never blocks.
func (r *Runner) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// wakeAfter wakes the runner if seq is past what it has handled: a
// notification of its own node's commit, which Wake already told it of, is
// then no second read of the log.
func (r *Runner) wakeAfter(seq int64) {
	if seq > r.handled.Load() {
		r.Wake()
	}
}

// Run handles the log whenever this node holds the consumer, until ctx
// ends.
func (r *Runner) Run(ctx context.Context) {
	for {
		lock, ok, err := r.store.TryLock(ctx, "consumer "+r.c.Name)
		if ok {
			err = r.hold(ctx, lock)
		}
		if err != nil && ctx.Err() == nil {
			r.log.Warn("consume: "+r.c.Name, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(r.Retry):
		}
	}
}

// hold handles the log while this runner holds lock, then releases it.
func (r *Runner) hold(ctx context.Context, lock *store.Lock) error {
	defer lock.Release()
	seq, err := r.store.OpenCursor(ctx, r.c.Name, r.c.FromStart, r.now())
	if err != nil {
		return err
	}
	if r.OnHold != nil {
		r.OnHold(true)
		defer r.OnHold(false)
	}
	poll := time.NewTicker(r.Poll)
	defer poll.Stop()
	c := cursor{handled: seq, stored: seq}
	r.handled.Store(seq)
	for {
		err := r.drain(ctx, &c)
		if ctx.Err() != nil {
			r.stop(ctx, &c) // stopped in the drain or before it
			return nil
		}
		if err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			r.stop(ctx, &c)
			return nil
		case <-r.wake:
		case <-poll.C:
			if err := lock.Check(ctx); err != nil {
				return err
			}
			if err := r.storePassed(ctx, &c); err != nil {
				return err
			}
		}
	}
}

// stop stores on the way out what was passed over since the last poll: a
// node restarted after a busy spell read it all again, every consumer at
// once, and its first second of requests waited (W11,
// docs/benchmarks/issue-19.md). ctx is the runner's, already done.
func (r *Runner) stop(ctx context.Context, c *cursor) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := r.storePassed(sctx, c); err != nil {
		r.log.Warn("consume: "+r.c.Name+": storing the cursor on stop", "err", err)
	}
}

// storePassed stores the cursor where the runner has handled the log up to,
// if the batches passed over since it was last stored left it behind.
func (r *Runner) storePassed(ctx context.Context, c *cursor) error {
	if c.handled == c.stored {
		return nil
	}
	if err := r.store.InTx(ctx, func(tx *store.Tx) error {
		if err := r.check(ctx, tx, c.stored); err != nil {
			return err
		}
		return tx.MoveCursor(ctx, r.c.Name, c.handled, r.now())
	}); err != nil {
		return err
	}
	c.stored = c.handled
	return nil
}

// A cursor is where a runner has handled the log up to, and where the
// stored cursor says: behind it by the batches passed over since.
type cursor struct{ handled, stored int64 }

// errMoved means the cursor is not where this runner left it: another
// runner held the consumer meanwhile.
var errMoved = errors.New("consume: the cursor moved under this runner")

// drain handles every event after c.handled, a batch per transaction,
// passing over the batches the consumer wants nothing of. A batch short of
// Batch is the log's end: what commits after it wakes the runner again.
func (r *Runner) drain(ctx context.Context, c *cursor) error {
	for {
		evs, err := r.store.EventsAfter(ctx, c.handled, r.Batch)
		if err != nil || len(evs) == 0 {
			return err
		}
		last := evs[len(evs)-1].Seq
		wanted := evs
		if r.c.Wants != nil {
			wanted = slices.DeleteFunc(evs, func(e parley.Event) bool { return !r.c.Wants(e) })
		}
		if len(wanted) > 0 {
			err = r.store.InTx(ctx, func(tx *store.Tx) error {
				if err := r.check(ctx, tx, c.stored); err != nil {
					return err
				}
				for _, e := range wanted {
					if err := r.c.Handle(ctx, tx, e); err != nil {
						return fmt.Errorf("consume: %s: event %d (%s): %w", r.c.Name, e.Seq, e.Type, err)
					}
				}
				return tx.MoveCursor(ctx, r.c.Name, last, r.now())
			})
			if err != nil {
				return err
			}
			c.stored = last
		}
		c.handled = last
		r.handled.Store(last)
		if r.OnMove != nil {
			r.OnMove(last)
		}
		if len(evs) < r.Batch {
			return nil
		}
	}
}

// check locks the stored cursor until tx ends and checks that it is where
// this runner left it (from). The lock makes one holder at a time, and two
// transactions of one consumer never make effects at once; the check makes
// a holder that lost the lock unknowingly harmless.
func (r *Runner) check(ctx context.Context, tx *store.Tx, from int64) error {
	at, err := tx.LockCursor(ctx, r.c.Name)
	if err != nil {
		return err
	}
	if at != from {
		return fmt.Errorf("%w: at %d, not %d", errMoved, at, from)
	}
	return nil
}

// Group runs a node's consumers and wakes them on every commit: this
// node's, through Wake, and other nodes', through the store's notifications.
type Group struct {
	store   *store.Store
	log     *slog.Logger
	now     func() time.Time
	runners []*Runner
}

// NewGroup returns an empty group on s; now is the clock (nil: the real
// one).
func NewGroup(s *store.Store, log *slog.Logger, now func() time.Time) *Group {
	return &Group{store: s, log: log, now: now}
}

// Add adds a consumer and returns its runner, to tune before Run.
func (g *Group) Add(c Consumer) *Runner {
	r := NewRunner(g.store, g.log, c, g.now)
	g.runners = append(g.runners, r)
	return r
}

// Wake tells every consumer that new events may be in the log. It never
// blocks.
func (g *Group) Wake() {
	for _, r := range g.runners {
		r.Wake()
	}
}

// Run runs the consumers until ctx ends. With none, it returns at once.
func (g *Group) Run(ctx context.Context) {
	if len(g.runners) == 0 {
		return
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		ch := g.store.EventsChannel()
		g.store.Listen(ctx, []string{ch}, g.Wake, func(_, payload string) {
			seq, err := strconv.ParseInt(payload, 10, 64)
			if err != nil {
				g.Wake()
				return
			}
			for _, r := range g.runners {
				r.wakeAfter(seq)
			}
		})
	}()
	for _, r := range g.runners {
		wg.Add(1)
		go func() { defer wg.Done(); r.Run(ctx) }()
	}
	wg.Wait()
}

// Replay hands c every event after seq, in order, each in its own
// transaction, and returns the last one's seq (seq when there was none).
// It keeps no cursor: for tests, and for a consumer run by hand.
func Replay(ctx context.Context, s *store.Store, c Consumer, seq int64) (int64, error) {
	for {
		evs, err := s.EventsAfter(ctx, seq, 1000)
		if err != nil || len(evs) == 0 {
			return seq, err
		}
		for _, e := range evs {
			if err := s.InTx(ctx, func(tx *store.Tx) error { return c.Handle(ctx, tx, e) }); err != nil {
				return seq, fmt.Errorf("consume: %s at %d: %w", c.Name, e.Seq, err)
			}
			seq = e.Seq
		}
	}
}
