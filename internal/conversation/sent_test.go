package conversation_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestSentView checks that Sent holds every conversation an agent sent an
// email in, replies included, newest sent first, and that its count agrees
// (SPEC VEW-1, CNV-13).
func TestSentView(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWorld(t, s)
		email := &parley.Channel{InboxID: w.support.ID, Kind: parley.ChannelEmail, Name: "email", Enabled: true, Builtin: true, CreatedAt: w.clock.Now()}
		if err := s.InTx(ctx, func(tx *store.Tx) error { return tx.CreateChannel(ctx, email) }); err != nil {
			t.Fatal(err)
		}
		chat := storetest.NewFixtures(t, s).Channel(w.support, parley.ChannelChat)
		reply := func(id parley.ID) {
			t.Helper()
			if _, err := w.svc.Reply(ctx, w.bob, id, conversation.Body{Text: "On its way."}); err != nil {
				t.Fatal(err)
			}
			w.clock.Advance(time.Second)
		}
		answered := w.open(email, "jo@client.example")
		unanswered := w.open(email, "lu@client.example")
		chatted := w.open(chat, "max@client.example")
		reply(answered)
		reply(chatted) // a chat reply is no email
		started, _, err := w.svc.SendEmail(ctx, w.ana, conversation.NewEmail{InboxID: w.support.ID,
			To: parley.Mailbox{Email: "new@client.example"}, Subject: "Your quote", Body: conversation.Body{Text: "Here it is."}})
		if err != nil {
			t.Fatal(err)
		}
		w.clock.Advance(time.Second)
		// A customer writing again makes it active, not sent: Sent keeps the
		// order of what was sent.
		w.receive(email, conversation.Inbound{ContactEmail: "new@client.example", ConversationID: started.ID, Text: "Thanks"})

		pages := func(f conversation.ListFilter) []parley.ID {
			t.Helper()
			var out []parley.ID
			f.Limit = 2
			for range 10 {
				page, err := w.svc.List(ctx, w.ana, f)
				if err != nil {
					t.Fatal(err)
				}
				more := len(page) == 2
				if more {
					page = page[:1]
				}
				for _, c := range page {
					out = append(out, c.ID)
				}
				if !more {
					return out
				}
				cur := f.Cursor(&page[0])
				f.After = &cur
			}
			t.Fatal("pagination does not end")
			return nil
		}
		if got, want := pages(conversation.ListFilter{View: parley.ViewSent}), []parley.ID{started.ID, answered}; !slices.Equal(got, want) {
			t.Errorf("sent = %v, want %v (not %d, %d)", got, want, unanswered, chatted)
		}
		// Answering the older one again brings it first.
		reply(answered)
		if got, want := pages(conversation.ListFilter{View: parley.ViewSent}), []parley.ID{answered, started.ID}; !slices.Equal(got, want) {
			t.Errorf("after another reply, sent = %v, want %v", got, want)
		}
		counts, err := w.svc.Counts(ctx, w.ana, 0)
		if err != nil {
			t.Fatal(err)
		}
		if n := counts.Views[parley.ViewSent]; n != 2 {
			t.Errorf("sent counts %d, want 2", n)
		}
		storetest.Counts(t, s)
	})
}
