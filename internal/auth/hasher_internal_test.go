package auth

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// TestHasherBounds checks that no more hashes run than the hasher has slots,
// and that the excess, after waiting its turn for a while, is told to come
// back rather than pile up (each hash takes 19 MiB).
func TestHasherBounds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHasher(2)
		h.Wait = time.Second
		// Two checks are running: the slots are taken.
		h.slots <- struct{}{}
		h.slots <- struct{}{}
		start := time.Now()
		_, err := h.Check(context.Background(), dummyHash, "x")
		if parley.ErrorCode(err) != parley.EUNAVAILABLE || time.Since(start) != time.Second {
			t.Fatalf("a third check: %v after %v; want EUNAVAILABLE after waiting 1s", err, time.Since(start))
		}
		if _, err := h.Hash(context.Background(), "long enough password"); parley.ErrorCode(err) != parley.EUNAVAILABLE {
			t.Fatalf("a third hash: %v; want EUNAVAILABLE", err)
		}
		// A slot frees while one waits: it runs.
		done := make(chan bool)
		go func() {
			ok, err := h.Check(context.Background(), dummyHash, "parley-dummy-password")
			done <- ok && err == nil
		}()
		time.Sleep(500 * time.Millisecond) // a fake clock's half second, inside the bubble
		<-h.slots
		if !<-done {
			t.Error("a check that waited for a slot did not run")
		}
	})
}
