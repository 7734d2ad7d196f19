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
		{"a deleted ticket keeps no subject", parley.NewEvent(parley.EventTicketDeleted, parley.System, time.Time{},
			map[string]any{"ticket_id": 8, "subject": "Refund for Zoé Martin"}), "ticket", 8, `{"ticket_id":8}`},
		{"an erasure keeps its counts", parley.NewEvent(parley.EventContactErased, parley.System, time.Time{},
			map[string]any{"contact_id": 5, "conversations": 2, "messages": 9}), "contact", 5, `{"contact_id":5,"conversations":2,"messages":9}`},
		{"a deleted conversation keeps its flags", parley.NewEvent(parley.EventConversationDeleted, parley.System, time.Time{},
			map[string]any{"trashed_at": "2026-01-01T00:00:00Z", "for_good": true}), "conversation", 0, `{"for_good":true}`},
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
