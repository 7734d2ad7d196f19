package present

import (
	"time"

	"github.com/parleyhq/parley/internal/parley"
)

// RefJSON names a person or a team a conversation refers to.
type RefJSON struct {
	ID       parley.ID `json:"id"`
	Name     string    `json:"name"`
	Email    string    `json:"email,omitempty"`
	Initials string    `json:"initials,omitempty"`
}

// ConversationJSON is a conversation as a list and its page show it.
type ConversationJSON struct {
	ID             parley.ID          `json:"id"`
	InboxID        parley.ID          `json:"inbox_id"`
	ChannelID      parley.ID          `json:"channel_id"`
	Channel        parley.ChannelKind `json:"channel" enum:"api,email,chat,form,call"`
	ChannelLabel   string             `json:"channel_label" doc:"The per-channel view it is in: email, chat, bots, forms, calls or api."`
	Unread         bool               `json:"unread" doc:"A customer message you have not read."`
	Status         parley.Status      `json:"status" enum:"open,closed"`
	Placement      parley.Placement   `json:"placement" enum:"inbox,filtered,spam,trash"`
	Subject        string             `json:"subject"`
	Preview        string             `json:"preview"`
	Contact        *RefJSON           `json:"contact"`
	Assignee       *RefJSON           `json:"assignee"`
	Team           *RefJSON           `json:"team"`
	CreatedAt      time.Time          `json:"created_at"`
	LastActivityAt time.Time          `json:"last_activity_at"`
	LastCustomerAt *time.Time         `json:"last_customer_at"`
	LastAgentAt    *time.Time         `json:"last_agent_at"`
	ClosedAt       *time.Time         `json:"closed_at"`
	TrashedAt      *time.Time         `json:"trashed_at"`
}

// Conversation renders c with the names of its contact, assignee and team
// (Mentions.Conversation gathers their ids). Unread is the caller's: it is
// the reader's own marker.
func (n *Names) Conversation(c *parley.Conversation) ConversationJSON {
	out := ConversationJSON{ID: c.ID, InboxID: c.InboxID, ChannelID: c.ChannelID, Channel: c.ChannelKind,
		ChannelLabel: parley.ChannelLabel(c.ChannelKind, c.Bot), Status: c.Status,
		Placement: c.Placement, Subject: c.Subject, Preview: c.Preview, CreatedAt: c.CreatedAt, LastActivityAt: c.LastActivityAt,
		LastCustomerAt: c.LastCustomerAt, LastAgentAt: c.LastAgentAt, ClosedAt: c.ClosedAt, TrashedAt: c.TrashedAt}
	if c.ContactID != nil {
		if ct, ok := n.Contacts[*c.ContactID]; ok && ct != nil {
			out.Contact = &RefJSON{ID: ct.ID, Name: ct.Name, Email: ct.Email}
		}
	}
	if c.AssigneeID != nil {
		name := n.Users[*c.AssigneeID]
		out.Assignee = &RefJSON{ID: *c.AssigneeID, Name: name, Initials: Initials(name)}
	}
	if c.TeamID != nil {
		out.Team = &RefJSON{ID: *c.TeamID, Name: n.Teams[*c.TeamID]}
	}
	return out
}
