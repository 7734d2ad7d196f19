package realtime

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// ActorJSON names who did something.
type ActorJSON struct {
	Kind parley.ActorKind `json:"kind" enum:"user,contact,system"`
	ID   *parley.ID       `json:"id"`
	Name string           `json:"name"`
}

// Actor names who did e: a user by userName, a contact by contact (by
// name, else email), or Parley itself.
func Actor(e *parley.Event, userName func(parley.ID) string, contact func(parley.ID) *parley.Contact) ActorJSON {
	a := ActorJSON{Kind: e.ActorKind, ID: e.ActorID}
	switch {
	case e.ActorKind == parley.ActorSystem:
		a.Name = "Parley"
	case e.ActorID == nil:
	case e.ActorKind == parley.ActorUser:
		a.Name = userName(*e.ActorID)
	case e.ActorKind == parley.ActorContact:
		if c := contact(*e.ActorID); c != nil {
			a.Name = c.Name
			if a.Name == "" {
				a.Name = c.Email
			}
		}
	}
	return a
}

// eventJSON is an event as clients receive it.
type eventJSON struct {
	Seq            int64           `json:"seq"`
	Type           string          `json:"type"`
	ConversationID *parley.ID      `json:"conversation_id"`
	InboxID        *parley.ID      `json:"inbox_id"`
	MessageID      *parley.ID      `json:"message_id,omitempty"`
	Actor          ActorJSON       `json:"actor"`
	At             time.Time       `json:"at"`
	Data           json.RawMessage `json:"data"`
}

// names caches user names, refreshed when users change; contacts are looked
// up per batch.
type names struct {
	store *store.Store
	mu    sync.Mutex
	users map[parley.ID]string
}

func newNames(s *store.Store) *names { return &names{store: s} }

func (n *names) user(ctx context.Context, id parley.ID) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, ok := n.users[id]; !ok || n.users == nil {
		users, err := n.store.Users(ctx)
		if err == nil {
			n.users = map[parley.ID]string{}
			for _, u := range users {
				n.users[u.ID] = u.Name
			}
		}
	}
	return n.users[id]
}

func (n *names) forget() {
	n.mu.Lock()
	n.users = nil
	n.mu.Unlock()
}

func (h *Hub) render(ctx context.Context, evs []parley.Event) ([]Event, error) {
	var contacts []parley.ID
	for _, e := range evs {
		if e.ActorKind == parley.ActorContact && e.ActorID != nil {
			contacts = append(contacts, *e.ActorID)
		}
		switch e.Type {
		case parley.EventUserCreated, parley.EventUserUpdated:
			h.names.forget()
		}
	}
	cs, err := h.store.ContactsByID(ctx, contacts)
	if err != nil {
		return nil, err
	}
	out := make([]Event, len(evs))
	for i, e := range evs {
		// One rendering serves every subscriber of the event's inbox, who
		// may not read the inbox a contact's name was learnt in: the name
		// shows in events of that inbox only.
		inEvent := func(inbox parley.ID) bool { return e.InboxID != nil && *e.InboxID == inbox }
		a := Actor(&e, func(id parley.ID) string { return h.names.user(ctx, id) }, func(id parley.ID) *parley.Contact {
			if c := cs[id]; c != nil {
				return c.Seen(inEvent)
			}
			return nil
		})
		b, err := json.Marshal(eventJSON{Seq: e.Seq, Type: e.Type, ConversationID: e.ConversationID, InboxID: e.InboxID,
			MessageID: e.MessageID, Actor: a, At: e.At, Data: e.Data})
		if err != nil {
			return nil, err
		}
		out[i] = Event{Seq: e.Seq, Type: e.Type, InboxID: e.InboxID, ConversationID: e.ConversationID, ActorID: e.ActorID,
			UserID: subjectUser(&e), JSON: b}
	}
	return out, nil
}

// subjectUser returns the user an event about users concerns, from its
// data's user_id.
func subjectUser(e *parley.Event) *parley.ID {
	switch e.Type {
	case parley.EventUserCreated, parley.EventUserUpdated, parley.EventSessionEnded, parley.EventTokenCreated, parley.EventTokenRevoked:
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
