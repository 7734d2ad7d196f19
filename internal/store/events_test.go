package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestEventLogOrder hammers the log with concurrent writers while a reader
// tails it by "after the highest seq I have seen". If a lower seq could
// become visible after a higher one, the tail would skip it for good, and the
// final comparison with the whole log would find it missing.
func TestEventLogOrder(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const writers, txPerWriter = 16, 40
		done := make(chan struct{})
		var seen []int64
		var readErr error
		var rwg sync.WaitGroup
		rwg.Add(1)
		go func() {
			defer rwg.Done()
			var last int64
			tail := func() bool {
				evs, err := s.EventsAfter(ctx, last, 1000)
				if err != nil {
					readErr = err
					return false
				}
				for _, e := range evs {
					if e.Seq <= last {
						readErr = fmt.Errorf("seq %d after %d", e.Seq, last)
						return false
					}
					seen = append(seen, e.Seq)
					last = e.Seq
				}
				return true
			}
			for {
				select {
				case <-done:
					tail()
					return
				default:
					if !tail() {
						return
					}
				}
			}
		}()

		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range txPerWriter {
					err := s.InTx(ctx, func(tx *store.Tx) error {
						for range 1 + i%3 {
							tx.Append(parley.NewEvent("test.event", parley.System, parley.Now(), map[string]int{"writer": w, "i": i}))
						}
						if i%5 == 0 {
							time.Sleep(time.Millisecond) // widen the window between seq and commit
						}
						return nil
					})
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(done)
		rwg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("writer: %v", err)
		}
		if readErr != nil {
			t.Fatalf("reader: %v", readErr)
		}

		all, err := s.EventsAfter(ctx, 0, 100000)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for i := range txPerWriter {
			want += writers * (1 + i%3)
		}
		if len(all) != want {
			t.Fatalf("log has %d events, want %d", len(all), want)
		}
		if len(seen) != len(all) {
			t.Fatalf("the tailing reader saw %d events of %d: a lower seq became visible after a higher one", len(seen), len(all))
		}
		for i := range all {
			if all[i].Seq != seen[i] {
				t.Fatalf("event %d: log has seq %d, reader saw %d", i, all[i].Seq, seen[i])
			}
		}
	})
}

// TestRollbackWritesNothing checks that a failed transaction leaves no event
// and runs no AfterCommit function.
func TestRollbackWritesNothing(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ran := false
		err := s.InTx(ctx, func(tx *store.Tx) error {
			tx.Append(parley.NewEvent("test.event", parley.System, parley.Now(), nil))
			tx.AfterCommit(func() { ran = true })
			return parley.Errorf(parley.EINVALID, "no")
		})
		if parley.ErrorCode(err) != parley.EINVALID {
			t.Fatalf("InTx error = %v, want the function's EINVALID", err)
		}
		if ran {
			t.Error("AfterCommit ran after a rollback")
		}
		if seq, err := s.LastSeq(ctx); err != nil || seq != 0 {
			t.Errorf("LastSeq = %d, %v; want 0", seq, err)
		}
	})
}
