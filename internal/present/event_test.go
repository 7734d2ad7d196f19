package present

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/parley"
)

func id(x parley.ID) *parley.ID { return &x }

// TestActor names who did an event, the same in the timeline and on the
// stream.
func TestActor(t *testing.T) {
	n := &Names{
		Users: map[parley.ID]string{1: "Ana Lima"},
		Contacts: map[parley.ID]*parley.Contact{
			5: {ID: 5, Name: "Jo", Email: "jo@example.org"},
			6: {ID: 6, Email: "nameless@example.org"},
		},
	}
	for _, tt := range []struct {
		kind parley.ActorKind
		id   *parley.ID
		want string
	}{
		{parley.ActorSystem, nil, "Parley"},
		{parley.ActorUser, id(1), "Ana Lima"},
		{parley.ActorUser, id(2), ""},      // a name not loaded
		{parley.ActorContact, id(5), "Jo"}, // by name
		{parley.ActorContact, id(6), "nameless@example.org"},
		{parley.ActorContact, id(7), ""},
		{parley.ActorUser, nil, ""},
	} {
		e := &parley.Event{Seq: 9, Type: parley.EventCommentAdded, ActorKind: tt.kind, ActorID: tt.id, At: time.Unix(0, 0).UTC(),
			Data: json.RawMessage(`{"x":1}`)}
		want := ActorJSON{Kind: tt.kind, ID: tt.id, Name: tt.want}
		if got := n.Actor(e); !cmp.Equal(got, want) {
			t.Errorf("%s %v: %+v, want %+v", tt.kind, tt.id, got, want)
		}
		item, ev := n.TimelineItem(e, nil, nil), n.Event(e)
		if !cmp.Equal(item.Actor, ev.Actor) {
			t.Errorf("%s %v: timeline names %+v, stream %+v", tt.kind, tt.id, item.Actor, ev.Actor)
		}
	}
}

// TestMentions gathers the ids a rendering names, and only those.
func TestMentions(t *testing.T) {
	var m Mentions
	m.Conversation(&parley.Conversation{ContactID: id(5), AssigneeID: id(1), TeamID: id(3)})
	m.Conversation(&parley.Conversation{})
	m.Actor(&parley.Event{ActorKind: parley.ActorUser, ActorID: id(2)})
	m.Actor(&parley.Event{ActorKind: parley.ActorContact, ActorID: id(6)})
	m.Actor(&parley.Event{ActorKind: parley.ActorSystem})
	want := Mentions{Users: []parley.ID{1, 2}, Teams: []parley.ID{3}, Contacts: []parley.ID{5, 6}}
	if diff := cmp.Diff(want, m); diff != "" {
		t.Errorf("mentions (-want +got):\n%s", diff)
	}
}

// TestEventJSON pins the stream's event shape, which the web app reads.
func TestEventJSON(t *testing.T) {
	e := &parley.Event{Seq: 4, Type: parley.EventAssigned, InboxID: id(2), ConversationID: id(3), ActorKind: parley.ActorUser,
		ActorID: id(1), At: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), Data: json.RawMessage(`{"to_user_id":1}`)}
	got, err := json.Marshal((&Names{Users: map[parley.ID]string{1: "Ana"}}).Event(e))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"seq":4,"type":"conversation.assigned","conversation_id":3,"inbox_id":2,"actor":{"kind":"user","id":1,"name":"Ana"},"at":"2025-01-02T03:04:05Z","data":{"to_user_id":1}}`
	if string(got) != want {
		t.Errorf("event = %s\nwant    %s", got, want)
	}
}
