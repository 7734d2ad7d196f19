// Package present renders Parley's domain objects as its API shows them:
// the JSON of the REST API and of the realtime stream, written once, so a
// conversation, a message, an actor or an event reads the same wherever a
// client gets it. The types keep the names the OpenAPI document gives their
// schemas (the web app's types are generated from it). It does no I/O: the
// caller gathers the ids a rendering mentions (Mentions) and loads their
// names (Names).
package present

import "github.com/parleyhq/parley/internal/parley"

// Names are the display names a rendering mentions, as its reader may see
// them: users and teams by id, and contacts (without a name learnt in an
// inbox the reader cannot read). An id without an entry renders with an
// empty name.
type Names struct {
	Users    map[parley.ID]string
	Teams    map[parley.ID]string
	Contacts map[parley.ID]*parley.Contact
}

// Mentions gathers the ids whose names a rendering needs, from what it
// renders, for the caller to load into Names; an id may repeat.
type Mentions struct {
	Users, Teams, Contacts []parley.ID
}

// Conversation adds the contact, assignee and team of c.
func (m *Mentions) Conversation(c *parley.Conversation) {
	if c.ContactID != nil {
		m.Contacts = append(m.Contacts, *c.ContactID)
	}
	if c.AssigneeID != nil {
		m.Users = append(m.Users, *c.AssigneeID)
	}
	if c.TeamID != nil {
		m.Teams = append(m.Teams, *c.TeamID)
	}
}

// Actor adds who did e: a user or a contact.
func (m *Mentions) Actor(e *parley.Event) {
	if e.ActorID == nil {
		return
	}
	switch e.ActorKind {
	case parley.ActorUser:
		m.Users = append(m.Users, *e.ActorID)
	case parley.ActorContact:
		m.Contacts = append(m.Contacts, *e.ActorID)
	}
}

// nonNil makes a missing list an empty one: the API shows [], not null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
