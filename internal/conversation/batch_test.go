package conversation_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestReceiveConcurrently receives many items at once, as the group commit
// (batch.go) takes them: each known contact's messages, pushed all
// together, make one conversation holding all of them; and a new person who
// writes by email and through the API at the same moment becomes one
// contact, every item stored.
func TestReceiveConcurrently(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newMailWorld(t, s)
		const contacts, each = 24, 4
		// Known contacts without a conversation yet: two of their messages
		// stored at once must not open one each.
		err := s.InTx(ctx, func(tx *store.Tx) error {
			for c := range contacts {
				if err := tx.CreateContact(ctx, &parley.Contact{Email: fmt.Sprintf("c%d@example.org", c), CreatedAt: w.clock.Now()}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		got := make([][]parley.ID, contacts)
		var mu sync.Mutex
		for c := range contacts {
			for m := range each {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r, err := w.svc.Receive(ctx, parley.System, conversation.Inbound{ChannelID: w.supportAPI.ID,
						ContactEmail: fmt.Sprintf("c%d@example.org", c), Text: fmt.Sprintf("message %d of %d", m, c)})
					if err != nil {
						t.Errorf("contact %d, message %d: %v", c, m, err)
						return
					}
					mu.Lock()
					got[c] = append(got[c], r.ConversationID)
					mu.Unlock()
				}()
			}
		}
		// One new person's email and push at once.
		mailed := eml{from: "new@customer.example", id: "n1@customer.example", subject: "Hello"}
		for _, item := range []func(){
			func() {
				_, err := w.svc.ReceiveEmail(ctx, parley.System, conversation.Email{ChannelID: w.ch.ID, Raw: mailed.raw(), Source: "test"})
				if err != nil {
					t.Errorf("email from the new person: %v", err)
				}
			},
			func() {
				_, err := w.svc.Receive(ctx, parley.System, conversation.Inbound{ChannelID: w.supportAPI.ID, ContactEmail: "New@customer.example", Text: "hi"})
				if err != nil {
					t.Errorf("push from the new person: %v", err)
				}
			},
		} {
			wg.Add(1)
			go func() { defer wg.Done(); item() }()
		}
		wg.Wait()
		for c, ids := range got {
			if len(ids) != each {
				continue // reported above
			}
			for _, id := range ids {
				if id != ids[0] {
					t.Errorf("contact %d's messages went to conversations %v; want one", c, ids)
					break
				}
			}
			if n := len(w.types(ids[0])); n != 1+each {
				t.Errorf("contact %d's conversation has %d events; want created and %d received", c, n, each)
			}
		}
		c, err := s.ContactByEmail(ctx, "new@customer.example")
		if err != nil {
			t.Fatalf("the new person: %v", err)
		}
		theirs, err := s.ContactConversations(ctx, c.ID, 10)
		if err != nil || len(theirs) != 2 {
			t.Errorf("the new person has %d conversations, %v; want their email's and their push's", len(theirs), err)
		}
	})
}
