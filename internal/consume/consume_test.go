package consume_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/consume"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// effectKind is the job a test consumer enqueues for each event it handles:
// its effect, committed with the cursor.
const effectKind = "test.effect"

// enqueueEffect is a test consumer's handler.
func enqueueEffect(ctx context.Context, tx *store.Tx, e parley.Event) error {
	payload, _ := json.Marshal(map[string]int64{"seq": e.Seq})
	return tx.Enqueue(ctx, &store.Job{Kind: effectKind, Payload: payload, MaxAttempts: 1, RunAt: e.At, CreatedAt: e.At})
}

func open(t *testing.T, url string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), store.Options{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// appendEvents appends n events, a hundred per transaction.
func appendEvents(t *testing.T, s *store.Store, n int) {
	t.Helper()
	at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	for n > 0 {
		k := min(n, 100)
		err := s.InTx(context.Background(), func(tx *store.Tx) error {
			for range k {
				tx.Append(parley.Event{Type: "test.tick", ActorKind: parley.ActorSystem, At: at})
			}
			return nil
		})
		if err != nil {
			t.Error(err)
			return
		}
		n -= k
	}
}

// checkEffects checks that the consumer's effects are each event of the
// log exactly once.
func checkEffects(t *testing.T, s *store.Store, url string) {
	t.Helper()
	ctx := context.Background()
	evs, err := s.EventsAfter(ctx, 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	driver, dsn := "sqlite", url
	if strings.HasPrefix(url, "postgres") {
		driver = "pgx"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT payload FROM jobs WHERE kind = $1`, effectKind)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[int64]int{}
	for rows.Next() {
		var payload string
		var p struct{ Seq int64 }
		if err := rows.Scan(&payload); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(payload), &p); err != nil {
			t.Fatal(err)
		}
		got[p.Seq]++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	bad := 0
	for _, e := range evs {
		if n := got[e.Seq]; n != 1 && bad < 10 {
			t.Errorf("event %d: handled %d times, want once", e.Seq, n)
			bad++
		}
		delete(got, e.Seq)
	}
	if len(got) > 0 {
		t.Errorf("effects for events not in the log: %v", got)
	}
	if len(evs) == 0 {
		t.Error("no events in the log")
	}
}

// waitFor waits until moved reports seq or later.
func waitFor(t *testing.T, moved <-chan int64, seq int64) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case got := <-moved:
			if got >= seq {
				return
			}
		case <-deadline:
			t.Fatalf("the consumer did not reach event %d", seq)
		}
	}
}

// moves returns a buffered channel and an OnMove hook that feeds it the
// latest cursor without ever blocking the runner.
func moves() (chan int64, func(int64)) {
	ch := make(chan int64, 1)
	return ch, func(seq int64) {
		for {
			select {
			case ch <- seq:
				return
			case <-ch: // drop the older value
			}
		}
	}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestConsumerHandlesEachEventOnce runs a consumer over thousands of events,
// some in the log before it starts and some appended while it runs: its
// effects are the event set, each exactly once.
func TestConsumerHandlesEachEventOnce(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			url := storetest.URL(t, engine)
			s := open(t, url)
			appendEvents(t, s, 1500)

			ctx, cancel := context.WithCancel(context.Background())
			g := consume.NewGroup(s, quiet(), nil)
			r := g.Add(consume.Consumer{Name: "effects", Handle: enqueueEffect, FromStart: true})
			r.Batch = 37
			moved, onMove := moves()
			r.OnMove = onMove
			s.SetOnEvents(func([]parley.Event) { g.Wake() })
			done := make(chan struct{})
			go func() { g.Run(ctx); close(done) }()

			var wg sync.WaitGroup
			for range 3 {
				wg.Add(1)
				go func() { defer wg.Done(); appendEvents(t, s, 500) }()
			}
			wg.Wait()
			last, err := s.LastSeq(ctx)
			if err != nil {
				t.Fatal(err)
			}
			waitFor(t, moved, last)
			cancel()
			<-done
			checkEffects(t, s, url)
		})
	}
}

// TestConsumerStartsAtTheEnd: a new consumer without FromStart handles only
// what comes after it first runs.
func TestConsumerStartsAtTheEnd(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		appendEvents(t, s, 10)
		var seen []int64
		held := make(chan bool, 1)
		r := consume.NewRunner(s, quiet(), consume.Consumer{Name: "later", Handle: func(_ context.Context, _ *store.Tx, e parley.Event) error {
			seen = append(seen, e.Seq)
			return nil
		}}, nil)
		r.OnHold = func(h bool) {
			if h {
				held <- h
			}
		}
		moved, onMove := moves()
		r.OnMove = onMove
		done := make(chan struct{})
		go func() { r.Run(ctx); close(done) }()
		<-held
		// The cursor is made when the runner holds the consumer; events
		// appended from here on come after it.
		appendEvents(t, s, 3)
		last, err := s.LastSeq(ctx)
		if err != nil {
			t.Fatal(err)
		}
		r.Wake()
		waitFor(t, moved, last)
		cancel()
		<-done
		if want := []int64{last - 2, last - 1, last}; fmt.Sprint(seen) != fmt.Sprint(want) {
			t.Errorf("handled %v, want %v", seen, want)
		}
	})
}

// TestOneHolder runs one consumer on two nodes of one PostgreSQL database:
// never do both hold it, and when the holder stops without handing over,
// the other takes over within seconds and carries on from its cursor.
func TestOneHolder(t *testing.T) {
	url := storetest.URL(t, "postgres")
	ctx := context.Background()
	a, b := open(t, url), open(t, url)
	appendEvents(t, a, 300)

	var holders atomic.Int32
	held := make(chan int, 2)
	moved, onMove := moves()
	runners := make([]*consume.Runner, 2)
	for i, s := range []*store.Store{a, b} {
		r := consume.NewRunner(s, quiet(), consume.Consumer{Name: "effects", Handle: enqueueEffect, FromStart: true}, nil)
		r.Batch, r.Retry = 25, 20*time.Millisecond
		r.OnMove = onMove
		r.OnHold = func(h bool) {
			if !h {
				holders.Add(-1)
				return
			}
			if n := holders.Add(1); n > 1 {
				t.Errorf("%d runners hold the consumer", n)
			}
			held <- i
		}
		runners[i] = r
	}
	ctxs := make([]context.Context, 2)
	stops := make([]context.CancelFunc, 2)
	dones := make([]chan struct{}, 2)
	for i, r := range runners {
		ctxs[i], stops[i] = context.WithCancel(ctx)
		dones[i] = make(chan struct{})
		go func() { r.Run(ctxs[i]); close(dones[i]) }()
	}
	defer func() {
		for i := range runners {
			stops[i]()
			<-dones[i]
		}
	}()

	first := wait(t, held)
	last, err := a.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, moved, last)
	if lock, ok, err := a.TryLock(ctx, "consumer effects"); err != nil {
		t.Fatal(err)
	} else if ok {
		lock.Release()
		t.Error("TryLock took the lock a runner holds")
	}

	// The holder stops; the other was trying all along.
	stops[first]()
	<-dones[first]
	appendEvents(t, a, 200)
	if second := wait(t, held); second == first {
		t.Fatalf("runner %d took the consumer again after it stopped", second)
	}
	if last, err = a.LastSeq(ctx); err != nil {
		t.Fatal(err)
	}
	runners[1-first].Wake()
	waitFor(t, moved, last)
	checkEffects(t, a, url)
}

func wait(t *testing.T, held <-chan int) int {
	t.Helper()
	select {
	case i := <-held:
		return i
	case <-time.After(10 * time.Second):
		t.Fatal("no runner took the consumer within 10 s")
		return -1
	}
}

// TestConsumerPassesOver: a consumer that wants some events only handles
// those, each once — batches it wants nothing of lie between the others,
// so a batch handled after them finds the stored cursor where the last
// handled one left it; the batches it wants none of cost no transaction, so
// its stored cursor stays at the last batch it handled while the runner
// goes on, until a poll or the runner's stop stores where it is.
func TestConsumerPassesOver(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		appendEvents(t, s, 300)
		evs, err := s.EventsAfter(ctx, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		mid, last := evs[149].Seq, evs[len(evs)-1].Seq
		var want []int64
		for _, e := range evs {
			if e.Seq%25 == 0 && e.Seq <= mid {
				want = append(want, e.Seq)
			}
		}
		var mu sync.Mutex
		var handled []int64
		c := consume.Consumer{Name: "some", FromStart: true,
			Wants: func(e parley.Event) bool { return e.Seq%25 == 0 && e.Seq <= mid },
			Handle: func(_ context.Context, _ *store.Tx, e parley.Event) error {
				mu.Lock()
				defer mu.Unlock()
				handled = append(handled, e.Seq)
				return nil
			}}
		stored := func() int64 {
			seq, err := s.OpenCursor(ctx, c.Name, true, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			return seq
		}
		// run runs a runner until it has passed last, and reports whether
		// until held before it was stopped.
		run := func(poll time.Duration, last int64, until func() bool) bool {
			rctx, cancel := context.WithCancel(ctx)
			r := consume.NewRunner(s, quiet(), c, nil)
			r.Batch, r.Poll = 10, poll
			moved, onMove := moves()
			r.OnMove = onMove
			done := make(chan struct{})
			go func() { r.Run(rctx); close(done) }()
			waitFor(t, moved, last)
			ok := until()
			for deadline := time.Now().Add(10 * time.Second); !ok && time.Now().Before(deadline); ok = until() {
				time.Sleep(5 * time.Millisecond) // the poll is the runner's own clock
			}
			r.Wake() // a commit's notice as the node stops: the cursor is stored all the same
			cancel()
			<-done
			return ok
		}

		if !run(time.Hour, last, func() bool { at := stored(); return at >= want[len(want)-1] && at < last }) {
			t.Errorf("stored cursor at %d while passing over: want from %d to before %d", stored(), want[len(want)-1], last)
		}
		if at := stored(); at != last {
			t.Errorf("stored cursor at %d once the runner stopped, want %d", at, last)
		}
		appendEvents(t, s, 50)
		evs, err = s.EventsAfter(ctx, last, 1000)
		if err != nil || len(evs) != 50 {
			t.Fatalf("%d events after %d: %v", len(evs), last, err)
		}
		last = evs[len(evs)-1].Seq
		if !run(20*time.Millisecond, last, func() bool { return stored() == last }) {
			t.Errorf("stored cursor at %d while the runner polls, want %d", stored(), last)
		}
		mu.Lock()
		defer mu.Unlock()
		if fmt.Sprint(handled) != fmt.Sprint(want) {
			t.Errorf("handled %v\nwant %v", handled, want)
		}
	})
}
