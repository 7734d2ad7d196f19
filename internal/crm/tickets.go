package crm

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Tickets (SPEC CRM-3, CRM-2) track a customer's request through a
// pipeline. Who may see one follows from what it is linked to (record):
// a ticket linked to conversations is seen by those who may read one of
// them, one linked to none by everyone signed in; viewers read, the
// others edit. Every change is an event in the timeline of each linked
// conversation (or, linked to none, the organisation's).

// TicketInput is a new ticket.
type TicketInput struct {
	Subject     string
	Description string
	// PipelineID 0 is the first ticket pipeline; StageID 0 its first open
	// stage.
	PipelineID      parley.ID
	StageID         parley.ID
	Priority        string // default normal
	OwnerID         *parley.ID
	ContactID       *parley.ID // nil: the first conversation's contact
	CompanyID       *parley.ID // nil: the contact's company
	ConversationIDs []parley.ID
}

// TicketPatch changes some of a ticket's fields; nil leaves one as it is.
// OwnerID 0 takes the owner away.
type TicketPatch struct {
	Subject, Description, Priority *string
	PipelineID, StageID            *parley.ID
	OwnerID                        *parley.ID
	ContactID                      *parley.ID // 0 takes the contact away
	CompanyID                      *parley.ID // 0 takes the company away
}

// record checks that a may do p to a ticket: linked to conversations, one
// of them must allow it; linked to none, the inbox it was opened from,
// or, opened on its own, anyone signed in (viewers read only). What a may
// not read is ENOTFOUND, exactly as what does not exist.
func record(ctx context.Context, m auth.Memberships, a parley.Actor, t *parley.Ticket, p auth.Perm) error {
	if err := signedIn(a); err != nil {
		return err
	}
	var err error
	switch {
	case len(t.ConversationIDs) > 0:
		err = auth.Contact(ctx, m, a, t.ConversationIDs, p)
	case t.InboxID != nil:
		err = auth.Inbox(ctx, m, a, *t.InboxID, p)
	case p == auth.Act:
		err = auth.Author(a)
	}
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return parley.NotFound("ticket")
	}
	return err
}

// readableOnly keeps, of each list of conversations (a ticket's or a
// deal's), those a may read: a record never names a conversation its
// reader may not know exists. Each conversation's inbox is read once.
func readableOnly(ctx context.Context, m auth.Memberships, a parley.Actor, lists ...*[]parley.ID) error {
	if auth.Admin(a) == nil {
		return nil
	}
	readable, err := auth.Readable(ctx, m, a)
	if err != nil {
		return err
	}
	inbox := map[parley.ID]parley.ID{}
	for _, ids := range lists {
		kept := (*ids)[:0]
		for _, id := range *ids {
			in, ok := inbox[id]
			if !ok {
				c, err := m.Conversation(ctx, id)
				if err != nil {
					return err
				}
				in = c.InboxID
				inbox[id] = in
			}
			if readable(in) {
				kept = append(kept, id)
			}
		}
		*ids = kept
	}
	return nil
}

// CreateTicket opens a ticket, linked to conversations the actor may act
// in and to a contact (by default the first conversation's).
func (s *Service) CreateTicket(ctx context.Context, a parley.Actor, in TicketInput) (*parley.Ticket, error) {
	if err := auth.Author(a); err != nil {
		return nil, err
	}
	t := &parley.Ticket{Subject: strings.TrimSpace(in.Subject), Description: in.Description, Priority: in.Priority, OwnerID: in.OwnerID, ContactID: in.ContactID}
	if err := checkTicket(t); err != nil {
		return nil, err
	}
	if len(in.ConversationIDs) > 20 {
		return nil, parley.Invalid("conversation_ids", "links at most 20 conversations")
	}
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		for i, id := range in.ConversationIDs {
			c, err := auth.Conversation(ctx, tx, a, id, auth.Act)
			if err != nil {
				if parley.ErrorCode(err) == parley.ENOTFOUND {
					return parley.Invalid(fmt.Sprintf("conversation_ids[%d]", i), "no such conversation")
				}
				return err
			}
			if !slices.Contains(t.ConversationIDs, id) {
				t.ConversationIDs = append(t.ConversationIDs, id)
			}
			if i == 0 {
				t.InboxID = &c.InboxID
				if t.ContactID == nil {
					t.ContactID = c.ContactID
				}
			}
		}
		p, err := s.ticketPipeline(ctx, tx, in.PipelineID)
		if err != nil {
			return err
		}
		if err := place(t, p, in.StageID); err != nil {
			return err
		}
		if err := checkOwner(ctx, tx, t.OwnerID); err != nil {
			return err
		}
		if t.ContactID != nil {
			contact, err := s.mayContact(ctx, &tx.Q, a, *t.ContactID, auth.Read)
			if err != nil && in.ContactID != nil {
				return parley.Invalid("contact_id", "no such contact")
			}
			if err == nil {
				t.CompanyID = contact.CompanyID
			}
		}
		if in.CompanyID != nil {
			if err := checkCompany(ctx, tx, *in.CompanyID); err != nil {
				return err
			}
			t.CompanyID = in.CompanyID
		}
		now := s.now()
		t.CreatedAt, t.UpdatedAt = now, now
		if err := tx.CreateTicket(ctx, t); err != nil {
			return err
		}
		return ticketEvent(ctx, tx, a, t, parley.EventTicketCreated, now, map[string]any{
			"ticket_id": t.ID, "subject": t.Subject, "pipeline_id": t.PipelineID, "stage_id": t.StageID, "stage": p.Stage(t.StageID).Name})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// ticketPipeline returns a ticket pipeline, the first one for id 0; a
// deal pipeline's id, or none, is EINVALID naming pipeline_id.
func (s *Service) ticketPipeline(ctx context.Context, tx *store.Tx, id parley.ID) (*parley.Pipeline, error) {
	return pipelineOf(ctx, tx, parley.PipelineTickets, id)
}

// pipelineOf returns a pipeline of a kind, the first one for id 0;
// another kind's id, or none, is EINVALID naming pipeline_id.
func pipelineOf(ctx context.Context, tx *store.Tx, kind parley.PipelineKind, id parley.ID) (*parley.Pipeline, error) {
	if id == 0 {
		ps, err := tx.Pipelines(ctx, kind)
		if err != nil {
			return nil, err
		}
		if len(ps) == 0 {
			return nil, parley.Invalid("pipeline_id", "there is no %s pipeline yet: an admin adds one in Settings", kind).Because("no_pipeline")
		}
		return &ps[0], nil
	}
	p, err := tx.Pipeline(ctx, id)
	if parley.ErrorCode(err) == parley.ENOTFOUND || err == nil && p.Kind != kind {
		return nil, parley.Invalid("pipeline_id", "is not a %s pipeline", kind)
	}
	return p, err
}

// place puts t in a stage of p (its first open one for 0), its status the
// stage's kind.
func place(t *parley.Ticket, p *parley.Pipeline, stageID parley.ID) error {
	st, err := stageIn(p, stageID)
	if err != nil {
		return err
	}
	t.PipelineID, t.StageID, t.Status = p.ID, st.ID, statusOf(st)
	return nil
}

// stageIn returns a stage of p, its first open one for 0, or EINVALID
// naming stage_id.
func stageIn(p *parley.Pipeline, stageID parley.ID) (*parley.Stage, error) {
	if stageID == 0 {
		for _, st := range p.Stages {
			if !st.Closed {
				stageID = st.ID
				break
			}
		}
	}
	st := p.Stage(stageID)
	if st == nil {
		return nil, parley.Invalid("stage_id", "is not a stage of the pipeline")
	}
	return st, nil
}

func statusOf(st *parley.Stage) parley.Status {
	if st.Closed {
		return parley.StatusClosed
	}
	return parley.StatusOpen
}

// checkTicket normalises what a ticket says of itself.
func checkTicket(t *parley.Ticket) error {
	t.Subject = strings.TrimSpace(t.Subject)
	if t.Priority == "" {
		t.Priority = "normal"
	}
	switch {
	case t.Subject == "" || len([]rune(t.Subject)) > 300:
		return parley.Invalid("subject", "is required, up to 300 characters")
	case len(t.Description) > 20_000:
		return parley.Invalid("description", "is longer than 20,000 bytes")
	case !slices.Contains(parley.Priorities, t.Priority):
		return parley.Invalid("priority", "must be low, normal, high or urgent")
	}
	return nil
}

// checkOwner checks the owner given a contact, company, ticket or deal:
// an active teammate who is no viewer; EINVALID naming owner_id says why
// not.
func checkOwner(ctx context.Context, tx *store.Tx, owner *parley.ID) error {
	if owner == nil {
		return nil
	}
	u, err := tx.User(ctx, *owner)
	switch {
	case parley.ErrorCode(err) == parley.ENOTFOUND:
		return parley.Invalid("owner_id", "no such user")
	case err != nil:
		return err
	case !u.Active():
		return parley.Invalid("owner_id", "%s is deactivated: choose an active teammate", u.Name).Because("routing_deactivated")
	case u.Role == parley.RoleViewer:
		return parley.Invalid("owner_id", "%s is a viewer: choose a teammate who works conversations", u.Name).Because("owner_viewer")
	}
	return nil
}

// Ticket returns a ticket the actor may see.
func (s *Service) Ticket(ctx context.Context, a parley.Actor, id parley.ID) (*parley.Ticket, error) {
	t, err := s.store.Ticket(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := record(ctx, s.store, a, t, auth.Read); err != nil {
		return nil, err
	}
	return t, readableOnly(ctx, s.store, a, &t.ConversationIDs)
}

// Tickets returns the tickets f chooses that the actor may see, most
// recently changed first.
func (s *Service) Tickets(ctx context.Context, a parley.Actor, f store.TicketFilter) ([]parley.Ticket, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	f.Readable = nil
	if auth.Admin(a) != nil {
		ids, err := auth.ReadableInboxIDs(ctx, s.store, a)
		if err != nil {
			return nil, err
		}
		f.Readable = &ids
	}
	ts, err := s.store.Tickets(ctx, f)
	if err != nil {
		return nil, err
	}
	lists := make([]*[]parley.ID, len(ts))
	for i := range ts {
		lists[i] = &ts[i].ConversationIDs
	}
	return ts, readableOnly(ctx, s.store, a, lists...)
}

// UpdateTicket changes a ticket the actor may act on: its words,
// priority, owner, or stage (its status following the stage's kind;
// another pipeline with a stage of it).
func (s *Service) UpdateTicket(ctx context.Context, a parley.Actor, id parley.ID, p TicketPatch) (*parley.Ticket, error) {
	var out *parley.Ticket
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		t, err := tx.Ticket(ctx, id)
		if err != nil {
			return err
		}
		if err := record(ctx, s.store, a, t, auth.Act); err != nil {
			return err
		}
		was := *t
		var fields []string
		set := func(name string, to *string, from *string) {
			if from != nil && *from != *to {
				*to = *from
				fields = append(fields, name)
			}
		}
		set("subject", &t.Subject, p.Subject)
		set("description", &t.Description, p.Description)
		set("priority", &t.Priority, p.Priority)
		if p.OwnerID != nil {
			var owner *parley.ID
			if *p.OwnerID != 0 {
				owner = p.OwnerID
			}
			if !sameID(owner, t.OwnerID) {
				// Given to someone by hand, it follows its conversation's
				// owner no more.
				t.OwnerID, t.FollowsID = owner, nil
				fields = append(fields, "owner_id")
			}
		}
		if p.ContactID != nil {
			var contact *parley.ID
			if *p.ContactID != 0 {
				if _, err := s.mayContact(ctx, &tx.Q, a, *p.ContactID, auth.Read); err != nil {
					return parley.Invalid("contact_id", "no such contact")
				}
				contact = p.ContactID
			}
			if !sameID(contact, t.ContactID) {
				t.ContactID = contact
				fields = append(fields, "contact_id")
			}
		}
		if p.CompanyID != nil {
			var company *parley.ID
			if *p.CompanyID != 0 {
				if err := checkCompany(ctx, tx, *p.CompanyID); err != nil {
					return err
				}
				company = p.CompanyID
			}
			if !sameID(company, t.CompanyID) {
				t.CompanyID = company
				fields = append(fields, "company_id")
			}
		}
		if err := checkTicket(t); err != nil {
			return err
		}
		if !sameID(t.OwnerID, was.OwnerID) {
			// Only a new owner is checked: one deactivated since keeps
			// the ticket editable.
			if err := checkOwner(ctx, tx, t.OwnerID); err != nil {
				return err
			}
		}
		var from, to *parley.Pipeline
		another := p.PipelineID != nil && *p.PipelineID != t.PipelineID
		if another || p.StageID != nil {
			pipeline, stage := t.PipelineID, t.StageID
			if another {
				pipeline, stage = *p.PipelineID, 0
			}
			if p.StageID != nil {
				stage = *p.StageID
			}
			if to, err = s.ticketPipeline(ctx, tx, pipeline); err != nil {
				return err
			}
			if err := place(t, to, stage); err != nil {
				return err
			}
			// The pipeline it leaves, for its stage's name only: read
			// without a lock, so two opposite moves never wait on each
			// other.
			if from, err = s.store.Pipeline(ctx, was.PipelineID); err != nil {
				return err
			}
		}
		moved := t.StageID != was.StageID
		if len(fields) == 0 && !moved {
			out = t
			return nil
		}
		now := s.now()
		t.UpdatedAt = now
		if err := tx.UpdateTicket(ctx, t); err != nil {
			return err
		}
		if len(fields) > 0 {
			if err := ticketEvent(ctx, tx, a, t, parley.EventTicketUpdated, now, map[string]any{"ticket_id": t.ID, "subject": t.Subject, "fields": fields}); err != nil {
				return err
			}
		}
		if moved {
			if err := ticketEvent(ctx, tx, a, t, parley.EventTicketStageChanged, now, map[string]any{"ticket_id": t.ID, "subject": t.Subject,
				"from_stage_id": was.StageID, "from_stage": from.Stage(was.StageID).Name, "to_stage_id": t.StageID, "to_stage": to.Stage(t.StageID).Name,
				"status": t.Status}); err != nil {
				return err
			}
		}
		out = t
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteTicket removes a ticket the actor may act on; its conversations
// stay.
func (s *Service) DeleteTicket(ctx context.Context, a parley.Actor, id parley.ID) error {
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		t, err := tx.Ticket(ctx, id)
		if err != nil {
			return err
		}
		if err := record(ctx, s.store, a, t, auth.Act); err != nil {
			return err
		}
		if err := tx.DeleteTicket(ctx, id); err != nil {
			return err
		}
		return ticketEvent(ctx, tx, a, t, parley.EventTicketDeleted, s.now(), map[string]any{"ticket_id": t.ID, "subject": t.Subject})
	})
}

// LinkTicket links a ticket and a conversation the actor may act in both
// (link true), or unlinks them.
func (s *Service) LinkTicket(ctx context.Context, a parley.Actor, ticketID, conversationID parley.ID, link bool) (*parley.Ticket, error) {
	var out *parley.Ticket
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		t, err := tx.Ticket(ctx, ticketID)
		if err != nil {
			return err
		}
		if err := record(ctx, s.store, a, t, auth.Act); err != nil {
			return err
		}
		c, err := auth.Conversation(ctx, s.store, a, conversationID, auth.Act)
		if err != nil {
			return err
		}
		now := s.now()
		linked := slices.Contains(t.ConversationIDs, c.ID)
		data := map[string]any{"ticket_id": t.ID, "subject": t.Subject}
		switch {
		case link && !linked:
			if err := tx.LinkTicket(ctx, t.ID, c.ID); err != nil {
				return err
			}
			t.ConversationIDs = append(t.ConversationIDs, c.ID)
			if t.InboxID == nil {
				// Seen through a conversation once, it stays its inbox's.
				t.InboxID = &c.InboxID
				if err := tx.UpdateTicket(ctx, t); err != nil {
					return err
				}
			}
			tx.Append(parley.NewEvent(parley.EventTicketLinked, a, now, data).In(c))
		case !link && linked:
			if err := tx.UnlinkTicket(ctx, t.ID, c.ID); err != nil {
				return err
			}
			if t.FollowsID != nil && *t.FollowsID == c.ID {
				t.FollowsID = nil // it follows the owner of a conversation it is no longer about no more
				if err := tx.UpdateTicket(ctx, t); err != nil {
					return err
				}
			}
			t.ConversationIDs = slices.DeleteFunc(t.ConversationIDs, func(id parley.ID) bool { return id == c.ID })
			tx.Append(parley.NewEvent(parley.EventTicketUnlinked, a, now, data).In(c))
		}
		out = t
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ticketEvent appends an event of t to the timeline of each conversation
// it is linked to, or, linked to none, to the organisation's.
func ticketEvent(ctx context.Context, tx *store.Tx, a parley.Actor, t *parley.Ticket, typ string, at time.Time, data map[string]any) error {
	return linkedEvent(ctx, tx, parley.NewEvent(typ, a, at, data), t.ConversationIDs, t.InboxID)
}

// linkedEvent appends e to the timeline of each of conversations, or,
// with none, to the organisation's (inbox's readers only, when not nil).
func linkedEvent(ctx context.Context, tx *store.Tx, e parley.Event, conversations []parley.ID, inbox *parley.ID) error {
	if len(conversations) == 0 {
		e.InboxID = inbox
		tx.Append(e)
		return nil
	}
	for _, id := range conversations {
		// Read without a lock: a record's paths lock the record, never its
		// conversations, so they never wait on a conversation's.
		inbox, err := tx.InboxOf(ctx, id)
		if err != nil {
			return err
		}
		scoped := e
		scoped.ConversationID, scoped.InboxID = &id, &inbox
		tx.Append(scoped)
	}
	return nil
}

// checkCompany says a company that does not exist is EINVALID naming
// company_id.
func checkCompany(ctx context.Context, tx *store.Tx, id parley.ID) error {
	_, err := tx.Company(ctx, id)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return parley.Invalid("company_id", "no such company")
	}
	return err
}

func sameID(a, b *parley.ID) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}
