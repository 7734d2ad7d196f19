package notify_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/notify"
	"github.com/parleyhq/parley/internal/org"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/routing"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// TestNotifications: each person is told what concerns them — assigned by
// a teammate or by routing, a customer's new message in a conversation they
// own, a mention — once each, never what they did themselves, and only
// about conversations they may still read.
func TestNotifications(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := org.New(s, org.Options{})
		conv := conversation.New(s, conversation.Options{})
		centre := notify.NewNotifications(s, nil)
		user := func(name string) parley.Actor {
			u, err := o.CreateUser(ctx, parley.System, org.NewUser{Email: name + "@acme.example", Name: name, Role: parley.RoleAgent})
			if err != nil {
				t.Fatal(err)
			}
			return parley.UserActor(u)
		}
		ana, ben := user("ana"), user("ben")
		inbox, err := o.CreateInbox(ctx, parley.System, org.NewInbox{Name: "Support", Access: parley.AccessSpecific, UserIDs: []parley.ID{ana.UserID, ben.UserID}})
		if err != nil {
			t.Fatal(err)
		}
		ch, err := o.CreateChannel(ctx, parley.System, inbox.ID, org.NewChannel{Kind: parley.ChannelAPI, Name: "Bridge"})
		if err != nil {
			t.Fatal(err)
		}
		write := func(email string, id parley.ID) parley.ID {
			r, err := conv.Receive(ctx, parley.System, conversation.Inbound{ChannelID: ch.ID, ContactEmail: email, Text: "hello", ConversationID: id, NewConversation: id == 0})
			if err != nil {
				t.Fatal(err)
			}
			return r.ConversationID
		}
		seq := int64(0)
		consumer := notify.Consumer(nil, 0)
		catchUp := func() {
			evs, err := s.EventsAfter(ctx, seq, 1000)
			if err != nil {
				t.Fatal(err)
			}
			// As the consumer's runner would, and a second time over the
			// same events, as after a crash: nobody is told twice.
			for range 2 {
				for _, e := range evs {
					if err := s.InTx(ctx, func(tx *store.Tx) error { return consumer.Handle(ctx, tx, e) }); err != nil {
						t.Fatal(err)
					}
				}
			}
			if len(evs) > 0 {
				seq = evs[len(evs)-1].Seq
			}
		}
		told := func(a parley.Actor) []string {
			t.Helper()
			items, _, err := centre.List(ctx, a, 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, it := range items {
				out = append(out, fmt.Sprintf("%s %d", it.Kind, it.ConversationID))
			}
			return out
		}

		first := write("one@customer.example", 0)
		if _, err := conv.Assign(ctx, ana, first, conversation.Assignment{UserID: &ana.UserID}); err != nil {
			t.Fatal(err)
		}
		if _, err := conv.Assign(ctx, ana, first, conversation.Assignment{UserID: &ben.UserID}); err != nil {
			t.Fatal(err)
		}
		write("one@customer.example", first)
		if _, err := conv.Comment(ctx, ben, first, conversation.Body{Text: "@ana can you look?"}); err != nil {
			t.Fatal(err)
		}
		if _, err := routing.New(s, nil).SetRule(ctx, parley.System, ch.ID, routing.Rule{Rule: routing.Specific, UserIDs: []parley.ID{ana.UserID}}); err != nil {
			t.Fatal(err)
		}
		second := write("two@customer.example", 0)
		catchUp()
		catchUp()

		if got, want := told(ana), []string{fmt.Sprintf("assigned %d", second), fmt.Sprintf("mention %d", first)}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("ana was told %q, want %q (not her own assignment, not the opening message of what routing gave her)", got, want)
		}
		if got, want := told(ben), []string{fmt.Sprintf("message %d", first), fmt.Sprintf("assigned %d", first)}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("ben was told %q, want %q", got, want)
		}

		// Read one, then all.
		items, unread, err := centre.List(ctx, ana, 0, 100)
		if err != nil || unread != 2 {
			t.Fatalf("ana: %d unread, %v", unread, err)
		}
		if left, err := centre.Read(ctx, ana, []parley.ID{items[0].ID}); err != nil || left != 1 {
			t.Errorf("read one: %d left, %v", left, err)
		}
		if left, err := centre.Read(ctx, ben, []parley.ID{items[1].ID}); err != nil || left != 2 {
			t.Errorf("ben marking ana's: %d of his left, %v; want his 2 untouched", left, err)
		}
		if left, err := centre.Read(ctx, ana, nil); err != nil || left != 0 {
			t.Errorf("read all: %d left, %v", left, err)
		}

		// Ben leaves the inbox: what he was told about it no longer shows.
		if _, err := o.SetInboxMembers(ctx, parley.System, inbox.ID, []parley.ID{ana.UserID}, nil); err != nil {
			t.Fatal(err)
		}
		if got := told(ben); len(got) != 0 {
			t.Errorf("ben, out of the inbox, still sees %q", got)
		}
		if _, unread, err := centre.List(ctx, ben, 0, 10); err != nil || unread != 0 {
			t.Errorf("ben, out of the inbox, has %d unread (%v), want 0: none he can open", unread, err)
		}

		// Ana goes away with "reassign replies" on; her customer writes
		// again and routing gives the conversation to Cy: Cy is told once,
		// that it is theirs, not a second time of the message that came
		// with it.
		cy := user("cy")
		if _, err := o.SetInboxMembers(ctx, parley.System, inbox.ID, []parley.ID{ana.UserID, cy.UserID}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := routing.New(s, nil).SetRule(ctx, parley.System, ch.ID, routing.Rule{Rule: routing.Specific, UserIDs: []parley.ID{ana.UserID, cy.UserID}}); err != nil {
			t.Fatal(err)
		}
		if _, err := o.SetAvailability(ctx, ana, parley.Away, true); err != nil {
			t.Fatal(err)
		}
		write("two@customer.example", second)
		catchUp()
		if got, want := told(cy), []string{fmt.Sprintf("assigned %d", second)}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("cy, given a conversation as its customer wrote, was told %q, want %q", got, want)
		}
	})
}
