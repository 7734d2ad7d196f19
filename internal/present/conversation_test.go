package present

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/parleyhq/parley/internal/parley"
)

// TestConversation names a conversation's contact, assignee and team from
// the names loaded for it; a name not loaded is empty, never a failure.
func TestConversation(t *testing.T) {
	n := &Names{
		Users:    map[parley.ID]string{1: "Ana Lima"},
		Teams:    map[parley.ID]string{3: "Billing"},
		Contacts: map[parley.ID]*parley.Contact{5: {ID: 5, Name: "Jo", Email: "jo@example.org"}},
	}
	got := n.Conversation(&parley.Conversation{ID: 9, ContactID: id(5), AssigneeID: id(1), TeamID: id(3), ChannelKind: parley.ChannelEmail})
	if diff := cmp.Diff(&RefJSON{ID: 5, Name: "Jo", Email: "jo@example.org"}, got.Contact); diff != "" {
		t.Errorf("contact (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(&RefJSON{ID: 1, Name: "Ana Lima", Initials: "AL"}, got.Assignee); diff != "" {
		t.Errorf("assignee (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(&RefJSON{ID: 3, Name: "Billing"}, got.Team); diff != "" {
		t.Errorf("team (-want +got):\n%s", diff)
	}
	if got.ChannelLabel != "email" {
		t.Errorf("channel label = %q", got.ChannelLabel)
	}

	unknown := n.Conversation(&parley.Conversation{ContactID: id(6), AssigneeID: id(2), TeamID: id(4)})
	if unknown.Contact != nil || *unknown.Assignee != (RefJSON{ID: 2}) || *unknown.Team != (RefJSON{ID: 4}) {
		t.Errorf("names not loaded: contact %v, assignee %v, team %v", unknown.Contact, unknown.Assignee, unknown.Team)
	}
	if none := n.Conversation(&parley.Conversation{}); none.Contact != nil || none.Assignee != nil || none.Team != nil {
		t.Errorf("a conversation of no one: %+v", none)
	}
}

func TestInitials(t *testing.T) {
	for name, want := range map[string]string{"Ana Lima": "AL", "ana": "a", "Jean-Luc Picard": "JL", "": "", "Élodie  Brun": "ÉB"} {
		if got := Initials(name); got != want {
			t.Errorf("Initials(%q) = %q, want %q", name, got, want)
		}
	}
}
