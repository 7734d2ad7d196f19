package realtime

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/present"
)

// render turns a batch of log events into what the stream sends, once for
// every subscriber. The names they mention are read for this batch, by id,
// as the REST API reads a page's: a rename shows in the next event.
func (h *Hub) render(ctx context.Context, evs []parley.Event) ([]Event, error) {
	var m present.Mentions
	for i := range evs {
		m.Actor(&evs[i])
	}
	users, err := h.store.UserNames(ctx, m.Users)
	if err != nil {
		return nil, err
	}
	contacts, err := h.store.ContactsByID(ctx, m.Contacts)
	if err != nil {
		return nil, err
	}
	// One rendering serves every subscriber of the event's inbox, who may
	// not read the inbox a contact's name was learnt in: names are as a
	// reader of the event's inbox alone sees them, so a contact's name
	// shows in events of that inbox only.
	byInbox := map[parley.ID]*present.Names{}
	names := func(inbox *parley.ID) *present.Names {
		var key parley.ID // 0, no inbox's id, for events of none
		if inbox != nil {
			key = *inbox
		}
		if n, ok := byInbox[key]; ok {
			return n
		}
		n := &present.Names{Users: users, Contacts: make(map[parley.ID]*parley.Contact, len(contacts))}
		for id, c := range contacts {
			n.Contacts[id] = c.Seen(func(i parley.ID) bool { return inbox != nil && i == key })
		}
		byInbox[key] = n
		return n
	}
	out := make([]Event, len(evs))
	for i := range evs {
		e := &evs[i]
		b, err := json.Marshal(names(e.InboxID).Event(e))
		if err != nil {
			return nil, err
		}
		out[i] = Event{Seq: e.Seq, Type: e.Type, InboxID: e.InboxID, ConversationID: e.ConversationID, MessageID: e.MessageID, ActorID: e.ActorID,
			UserID: subjectUser(e), Visitor: subjectVisitor(e), JSON: b}
	}
	return out, nil
}

// subjectUser returns the user an event about users concerns, from its
// data's user_id.
func subjectUser(e *parley.Event) *parley.ID {
	switch e.Type {
	case parley.EventUserCreated, parley.EventUserUpdated, parley.EventSessionEnded, parley.EventTwoFactorChanged, parley.EventTokenCreated, parley.EventTokenRevoked,
		parley.EventNotified:
	default:
		return nil
	}
	var d struct {
		UserID *parley.ID `json:"user_id"`
	}
	if json.Unmarshal(e.Data, &d) != nil {
		return nil
	}
	return d.UserID
}

// subjectVisitor returns the chat visitor whose message a message.received
// event is, from its data's visitor: their widgets follow them by it.
func subjectVisitor(e *parley.Event) string {
	if e.Type != parley.EventMessageReceived || !bytes.Contains(e.Data, []byte(`"visitor"`)) {
		return ""
	}
	var d struct {
		Visitor string `json:"visitor"`
	}
	_ = json.Unmarshal(e.Data, &d)
	return d.Visitor
}
