package export_test

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/export"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// grow adds conversations to inbox until it holds n, each with a contact
// and two messages of about a kilobyte.
func grow(t *testing.T, s *store.Store, ch *parley.Channel, have, n int) {
	t.Helper()
	ctx := context.Background()
	at := parley.Normalize(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	text := strings.Repeat("The parcel has not arrived yet. ", 32)
	for from := have; from < n; from += 1000 {
		err := s.InTx(ctx, func(tx *store.Tx) error {
			for i := from; i < min(from+1000, n); i++ {
				k := &parley.Contact{Name: fmt.Sprintf("Customer %d", i), Emails: []string{fmt.Sprintf("c%d@example.com", i)}, CreatedAt: at}
				if err := tx.CreateContact(ctx, k); err != nil {
					return err
				}
				c := &parley.Conversation{InboxID: ch.InboxID, ChannelID: ch.ID, ChannelKind: ch.Kind, ContactID: &k.ID,
					Subject: fmt.Sprintf("Order %d", i), Status: parley.StatusOpen, Placement: parley.PlacementInbox, CreatedAt: at, LastActivityAt: at}
				if err := tx.CreateConversation(ctx, c); err != nil {
					return err
				}
				for j := range 2 {
					m := &parley.Message{ConversationID: c.ID, Kind: parley.KindMessage, Direction: parley.Inbound, ContactID: &k.ID,
						Text: fmt.Sprintf("%d/%d %s", i, j, text), CreatedAt: at}
					if err := tx.CreateMessage(ctx, m); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// peakHeap exports everything to nowhere and returns the highest heap in
// use sampled during it, above what was in use before.
func peakHeap(t *testing.T, s *store.Store, blobs *blob.Dir) (peak uint64, convs int64) {
	t.Helper()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var max atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > base && ms.HeapInuse-base > max.Load() {
				max.Store(ms.HeapInuse - base)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	})
	m, err := export.Write(context.Background(), io.Discard, s, blobs, export.Archive{Now: time.Now, TempDir: t.TempDir()})
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	return max.Load(), m.Counts["conversations"]
}

// TestMemoryStaysFlat exports 2,000 conversations, then 20,000, and finds
// the heap used during the export no larger for ten times the data: rows
// are read a page at a time and written as they are read. (On SQLite, the
// engine whose reads run in this process; run it with -v to see the
// numbers.)
func TestMemoryStaysFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("makes 20,000 conversations")
	}
	s := storetest.New(t, "sqlite", nil)
	f := storetest.NewFixtures(t, s)
	ch := f.Channel(f.Inbox("support"), parley.ChannelAPI)
	blobs, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	grow(t, s, ch, 0, 2000)
	small, n := peakHeap(t, s, blobs)
	if n != 2000 {
		t.Fatalf("exported %d conversations", n)
	}
	grow(t, s, ch, 2000, 20000)
	large, n := peakHeap(t, s, blobs)
	if n != 20000 {
		t.Fatalf("exported %d conversations", n)
	}
	t.Logf("peak heap above the start: %.1f MiB for 2,000 conversations, %.1f MiB for 20,000", float64(small)/(1<<20), float64(large)/(1<<20))
	// Flat: ten times the data, not more than half as much heap again
	// (plus the collector's slack), and small in any case.
	if large > small*3/2+4<<20 || large > 32<<20 {
		t.Errorf("the heap grew with the data: %d bytes for 2,000 conversations, %d for 20,000", small, large)
	}
}
