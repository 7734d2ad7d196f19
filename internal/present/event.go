package present

import (
	"encoding/json"
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// ActorJSON names who did something: a user, a contact, or Parley itself.
type ActorJSON struct {
	Kind parley.ActorKind `json:"kind" enum:"user,contact,system,bot"`
	ID   *parley.ID       `json:"id"`
	Name string           `json:"name"`
}

// Actor names who did e (Mentions.Actor gathers the id): a user by name, a
// contact by name, else email, or "Parley".
func (n *Names) Actor(e *parley.Event) ActorJSON {
	a := ActorJSON{Kind: e.ActorKind, ID: e.ActorID}
	switch {
	case e.ActorKind == parley.ActorSystem:
		a.Name = "Parley"
	case e.ActorKind == parley.ActorBot:
		a.Name = parley.BotActor.Name
	case e.ActorID == nil:
	case e.ActorKind == parley.ActorUser:
		a.Name = n.Users[*e.ActorID]
	case e.ActorKind == parley.ActorContact:
		if c := n.Contacts[*e.ActorID]; c != nil {
			a.Name = c.Name
			if a.Name == "" {
				a.Name = c.Email
			}
		}
	}
	return a
}

// TimelineItemJSON is an event of a conversation's timeline, with the
// message it added.
type TimelineItemJSON struct {
	Seq     int64          `json:"seq"`
	Type    string         `json:"type"`
	At      time.Time      `json:"at"`
	Actor   ActorJSON      `json:"actor"`
	Data    map[string]any `json:"data"`
	Message *MessageJSON   `json:"message"`
}

// TimelineItem renders e as a timeline shows it, with the message m it
// added (nil if none) and m's attachments.
func (n *Names) TimelineItem(e *parley.Event, m *parley.Message, atts []parley.Attachment) TimelineItemJSON {
	data := map[string]any{}
	_ = json.Unmarshal(e.Data, &data)
	return TimelineItemJSON{Seq: e.Seq, Type: e.Type, At: e.At, Actor: n.Actor(e), Data: data, Message: Message(m, atts)}
}

// EventJSON is an event as the realtime stream sends it.
type EventJSON struct {
	Seq            int64           `json:"seq"`
	Type           string          `json:"type"`
	ConversationID *parley.ID      `json:"conversation_id"`
	InboxID        *parley.ID      `json:"inbox_id"`
	MessageID      *parley.ID      `json:"message_id,omitempty"`
	Actor          ActorJSON       `json:"actor"`
	At             time.Time       `json:"at"`
	Data           json.RawMessage `json:"data"`
}

// Event renders e as the stream sends it.
func (n *Names) Event(e *parley.Event) EventJSON {
	return EventJSON{Seq: e.Seq, Type: e.Type, ConversationID: e.ConversationID, InboxID: e.InboxID,
		MessageID: e.MessageID, Actor: n.Actor(e), At: e.At, Data: e.Data}
}
