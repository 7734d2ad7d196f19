package server

import (
	"context"
	"strconv"
	"time"

	"github.com/parleyhq/parley/internal/crm"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Pipelines and tickets (SPEC CRM-3, CRM-2): admins define the pipelines;
// who may see and change a ticket follows from the conversations it is
// linked to (crm.record).

type stageJSON struct {
	ID     parley.ID `json:"id"`
	Name   string    `json:"name"`
	Closed bool      `json:"closed" doc:"A closed stage closes the tickets that reach it."`
}

type pipelineJSON struct {
	ID     parley.ID           `json:"id"`
	Kind   parley.PipelineKind `json:"kind" enum:"ticket,deal"`
	Name   string              `json:"name"`
	Stages []stageJSON         `json:"stages"`
}

// pipelineBody is a pipeline as written: its stages in order, each kept
// by its id or new without one.
type pipelineBody struct {
	Kind   parley.PipelineKind `json:"kind" enum:"ticket,deal"`
	Name   string              `json:"name" maxLength:"100"`
	Stages []stageBody         `json:"stages" maxItems:"20"`
}

type stageBody struct {
	ID     parley.ID `json:"id,omitempty" doc:"A stage to keep; absent for a new one."`
	Name   string    `json:"name" maxLength:"60"`
	Closed bool      `json:"closed,omitempty" doc:"A closed stage closes the tickets that reach it."`
}

func pipelineView(p *parley.Pipeline) pipelineJSON {
	out := pipelineJSON{ID: p.ID, Kind: p.Kind, Name: p.Name, Stages: []stageJSON{}}
	for _, st := range p.Stages {
		out.Stages = append(out.Stages, stageJSON{ID: st.ID, Name: st.Name, Closed: st.Closed})
	}
	return out
}

func (in pipelineBody) pipeline() parley.Pipeline {
	p := parley.Pipeline{Kind: in.Kind, Name: in.Name}
	for _, st := range in.Stages {
		p.Stages = append(p.Stages, parley.Stage{ID: st.ID, Name: st.Name, Closed: st.Closed})
	}
	return p
}

type pipelinesInput struct {
	Kind parley.PipelineKind `query:"kind" enum:"ticket,deal" default:"ticket"`
}

func (s *Server) listPipelines(ctx context.Context, a parley.Actor, in *pipelinesInput) (*body[listJSON[pipelineJSON]], error) {
	ps, err := s.crm.Pipelines(ctx, a, in.Kind)
	if err != nil {
		return nil, err
	}
	out := make([]pipelineJSON, len(ps))
	for i := range ps {
		out[i] = pipelineView(&ps[i])
	}
	return list(out), nil
}

type pipelineInput struct {
	Body pipelineBody
}

func (s *Server) createPipeline(ctx context.Context, a parley.Actor, in *pipelineInput) (*body[pipelineJSON], error) {
	p, err := s.crm.CreatePipeline(ctx, a, in.Body.pipeline())
	if err != nil {
		return nil, err
	}
	return &body[pipelineJSON]{pipelineView(p)}, nil
}

type updatePipelineInput struct {
	ID   parley.ID `path:"id"`
	Body pipelineBody
}

// updatePipeline renames a pipeline and sets its stages as listed: a
// stage with its id is kept, one without is added, one left out removed
// (409 while tickets are in it).
func (s *Server) updatePipeline(ctx context.Context, a parley.Actor, in *updatePipelineInput) (*body[pipelineJSON], error) {
	p, err := s.crm.UpdatePipeline(ctx, a, in.ID, in.Body.pipeline())
	if err != nil {
		return nil, err
	}
	return &body[pipelineJSON]{pipelineView(p)}, nil
}

func (s *Server) deletePipeline(ctx context.Context, a parley.Actor, in *idInput) (*struct{}, error) {
	return nil, s.crm.DeletePipeline(ctx, a, in.ID)
}

type ticketJSON struct {
	ID              parley.ID     `json:"id"`
	Subject         string        `json:"subject"`
	Description     string        `json:"description"`
	PipelineID      parley.ID     `json:"pipeline_id"`
	StageID         parley.ID     `json:"stage_id"`
	Status          parley.Status `json:"status" enum:"open,closed" doc:"Follows the stage: closed in a closed stage."`
	Priority        string        `json:"priority" enum:"low,normal,high,urgent"`
	OwnerID         *parley.ID    `json:"owner_id"`
	ContactID       *parley.ID    `json:"contact_id"`
	CompanyID       *parley.ID    `json:"company_id"`
	ConversationIDs []parley.ID   `json:"conversation_ids"`
	CreatedAt       time.Time     `json:"created_at"`
	UpdatedAt       time.Time     `json:"updated_at"`
}

func ticketView(t *parley.Ticket) ticketJSON {
	return ticketJSON{ID: t.ID, Subject: t.Subject, Description: t.Description, PipelineID: t.PipelineID, StageID: t.StageID, Status: t.Status,
		Priority: t.Priority, OwnerID: t.OwnerID, ContactID: t.ContactID, CompanyID: t.CompanyID, ConversationIDs: orEmpty(t.ConversationIDs), CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

type ticketsInput struct {
	PipelineID     parley.ID     `query:"pipeline_id"`
	StageID        parley.ID     `query:"stage_id"`
	Status         parley.Status `query:"status" enum:"open,closed,"`
	Owner          string        `query:"owner" doc:"A user's id, or none."`
	ContactID      parley.ID     `query:"contact_id"`
	CompanyID      parley.ID     `query:"company_id"`
	ConversationID parley.ID     `query:"conversation_id"`
	Cursor         string        `query:"cursor" doc:"next_cursor of the previous page."`
	Limit          int           `query:"limit" minimum:"1" maximum:"500" default:"100"`
}

// listTickets pages through the tickets the caller may see, most recently
// changed first.
func (s *Server) listTickets(ctx context.Context, a parley.Actor, in *ticketsInput) (*body[listJSON[ticketJSON]], error) {
	after, err := decodeCursor(in.Cursor)
	if err != nil {
		return nil, err
	}
	f := store.TicketFilter{PipelineID: in.PipelineID, StageID: in.StageID, Status: in.Status, ContactID: in.ContactID,
		CompanyID: in.CompanyID, ConversationID: in.ConversationID, After: after, Limit: in.Limit}
	if f.OwnerID, err = ownerQuery(in.Owner); err != nil {
		return nil, err
	}
	ts, err := s.crm.Tickets(ctx, a, f)
	if err != nil {
		return nil, err
	}
	out := make([]ticketJSON, len(ts))
	for i := range ts {
		out[i] = ticketView(&ts[i])
	}
	var last *store.Cursor
	if len(ts) == in.Limit {
		last = &store.Cursor{At: ts[len(ts)-1].UpdatedAt, ID: ts[len(ts)-1].ID}
	}
	return byChange(out, last), nil
}

// byChange is a page of records most recently changed first, with the
// cursor of the page after last (none when nil).
func byChange[T any](items []T, last *store.Cursor) *body[listJSON[T]] {
	res := list(items)
	if last != nil {
		next := encodeCursor(*last)
		res.Body.NextCursor = &next
	}
	return res
}

// ownerQuery reads an owner filter, empty for none: a user's id, or
// none (0).
func ownerQuery(s string) (*parley.ID, error) {
	if s == "" {
		return nil, nil
	}
	id, err := ownerParam(s)
	return &id, err
}

// ownerParam reads an owner filter: a user's id, or none (0).
func ownerParam(s string) (parley.ID, error) {
	if s == "none" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, parley.Invalid("owner", "must be a user's id or none")
	}
	return parley.ID(id), nil
}

type createTicketInput struct {
	Body struct {
		Subject         string      `json:"subject" maxLength:"300"`
		Description     string      `json:"description,omitempty" maxLength:"20000"`
		PipelineID      parley.ID   `json:"pipeline_id,omitempty" doc:"Absent: the first ticket pipeline."`
		StageID         parley.ID   `json:"stage_id,omitempty" doc:"Absent: the pipeline's first open stage."`
		Priority        string      `json:"priority,omitempty" enum:"low,normal,high,urgent"`
		OwnerID         *parley.ID  `json:"owner_id,omitempty"`
		ContactID       *parley.ID  `json:"contact_id,omitempty" doc:"Absent: the first conversation's contact."`
		CompanyID       *parley.ID  `json:"company_id,omitempty" doc:"Absent: the contact's company."`
		ConversationIDs []parley.ID `json:"conversation_ids,omitempty" maxItems:"20" doc:"Conversations it is about (you must be able to act in them)."`
	}
}

func (s *Server) createTicket(ctx context.Context, a parley.Actor, in *createTicketInput) (*body[ticketJSON], error) {
	b := in.Body
	t, err := s.crm.CreateTicket(ctx, a, crm.TicketInput{Subject: b.Subject, Description: b.Description, PipelineID: b.PipelineID, StageID: b.StageID,
		Priority: b.Priority, OwnerID: b.OwnerID, ContactID: b.ContactID, CompanyID: b.CompanyID, ConversationIDs: b.ConversationIDs})
	if err != nil {
		return nil, err
	}
	return &body[ticketJSON]{ticketView(t)}, nil
}

func (s *Server) getTicket(ctx context.Context, a parley.Actor, in *idInput) (*body[ticketJSON], error) {
	t, err := s.crm.Ticket(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return &body[ticketJSON]{ticketView(t)}, nil
}

type updateTicketInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		Subject     *string    `json:"subject,omitempty" maxLength:"300"`
		Description *string    `json:"description,omitempty" maxLength:"20000"`
		Priority    *string    `json:"priority,omitempty" enum:"low,normal,high,urgent"`
		PipelineID  *parley.ID `json:"pipeline_id,omitempty" doc:"Another ticket pipeline (with stage_id, else its first open stage)."`
		StageID     *parley.ID `json:"stage_id,omitempty"`
		OwnerID     *parley.ID `json:"owner_id,omitempty" doc:"0 takes the owner away."`
		ContactID   *parley.ID `json:"contact_id,omitempty" doc:"0 takes the contact away."`
		CompanyID   *parley.ID `json:"company_id,omitempty" doc:"0 takes the company away."`
	}
}

func (s *Server) updateTicket(ctx context.Context, a parley.Actor, in *updateTicketInput) (*body[ticketJSON], error) {
	b := in.Body
	t, err := s.crm.UpdateTicket(ctx, a, in.ID, crm.TicketPatch{Subject: b.Subject, Description: b.Description, Priority: b.Priority,
		PipelineID: b.PipelineID, StageID: b.StageID, OwnerID: b.OwnerID, ContactID: b.ContactID, CompanyID: b.CompanyID})
	if err != nil {
		return nil, err
	}
	return &body[ticketJSON]{ticketView(t)}, nil
}

func (s *Server) deleteTicket(ctx context.Context, a parley.Actor, in *idInput) (*struct{}, error) {
	return nil, s.crm.DeleteTicket(ctx, a, in.ID)
}

type ticketLinkInput struct {
	ID             parley.ID `path:"id"`
	ConversationID parley.ID `path:"conversation_id"`
}

func (s *Server) linkTicket(ctx context.Context, a parley.Actor, in *ticketLinkInput) (*body[ticketJSON], error) {
	t, err := s.crm.LinkTicket(ctx, a, in.ID, in.ConversationID, true)
	if err != nil {
		return nil, err
	}
	return &body[ticketJSON]{ticketView(t)}, nil
}

func (s *Server) unlinkTicket(ctx context.Context, a parley.Actor, in *ticketLinkInput) (*body[ticketJSON], error) {
	t, err := s.crm.LinkTicket(ctx, a, in.ID, in.ConversationID, false)
	if err != nil {
		return nil, err
	}
	return &body[ticketJSON]{ticketView(t)}, nil
}

type channelTicketsJSON struct {
	PipelineID parley.ID  `json:"pipeline_id"`
	StageID    parley.ID  `json:"stage_id"`
	OwnerID    *parley.ID `json:"owner_id" doc:"Who owns the tickets; null: whoever owns the conversation, reassignments included."`
}

// getChannelTickets says whether a channel treats its incoming
// conversations as tickets (admins): null when it does not.
func (s *Server) getChannelTickets(ctx context.Context, a parley.Actor, in *idInput) (*body[*channelTicketsJSON], error) {
	c, err := s.crm.ChannelTickets(ctx, a, in.ID)
	if err != nil || c == nil {
		return &body[*channelTicketsJSON]{}, err
	}
	return &body[*channelTicketsJSON]{&channelTicketsJSON{PipelineID: c.PipelineID, StageID: c.StageID, OwnerID: c.OwnerID}}, nil
}

type setChannelTicketsInput struct {
	ID   parley.ID `path:"id"`
	Body struct {
		PipelineID parley.ID  `json:"pipeline_id"`
		StageID    parley.ID  `json:"stage_id"`
		OwnerID    *parley.ID `json:"owner_id,omitempty" doc:"A fixed owner; absent: whoever owns the conversation."`
	}
}

// setChannelTickets makes a channel open a ticket for each new
// conversation (admins).
func (s *Server) setChannelTickets(ctx context.Context, a parley.Actor, in *setChannelTicketsInput) (*body[*channelTicketsJSON], error) {
	c, err := s.crm.SetChannelTickets(ctx, a, in.ID, in.Body.PipelineID, in.Body.StageID, in.Body.OwnerID)
	if err != nil {
		return nil, err
	}
	return &body[*channelTicketsJSON]{&channelTicketsJSON{PipelineID: c.PipelineID, StageID: c.StageID, OwnerID: c.OwnerID}}, nil
}

func (s *Server) clearChannelTickets(ctx context.Context, a parley.Actor, in *idInput) (*struct{}, error) {
	return nil, s.crm.ClearChannelTickets(ctx, a, in.ID)
}
