package conversation_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/blob"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

// world is an organisation to test against:
//   - Support is open to everyone; Restricted to team Tier2 (ana) and vic;
//   - ana is an agent in both; bob an agent in Support only; vic a viewer in
//     Restricted; root an admin who is a member of Support only (everyone).
type world struct {
	t                    *testing.T
	s                    *store.Store
	svc                  *conversation.Service
	clock                *storetest.Clock
	ana, bob, vic, root  parley.Actor
	support, restricted  *parley.Inbox
	supportAPI, restrAPI *parley.Channel
	tier2                *parley.Team
	blobs                *blob.Dir
}

func newWorld(t *testing.T, s *store.Store) *world {
	f := storetest.NewFixtures(t, s)
	ana := f.User("ana", parley.RoleAgent)
	bob := f.User("bob", parley.RoleAgent)
	vic := f.User("vic", parley.RoleViewer)
	root := f.User("root", parley.RoleAdmin)
	tier2 := f.Team("Tier2", ana)
	w := &world{t: t, s: s, clock: storetest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)),
		ana: parley.UserActor(ana), bob: parley.UserActor(bob), vic: parley.UserActor(vic), root: parley.UserActor(root)}
	w.tier2 = tier2
	w.support = f.Inbox("support")
	w.restricted = f.Inbox("restricted", tier2, vic)
	w.supportAPI = f.Channel(w.support, parley.ChannelAPI)
	w.restrAPI = f.Channel(w.restricted, parley.ChannelAPI)
	blobs, err := blob.OpenClock(t.TempDir(), w.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	w.blobs = blobs
	w.svc = conversation.New(s, conversation.Options{Now: w.clock.Now, MailDomain: "parley.test", Blobs: blobs})
	return w
}

// receive pushes a customer message as the system and returns the result.
func (w *world) receive(ch *parley.Channel, in conversation.Inbound) *conversation.Received {
	w.t.Helper()
	in.ChannelID = ch.ID
	if in.Text == "" && in.HTML == "" {
		in.Text = "hello"
	}
	r, err := w.svc.Receive(context.Background(), parley.System, in)
	if err != nil {
		w.t.Fatalf("receive: %v", err)
	}
	w.clock.Advance(time.Second)
	return r
}

// open makes a new conversation from email in a channel and returns its id.
func (w *world) open(ch *parley.Channel, email string) parley.ID {
	w.t.Helper()
	return w.receive(ch, conversation.Inbound{ContactEmail: email, Subject: "Order", Text: "Where is my order?", NewConversation: true}).ConversationID
}

func (w *world) get(id parley.ID) *parley.Conversation {
	w.t.Helper()
	c, err := w.s.Conversation(context.Background(), id)
	if err != nil {
		w.t.Fatalf("conversation %d: %v", id, err)
	}
	return c
}

// types returns the event types of a conversation's timeline, in order.
func (w *world) types(id parley.ID) []string {
	w.t.Helper()
	evs, err := w.s.ConversationEvents(context.Background(), id, 0, 1000)
	if err != nil {
		w.t.Fatal(err)
	}
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Type
	}
	return out
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := parley.ErrorCode(err); got != code {
		t.Fatalf("error = %v (code %q), want code %q", err, got, code)
	}
}
