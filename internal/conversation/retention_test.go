package conversation_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestRetention: an inbox keeping closed conversations 30 days loses
// exactly those closed for longer, by the injected clock — not open ones,
// not those closed since, not one reopened, not another inbox's — in
// batches, each an event for the audit log, and a second round finds
// nothing.
func TestRetention(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		defer conversation.SetRetentionBatch(2)()
		const day = 24 * time.Hour
		closed := func(ch *parley.Channel, email string) parley.ID {
			t.Helper()
			id := w.open(ch, email)
			if _, err := w.svc.Close(ctx, w.ana, id); err != nil {
				t.Fatal(err)
			}
			return id
		}
		// Day 0.
		old := []parley.ID{closed(w.supportAPI, "a@example.org"), closed(w.supportAPI, "b@example.org"), closed(w.supportAPI, "c@example.org")}
		open := w.open(w.supportAPI, "d@example.org")
		reopened := closed(w.supportAPI, "e@example.org")
		trashed := closed(w.supportAPI, "f@example.org")
		if _, err := w.svc.Trash(ctx, w.ana, trashed); err != nil {
			t.Fatal(err)
		}
		elsewhere := closed(w.restrAPI, "g@example.org")
		// An email with a file of its own and one another kept email shares.
		mailCh := storetest.NewFixtures(t, s).Channel(w.support, parley.ChannelEmail)
		email := func(id string, files ...[2]string) parley.ID {
			t.Helper()
			r, err := w.svc.ReceiveEmail(ctx, parley.System, conversation.Email{ChannelID: mailCh.ID, Source: "test",
				Raw: withFiles(eml{from: id + "@example.org", id: id + "@example.org", body: "files"}, files...)})
			if err != nil {
				t.Fatal(err)
			}
			return r.ConversationID
		}
		withFile := email("m1", [2]string{"own.txt", "only m1 sent this"}, [2]string{"shared.txt", "both sent this"})
		if _, err := w.svc.Close(ctx, w.ana, withFile); err != nil {
			t.Fatal(err)
		}
		keptMail := email("m2", [2]string{"shared.txt", "both sent this"})
		w.clock.Advance(10 * day)
		recent := closed(w.supportAPI, "h@example.org") // day 10
		w.clock.Advance(20*day + time.Hour)             // day 30 and an hour
		if _, err := w.svc.Reopen(ctx, w.ana, reopened); err != nil {
			t.Fatal(err)
		}

		// Who may set it, and what.
		for _, tc := range []struct {
			name  string
			actor parley.Actor
			inbox parley.ID
			days  int
			code  string
		}{
			{"an agent", w.ana, w.support.ID, 30, parley.EFORBIDDEN},
			{"a viewer", w.vic, w.restricted.ID, 30, parley.EFORBIDDEN},
			{"too long", w.root, w.support.ID, conversation.MaxRetentionDays + 1, parley.EINVALID},
			{"negative", w.root, w.support.ID, -1, parley.EINVALID},
			{"no such inbox", w.root, w.support.ID + 1000, 30, parley.ENOTFOUND},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := w.svc.SetRetention(ctx, tc.actor, tc.inbox, tc.days)
				if parley.ErrorCode(err) != tc.code {
					t.Errorf("= %v, want %s", err, tc.code)
				}
				if tc.code == parley.EINVALID && parley.ErrorField(err) != "days" {
					t.Errorf("field %q, want days", parley.ErrorField(err))
				}
			})
		}
		// Off by default: nothing goes.
		if n, err := w.svc.ExpireClosed(ctx); err != nil || n != 0 {
			t.Fatalf("without retention: expired %d, %v", n, err)
		}
		// What the screen asks before turning it on.
		for days, want := range map[int]int{30: 5, 31: 0, 20: 6, 3650: 0} {
			if n, err := w.svc.RetentionPreview(ctx, w.root, w.support.ID, days); err != nil || n != want {
				t.Errorf("preview %d days = %d, %v; want %d", days, n, err, want)
			}
		}
		if err := w.svc.SetRetention(ctx, w.root, w.support.ID, 30); err != nil {
			t.Fatal(err)
		}
		if d, err := w.svc.Retention(ctx, w.root, w.support.ID); err != nil || d != 30 {
			t.Fatalf("retention = %d, %v", d, err)
		}
		head, _ := s.EventsAfter(ctx, 0, 100000)
		expiring := []parley.ID{old[0], old[1], old[2], trashed, withFile}
		said := func() (n int) {
			all, _ := s.EventsAfter(ctx, 0, 100000)
			for _, e := range all {
				if e.ConversationID != nil && slices.Contains(expiring, *e.ConversationID) && len(e.Data) > 0 && string(e.Data) != "{}" {
					n++
				}
			}
			return n
		}
		if said() == 0 {
			t.Fatal("before: the expiring conversations' events say nothing")
		}
		n, err := w.svc.ExpireClosed(ctx)
		if err != nil || n != 5 {
			t.Fatalf("expired %d, %v; want 5 (four closed 30 days ago, one of them in the trash)", n, err)
		}
		// Their events keep their type and time, not what they said.
		if n := said(); n != 0 {
			t.Errorf("after: %d events of expired conversations keep their data", n)
		}
		for id, gone := range map[parley.ID]bool{old[0]: true, old[1]: true, old[2]: true, trashed: true, withFile: true,
			open: false, reopened: false, recent: false, elsewhere: false, keptMail: false} {
			_, err := s.Conversation(ctx, id)
			if got := parley.ErrorCode(err) == parley.ENOTFOUND; got != gone {
				t.Errorf("conversation %d gone = %v, want %v", id, got, gone)
			}
		}
		for content, kept := range map[string]bool{"only m1 sent this": false, "both sent this": true} {
			if _, err := w.blobs.Read(blob.Key([]byte(content))); (err == nil) != kept {
				t.Errorf("blob %q kept = %v, want %v", content, err == nil, kept)
			}
		}
		evs, _ := s.EventsAfter(ctx, head[len(head)-1].Seq, 1000)
		var counts []float64
		for _, e := range evs {
			if e.Type != parley.EventConversationsExpired {
				t.Errorf("event %s, want only %s", e.Type, parley.EventConversationsExpired)
				continue
			}
			if e.ActorKind != parley.ActorSystem || e.InboxID == nil || *e.InboxID != w.support.ID || !hasID(e.Data, "inbox_id", w.support.ID) {
				t.Errorf("expired event %+v", e)
			}
			counts = append(counts, number(e.Data, "count"))
		}
		if !slices.Equal(counts, []float64{2, 2, 1}) {
			t.Errorf("batches %v, want 2, 2 and 1", counts)
		}
		// Idempotent: the next round finds nothing.
		if n, err := w.svc.ExpireClosed(ctx); err != nil || n != 0 {
			t.Errorf("again: expired %d, %v", n, err)
		}
		// Exactly N days is not longer than N days.
		w.clock.Advance(w.get(recent).ClosedAt.Add(30 * day).Sub(w.clock.Now()))
		if n, _ := w.svc.ExpireClosed(ctx); n != 0 {
			t.Errorf("closed exactly 30 days ago: expired %d", n)
		}
		w.clock.Advance(time.Second)
		if n, _ := w.svc.ExpireClosed(ctx); n != 1 {
			t.Errorf("just after 30 days: expired %d, want 1", n)
		}
		// Turned off, closed conversations stay.
		if err := w.svc.SetRetention(ctx, w.root, w.support.ID, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Close(ctx, w.ana, open); err != nil {
			t.Fatal(err)
		}
		w.clock.Advance(400 * day)
		if n, _ := w.svc.ExpireClosed(ctx); n != 0 {
			t.Errorf("retention off: expired %d", n)
		}
	})
}

func number(data []byte, key string) float64 {
	var d map[string]any
	_ = json.Unmarshal(data, &d)
	v, _ := d[key].(float64)
	return v
}
