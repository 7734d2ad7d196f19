package realtime_test

import (
	"context"
	"slices"
	"testing"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/present"
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
			{"an export", ev(parley.EventExportCreated, nil, id(root.ID)), map[*parley.User]bool{ana: false, bob: false, root: true}},
			{"an export downloaded", ev(parley.EventExportDownloaded, nil, id(root.ID)), map[*parley.User]bool{ana: false, root: true}},
			// Admins' settings: a replay must not give them to an agent.
			{"a webhook changed", ev(parley.EventWebhookChanged, nil, id(root.ID)), map[*parley.User]bool{ana: false, root: true}},
			{"single sign-on changed", ev(parley.EventSSOChanged, nil, id(root.ID)), map[*parley.User]bool{ana: false, root: true}},
			{"someone's sessions ended", realtime.Event{Type: parley.EventSessionEnded, UserID: id(ana.ID)}, map[*parley.User]bool{ana: true, bob: false, root: false}},
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
		sig := realtime.Signal{Type: "typing", InboxID: closed.ID, Actor: present.ActorJSON{Kind: parley.ActorUser, ID: id(ana.ID)}}
		for u, want := range map[*parley.User]bool{ana: false, bob: false, root: true} {
			v, _ := realtime.NewViewer(ctx, s, parley.UserActor(u))
			if got := v.SeesSignal(sig); got != want {
				t.Errorf("signal: %s hears = %v, want %v", u.Name, got, want)
			}
		}
	})
}

// TestTopicsCoverWhatViewersSee checks that a subscriber following its
// viewer's topics is handed every event it may see, every event that may
// change what it reads and every one that may end its credentials; and
// none of a restricted inbox's it may not read.
func TestTopicsCoverWhatViewersSee(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		f := storetest.NewFixtures(t, s)
		users := []*parley.User{f.User("ana", parley.RoleAgent), f.User("bob", parley.RoleAgent), f.User("root", parley.RoleAdmin)}
		open, closed := f.Inbox("open"), f.Inbox("closed", users[0])
		id := func(x parley.ID) *parley.ID { return &x }
		conv := id(99)
		types := []string{parley.EventMessageReceived, parley.EventMentioned, parley.EventUserCreated, parley.EventUserUpdated,
			parley.EventTokenCreated, parley.EventTokenRevoked, parley.EventSessionEnded, parley.EventTeamMembersChanged,
			parley.EventInboxCreated, parley.EventInboxMembersChanged, parley.EventInboxDeleted, parley.EventOrgUpdated, parley.EventNotified,
			parley.EventContactUpdated}
		// The events the hub renders with the user they concern.
		aboutUsers := []string{parley.EventUserCreated, parley.EventUserUpdated, parley.EventSessionEnded,
			parley.EventTokenCreated, parley.EventTokenRevoked, parley.EventNotified}
		var evs []realtime.Event
		for _, typ := range types {
			for _, inbox := range []*parley.ID{nil, id(open.ID), id(closed.ID)} {
				for _, u := range append([]*parley.User{nil}, users...) {
					e := realtime.Event{Type: typ, InboxID: inbox}
					if inbox != nil {
						e.ConversationID = conv
					}
					if u != nil {
						e.ActorID = id(u.ID)
						if slices.Contains(aboutUsers, typ) {
							e.UserID = id(u.ID)
						}
					}
					evs = append(evs, e)
				}
			}
		}
		for _, u := range users {
			v, err := realtime.NewViewer(ctx, s, parley.UserActor(u))
			if err != nil {
				t.Fatal(err)
			}
			follows := v.Topics()
			for _, e := range evs {
				handed := slices.ContainsFunc(realtime.EventTopics(e), func(x realtime.Topic) bool { return slices.Contains(follows, x) })
				must := v.Sees(e) || realtime.ChangesAccess(e) || realtime.EndsCredentials(e, u.ID)
				if must && !handed {
					t.Errorf("%s, following %v, is not handed %+v", u.Name, follows, e)
				}
				if e.Type == parley.EventNotified && e.InboxID == nil && (e.UserID == nil || *e.UserID != u.ID) && (v.Sees(e) || handed) {
					t.Errorf("%s is handed another's notification %+v", u.Name, e)
				}
				if e.Type == parley.EventContactUpdated && e.InboxID == nil && u.Role != parley.RoleAdmin && v.Sees(e) {
					t.Errorf("%s, not an admin, sees a contact's change %+v", u.Name, e)
				}
				if u.Name == "bob" && e.InboxID != nil && *e.InboxID == closed.ID && !realtime.ChangesAccess(e) &&
					(e.UserID == nil || *e.UserID != u.ID) && handed {
					t.Errorf("bob is handed %+v of an inbox he may not read", e)
				}
			}
		}
	})
}
