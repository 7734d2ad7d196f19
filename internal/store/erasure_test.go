package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestEraseContactIndexes checks that an erased contact leaves no entry in
// the search indexes themselves — FTS5's tables on SQLite, the stored
// tsvectors on PostgreSQL — for their name, their subjects and their words,
// while another contact's stay; and that erased keys are kept as hashes.
func TestEraseContactIndexes(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := storetest.NewFixtures(t, s)
		in := f.Inbox("support")
		ch := f.Channel(in, parley.ChannelAPI)
		now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		mk := func(name, email, word string) *parley.Contact {
			c := &parley.Contact{Name: name, Email: email, CreatedAt: now}
			err := s.InTx(ctx, func(tx *store.Tx) error {
				if err := tx.CreateContact(ctx, c); err != nil {
					return err
				}
				conv := &parley.Conversation{InboxID: in.ID, ChannelID: ch.ID, ChannelKind: ch.Kind, ContactID: &c.ID, Subject: word + " trip",
					Status: parley.StatusOpen, Placement: parley.PlacementInbox, CreatedAt: now, LastActivityAt: now}
				if err := tx.CreateConversation(ctx, conv); err != nil {
					return err
				}
				m := &parley.Message{ConversationID: conv.ID, Kind: parley.KindMessage, Direction: parley.Inbound, ContactID: &c.ID,
					Text: "about " + word, CreatedAt: now}
				if err := tx.CreateMessage(ctx, m); err != nil {
					return err
				}
				return tx.PutInboundKey(ctx, ch.ID, "client:"+word, m, now)
			})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		zed := mk("Zanzibar Quill", "zq@example.org", "zanzibar")
		mk("Kim Kept", "kim@example.org", "kilimanjaro")
		count := func(word string) int {
			n, err := s.IndexedRows(ctx, word)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count("zanzibar"); n != 3 {
			t.Fatalf("before: %d index entries for zanzibar, want 3 (contact, subject, message)", n)
		}
		err := s.InTx(ctx, func(tx *store.Tx) error {
			c, err := tx.Contact(ctx, zed.ID)
			if err != nil {
				return err
			}
			_, err = tx.EraseContact(ctx, c, now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for word, want := range map[string]int{"zanzibar": 0, "quill": 0, "kilimanjaro": 2, "kim": 1} {
			if n := count(word); n != want {
				t.Errorf("after: %d index entries for %s, want %d", n, word, want)
			}
		}
		for _, tc := range []struct {
			kind, value string
			want        bool
		}{
			{store.ErasedKey, "client:zanzibar", true},
			{store.ErasedKey, "client:kilimanjaro", false},
		} {
			if got, err := s.AnyErased(ctx, tc.kind, []string{tc.value}); err != nil || got != tc.want {
				t.Errorf("erased %s %q = %v, %v; want %v", tc.kind, tc.value, got, err, tc.want)
			}
		}
		if _, err := s.InboundKey(ctx, ch.ID, "client:zanzibar"); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("the erased item's dedupe key is still kept in clear: %v", err)
		}
	})
}

// TestEraseContactInChunks erases a contact with more messages, in their
// own conversations and in another's, than one statement names
// (SetEraseChunk lowers the chunk): nothing of theirs is left, the other
// contact's rows stay; the queued jobs that mail them or name their
// conversations or messages go, others stay; and finished jobs are purged
// after their time.
func TestEraseContactInChunks(t *testing.T) {
	defer store.SetEraseChunk(7)()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := storetest.NewFixtures(t, s)
		in := f.Inbox("support")
		ch := f.Channel(in, parley.ChannelAPI)
		now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		var bigConvs, bigMsgs []parley.ID
		var big, kim *parley.Contact
		var kimConv parley.ID
		var jobs []*store.Job
		err := s.InTx(ctx, func(tx *store.Tx) error {
			big = &parley.Contact{Name: "Bea Big", Email: "bea@example.org", CreatedAt: now}
			kim = &parley.Contact{Name: "Kim Kept", Email: "kim@example.org", CreatedAt: now}
			for _, c := range []*parley.Contact{big, kim} {
				if err := tx.CreateContact(ctx, c); err != nil {
					return err
				}
			}
			conv := func(c *parley.Contact) (parley.ID, error) {
				cv := &parley.Conversation{InboxID: in.ID, ChannelID: ch.ID, ChannelKind: ch.Kind, ContactID: &c.ID, Subject: "trip",
					Status: parley.StatusOpen, Placement: parley.PlacementInbox, CreatedAt: now, LastActivityAt: now}
				err := tx.CreateConversation(ctx, cv)
				return cv.ID, err
			}
			msg := func(convID parley.ID, c *parley.Contact, n int) error {
				m := &parley.Message{ConversationID: convID, Kind: parley.KindMessage, Direction: parley.Inbound, ContactID: &c.ID,
					Text: fmt.Sprintf("message %d", n), CreatedAt: now}
				if err := tx.CreateMessage(ctx, m); err != nil {
					return err
				}
				if c == big {
					bigMsgs = append(bigMsgs, m.ID)
				}
				e := parley.NewEvent(parley.EventMessageReceived, parley.ContactActor(c), now, map[string]any{"text": m.Text}).
					In(&parley.Conversation{ID: convID, InboxID: in.ID})
				mid := m.ID
				e.MessageID = &mid
				tx.Append(e)
				return tx.PutInboundKey(ctx, ch.ID, fmt.Sprintf("client:%d", m.ID), m, now)
			}
			var err error
			if kimConv, err = conv(kim); err != nil {
				return err
			}
			if err := msg(kimConv, kim, 0); err != nil {
				return err
			}
			for i := range 3 {
				id, err := conv(big)
				if err != nil {
					return err
				}
				bigConvs = append(bigConvs, id)
				for j := range 10 {
					if err := msg(id, big, i*10+j); err != nil {
						return err
					}
				}
			}
			for j := range 12 { // written into kim's conversation
				if err := msg(kimConv, big, 100+j); err != nil {
					return err
				}
			}
			for _, p := range []string{
				`{"to":"BEA@example.org","subject":"Your chat","text":"transcript"}`,
				fmt.Sprintf(`{"user_id":1,"conversation_id":%d}`, bigConvs[1]),
				fmt.Sprintf(`{"message_id":%d}`, bigMsgs[len(bigMsgs)-1]),
				fmt.Sprintf(`{"to":"agent@parley.test","subject":"trip","text":"see https://x/inbox/all/all/c/%d\n"}`, bigConvs[2]),
				`{"to":"kim@example.org","subject":"Your chat","text":"transcript"}`,
				fmt.Sprintf(`{"user_id":1,"conversation_id":%d}`, kimConv),
			} {
				j := &store.Job{Kind: "system_mail", Payload: []byte(p), RunAt: now, MaxAttempts: 3, CreatedAt: now}
				if err := tx.Enqueue(ctx, j); err != nil {
					return err
				}
				jobs = append(jobs, j)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(bigMsgs) != 42 {
			t.Fatalf("%d messages", len(bigMsgs))
		}
		var er *store.Erasure
		err = s.InTx(ctx, func(tx *store.Tx) error {
			c, err := tx.Contact(ctx, big.ID)
			if err != nil {
				return err
			}
			er, err = tx.EraseContact(ctx, c, now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(er.Conversations) != 3 || len(er.MessageIDs) != 42 || er.Jobs != 4 || len(er.Touched) != 1 || er.Touched[0] != kimConv {
			t.Errorf("erasure: %d conversations, %d messages, %d jobs, touched %v", len(er.Conversations), len(er.MessageIDs), er.Jobs, er.Touched)
		}
		left, err := s.Remnants(ctx, big.ID, bigConvs, bigMsgs)
		if err != nil || len(left) > 0 {
			t.Errorf("left: %v, %v", left, err)
		}
		for i, j := range jobs {
			_, err := s.Job(ctx, j.ID)
			if gone := parley.ErrorCode(err) == parley.ENOTFOUND; gone != (i < 4) {
				t.Errorf("job %d (%s) gone = %v", i, j.Payload, gone)
			}
		}
		for _, word := range []string{"kept", "kim"} {
			if n, err := s.IndexedRows(ctx, word); err != nil || n == 0 {
				t.Errorf("kim's %q left the index: %d, %v", word, n, err)
			}
		}
		all, _ := s.EventsAfter(ctx, 0, 100000)
		kept := 0
		for _, e := range all {
			if e.ConversationID != nil && *e.ConversationID == kimConv && string(e.Data) != "{}" {
				kept++
			}
		}
		if kept != 1 {
			t.Errorf("%d of kim's conversation's events keep their data, want 1 (kim's own)", kept)
		}

		// Finished jobs go 7 days after they end.
		err = s.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.FinishJob(ctx, jobs[4].ID, store.JobDone, time.Time{}, "", now.Add(-8*24*time.Hour)); err != nil {
				return err
			}
			return tx.FinishJob(ctx, jobs[5].ID, store.JobFailed, time.Time{}, "no", now.Add(-6*24*time.Hour))
		})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := s.PurgeFinishedJobs(ctx, now.Add(-7*24*time.Hour)); err != nil || n != 1 {
			t.Errorf("purged %d, %v; want 1", n, err)
		}
		if _, err := s.Job(ctx, jobs[5].ID); err != nil {
			t.Errorf("a job finished 6 days ago was purged: %v", err)
		}
	})
}
