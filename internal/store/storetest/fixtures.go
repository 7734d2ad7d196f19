package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Fixtures builds objects straight in a store, for tests of the layers above.
type Fixtures struct {
	T testing.TB
	S *store.Store
	// At is the creation time given to everything built.
	At time.Time
}

// NewFixtures returns fixture builders on s.
func NewFixtures(t testing.TB, s *store.Store) *Fixtures {
	return &Fixtures{T: t, S: s, At: parley.Now()}
}

func (f *Fixtures) tx(fn func(tx *store.Tx) error) {
	f.T.Helper()
	if err := f.S.InTx(context.Background(), fn); err != nil {
		f.T.Fatalf("fixture: %v", err)
	}
}

// User creates a user named name with email name@example.com.
func (f *Fixtures) User(name string, role parley.Role) *parley.User {
	f.T.Helper()
	u := &parley.User{Email: name + "@example.com", Name: name, Role: role, Routable: true,
		Availability: parley.Available, CreatedAt: f.At}
	f.tx(func(tx *store.Tx) error { return tx.CreateUser(context.Background(), u, "") })
	return u
}

// Team creates a team with members.
func (f *Fixtures) Team(name string, members ...*parley.User) *parley.Team {
	f.T.Helper()
	t := &parley.Team{Name: name, CreatedAt: f.At}
	for _, u := range members {
		t.MemberIDs = append(t.MemberIDs, u.ID)
	}
	f.tx(func(tx *store.Tx) error { return tx.CreateTeam(context.Background(), t) })
	return t
}

// Inbox creates an inbox open to everyone when no members are given, else
// restricted to the given users and teams.
func (f *Fixtures) Inbox(name string, members ...any) *parley.Inbox {
	f.T.Helper()
	in := &parley.Inbox{Name: name, Slug: fmt.Sprintf("inbox-%s", name), Access: parley.AccessEveryone, CreatedAt: f.At}
	for _, m := range members {
		in.Access = parley.AccessSpecific
		switch m := m.(type) {
		case *parley.User:
			in.UserIDs = append(in.UserIDs, m.ID)
		case *parley.Team:
			in.TeamIDs = append(in.TeamIDs, m.ID)
		default:
			f.T.Fatalf("fixture: inbox member %T", m)
		}
	}
	f.tx(func(tx *store.Tx) error { return tx.CreateInbox(context.Background(), in) })
	return in
}

// Channel creates an enabled channel of kind in an inbox.
func (f *Fixtures) Channel(in *parley.Inbox, kind parley.ChannelKind) *parley.Channel {
	f.T.Helper()
	c := &parley.Channel{InboxID: in.ID, Kind: kind, Name: string(kind), Enabled: true, CreatedAt: f.At}
	f.tx(func(tx *store.Tx) error { return tx.CreateChannel(context.Background(), c) })
	return c
}

// InboxTexts returns the text of every message in an inbox's conversations
// (in the inbox and filtered), oldest conversation first: what reached it.
func InboxTexts(t testing.TB, s *store.Store, inbox parley.ID) []string {
	t.Helper()
	ctx := context.Background()
	convs, err := s.ListView(ctx, store.ViewQuery{InboxIDs: []parley.ID{inbox},
		Placements: []parley.Placement{parley.PlacementInbox, parley.PlacementFiltered}, Oldest: true, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, c := range convs {
		evs, err := s.ConversationEvents(ctx, c.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if e.MessageID != nil {
				m, err := s.Message(ctx, *e.MessageID)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, m.Text)
			}
		}
	}
	return out
}
