package realtime_test

import (
	"context"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/realtime"
	"github.com/parleyhq/parley/internal/store"
	"github.com/parleyhq/parley/internal/store/storetest"
)

func TestViewer(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := storetest.NewFixtures(t, s)
		ana := f.User("ana", parley.RoleAgent)
		bob := f.User("bob", parley.RoleAgent)
		root := f.User("root", parley.RoleAdmin)
		open := f.Inbox("open")
		closed := f.Inbox("closed", ana)
		id := func(x parley.ID) *parley.ID { return &x }
		ev := func(typ string, inbox *parley.ID, actor *parley.ID) realtime.Event {
			return realtime.Event{Type: typ, InboxID: inbox, ActorID: actor}
		}
		tests := []struct {
			name string
			e    realtime.Event
			sees map[*parley.User]bool
		}{
			{"an open inbox's event", ev(parley.EventMessageReceived, id(open.ID), nil), map[*parley.User]bool{ana: true, bob: true, root: true}},
			{"a restricted inbox's event", ev(parley.EventMessageReceived, id(closed.ID), nil), map[*parley.User]bool{ana: true, bob: false, root: true}},
			{"an organisation event", ev(parley.EventUserCreated, nil, id(root.ID)), map[*parley.User]bool{ana: true, bob: true, root: true}},
			{"ana's token", ev(parley.EventTokenCreated, nil, id(ana.ID)), map[*parley.User]bool{ana: true, bob: false, root: true}},
		}
		for _, tt := range tests {
			for u, want := range tt.sees {
				v, err := realtime.NewViewer(ctx, s, parley.UserActor(u))
				if err != nil {
					t.Fatal(err)
				}
				if got := v.Sees(tt.e); got != want {
					t.Errorf("%s: %s sees = %v, want %v", tt.name, u.Name, got, want)
				}
			}
		}
		// Nobody hears their own signal; outsiders hear none.
		sig := realtime.Signal{Type: "typing", InboxID: closed.ID, Actor: realtime.ActorJSON{Kind: parley.ActorUser, ID: id(ana.ID)}}
		for u, want := range map[*parley.User]bool{ana: false, bob: false, root: true} {
			v, _ := realtime.NewViewer(ctx, s, parley.UserActor(u))
			if got := v.SeesSignal(sig); got != want {
				t.Errorf("signal: %s hears = %v, want %v", u.Name, got, want)
			}
		}
	})
}
