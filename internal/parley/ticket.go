package parley

import "time"

// PipelineKind is what a pipeline holds (SPEC CRM-3).
type PipelineKind string

// Pipeline kinds.
const (
	PipelineTickets PipelineKind = "ticket"
	PipelineDeals   PipelineKind = "deal"
)

// Pipeline is an ordered set of stages that tickets (or deals) move
// through; admins define them.
type Pipeline struct {
	ID        ID
	Kind      PipelineKind
	Name      string
	Position  int
	Stages    []Stage // in order
	CreatedAt time.Time
}

// Stage is one step of a pipeline. A closed stage closes what reaches it
// (a ticket's status follows its stage's kind).
type Stage struct {
	ID         ID
	PipelineID ID
	Name       string
	Position   int
	Closed     bool
}

// Stage returns the pipeline's stage with id, or nil.
func (p *Pipeline) Stage(id ID) *Stage {
	for i := range p.Stages {
		if p.Stages[i].ID == id {
			return &p.Stages[i]
		}
	}
	return nil
}

// Ticket priorities, lowest first.
var Priorities = []string{"low", "normal", "high", "urgent"}

// Ticket is a customer's request tracked through a pipeline (SPEC CRM-3),
// linked to a contact and to the conversations about it.
type Ticket struct {
	ID              ID
	Subject         string
	Description     string
	PipelineID      ID
	StageID         ID
	Status          Status // open or closed, as its stage is
	Priority        string
	OwnerID         *ID
	ContactID       *ID
	CompanyID       *ID
	ConversationIDs []ID
	// InboxID is the inbox of the conversation it was opened from: its
	// readers see it when no conversation is linked any more. Nil: opened
	// on its own, seen by everyone signed in.
	InboxID *ID
	// FollowsID is the conversation whose owner the ticket's owner
	// follows (a ticket a channel opened for it), nil for none.
	FollowsID *ID
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ContactField is a field admins define for every contact (SPEC CRM-1):
// its value, checked by its type, is kept in the contact's details under
// its key.
type ContactField struct {
	ID      ID
	Key     string
	Label   string
	Type    string   // text, number, date, choice
	Choices []string // for choice
	// AppliesTo is what has the field: contact (the default) or company.
	AppliesTo string
	Position  int
	// CreatedAt is when it was defined.
	CreatedAt time.Time
}

// Company is an organisation contacts work for (SPEC CRM-1).
type Company struct {
	ID   ID
	Name string
	// Domain suggests the company for a contact with an address there;
	// lowercased, "" for none.
	Domain    string
	OwnerID   *ID
	Contacts  int // how many contacts it has
	CreatedAt time.Time
	// Details are its values of the company fields (key: value).
	Details map[string]string
}

// Deal is what a customer may buy (SPEC CRM-1), moved through a deal
// pipeline's stages.
type Deal struct {
	ID   ID
	Name string
	// Amount is a decimal number as kept ("1250.5"), "" for none; its
	// Currency an ISO 4217 code.
	Amount          string
	Currency        string
	PipelineID      ID
	StageID         ID
	Status          Status // open or closed, as its stage is
	OwnerID         *ID
	CloseDate       string // YYYY-MM-DD, "" for none
	CompanyID       *ID
	ContactIDs      []ID
	ConversationIDs []ID
	// InboxID is the inbox of the first conversation it was about: its
	// readers see it when no conversation is linked any more (as a
	// ticket's). Nil: made on its own, seen by everyone signed in.
	InboxID   *ID
	CreatedAt time.Time
	UpdatedAt time.Time
}
