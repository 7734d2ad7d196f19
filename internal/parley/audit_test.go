package parley_test

import (
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// TestAuditSubjectAndData: an audit entry is about what its event names by
// id (the most particular first), else its conversation or inbox, else
// the kind its type says; it never copies who a customer is.
func TestAuditSubjectAndData(t *testing.T) {
	conv, inbox := parley.ID(7), parley.ID(3)
	for _, tt := range []struct {
		name     string
		e        parley.Event
		kind     string
		id       parley.ID
		wantData string
	}{
		{"a token of a user", parley.NewEvent(parley.EventTokenRevoked, parley.System, time.Time{}, map[string]any{"user_id": 1, "token_id": 9}), "token", 9, `{"token_id":9,"user_id":1}`},
		{"a channel", parley.NewEvent(parley.EventChannelUpdated, parley.System, time.Time{}, map[string]any{"channel_id": 4}), "channel", 4, `{"channel_id":4}`},
		{"a conversation", parley.Event{Type: parley.EventConversationDeleted, ConversationID: &conv, InboxID: &inbox, Data: []byte(`{}`)}, "conversation", 7, `{}`},
		{"an inbox", parley.Event{Type: parley.EventInboxDeleted, InboxID: &inbox, Data: []byte(`{"name":"Sales"}`)}, "inbox", 3, `{"name":"Sales"}`},
		{"the organisation", parley.NewEvent(parley.EventOrgUpdated, parley.System, time.Time{}, map[string]any{"name": "Acme"}), "org", 0, `{"name":"Acme"}`},
		{"a merge keeps ids, not who", parley.NewEvent(parley.EventContactMerged, parley.System, time.Time{},
			map[string]any{"contact_id": 5, "from_contact_id": 6, "name": "Zoé", "email": "zoe@example.org"}), "contact", 5, `{"contact_id":5,"from_contact_id":6}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			kind, id := parley.AuditSubject(&tt.e)
			if kind != tt.kind || (id == nil) != (tt.id == 0) || id != nil && *id != tt.id {
				t.Errorf("subject %s %v, want %s %d", kind, id, tt.kind, tt.id)
			}
			if got := string(parley.AuditData(&tt.e)); got != tt.wantData {
				t.Errorf("data %s, want %s", got, tt.wantData)
			}
		})
	}
}
