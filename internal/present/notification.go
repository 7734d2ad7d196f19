package present

import (
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// NotificationJSON is one entry of a person's notification centre.
type NotificationJSON struct {
	ID             parley.ID  `json:"id"`
	Kind           string     `json:"kind" enum:"assigned,message,mention" doc:"assigned: the conversation was given to you (by a person or by routing); message: a customer wrote in a conversation you own; mention: a teammate mentioned you."`
	ConversationID parley.ID  `json:"conversation_id"`
	Subject        string     `json:"subject"`
	Contact        string     `json:"contact" doc:"The conversation's contact, by name or email."`
	Actor          ActorJSON  `json:"actor" doc:"Who did it."`
	CreatedAt      time.Time  `json:"created_at"`
	ReadAt         *time.Time `json:"read_at" nullable:"true"`
}

// Notification renders one notification about c, caused by an actor.
func (n *Names) Notification(id parley.ID, kind string, c *parley.Conversation, actor *parley.Event, at time.Time, read *time.Time) NotificationJSON {
	out := NotificationJSON{ID: id, Kind: kind, ConversationID: c.ID, Subject: c.Subject, Actor: n.Actor(actor), CreatedAt: at, ReadAt: read}
	if c.ContactID != nil {
		if ct := n.Contacts[*c.ContactID]; ct != nil {
			out.Contact = ct.Name
			if out.Contact == "" {
				out.Contact = ct.Email
			}
		}
	}
	return out
}
