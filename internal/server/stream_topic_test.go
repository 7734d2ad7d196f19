package server_test

import (
	"context"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestStreamFollowsNewInbox checks that a stream let into an inbox receives
// the inbox's events committed with the change itself: the hub hands them
// out by topic before the stream follows the inbox, so the stream must
// replay them from the log.
func TestStreamFollowsNewInbox(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := buildOrg(t, s)
		bobID := parley.ID(w.bob.must(200, "GET", path("/me"), nil).num("id"))
		head, err := s.LastSeq(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conn := w.bob.dial(t, head)
		defer conn.CloseNow()
		// Once bob hears Sales, his stream follows its topics live.
		w.push(w.salesAPI, "f-1", "jo@example.org", "live")
		if _, code := until(t, conn, parley.EventMessageReceived); code != -1 {
			t.Fatalf("closed with %d", code)
		}
		err = s.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.SetInboxMembers(ctx, w.vip, []parley.ID{bobID}, nil); err != nil {
				return err
			}
			e := parley.NewEvent(parley.EventInboxMembersChanged, parley.System, parley.Now(), nil)
			e.InboxID = &w.vip
			tx.Append(e)
			e = parley.NewEvent("test.vip", parley.System, parley.Now(), nil)
			e.InboxID = &w.vip
			tx.Append(e)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if m, code := until(t, conn, "test.vip"); code != -1 || m.InboxID == nil || *m.InboxID != w.vip {
			t.Errorf("bob, let into VIP with an event in it: %+v, close %d", m, code)
		}
	})
}
