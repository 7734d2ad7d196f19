package server

import (
	"context"
	"time"

	"github.com/parleyhq/parley/internal/crm"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

type dealJSON struct {
	ID              parley.ID     `json:"id"`
	Name            string        `json:"name"`
	Amount          string        `json:"amount" doc:"A decimal number (\"1250.5\"), empty for none."`
	Currency        string        `json:"currency" doc:"ISO 4217, such as EUR."`
	PipelineID      parley.ID     `json:"pipeline_id"`
	StageID         parley.ID     `json:"stage_id"`
	Status          parley.Status `json:"status" enum:"open,closed" doc:"Follows the stage: closed in a closed stage (won or lost)."`
	OwnerID         *parley.ID    `json:"owner_id"`
	CloseDate       string        `json:"close_date" doc:"YYYY-MM-DD, empty for none."`
	CompanyID       *parley.ID    `json:"company_id"`
	ContactIDs      []parley.ID   `json:"contact_ids"`
	ConversationIDs []parley.ID   `json:"conversation_ids"`
	CreatedAt       time.Time     `json:"created_at"`
	UpdatedAt       time.Time     `json:"updated_at"`
}

func dealView(d *parley.Deal) dealJSON {
	return dealJSON{ID: d.ID, Name: d.Name, Amount: d.Amount, Currency: d.Currency, PipelineID: d.PipelineID, StageID: d.StageID, Status: d.Status,
		OwnerID: d.OwnerID, CloseDate: d.CloseDate, CompanyID: d.CompanyID, ContactIDs: orEmpty(d.ContactIDs), ConversationIDs: orEmpty(d.ConversationIDs),
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
}

type dealsInput struct {
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

// listDeals pages through the deals the caller may see, most recently
// changed first.
func (s *Server) listDeals(ctx context.Context, a parley.Actor, in *dealsInput) (*body[listJSON[dealJSON]], error) {
	after, err := decodeCursor(in.Cursor)
	if err != nil {
		return nil, err
	}
	f := store.DealFilter{PipelineID: in.PipelineID, StageID: in.StageID, Status: in.Status, ContactID: in.ContactID, CompanyID: in.CompanyID,
		ConversationID: in.ConversationID, After: after, Limit: in.Limit}
	if f.OwnerID, err = ownerQuery(in.Owner); err != nil {
		return nil, err
	}
	ds, err := s.crm.Deals(ctx, a, f)
	if err != nil {
		return nil, err
	}
	out := make([]dealJSON, len(ds))
	for i := range ds {
		out[i] = dealView(&ds[i])
	}
	var last *store.Cursor
	if len(ds) == in.Limit {
		last = &store.Cursor{At: ds[len(ds)-1].UpdatedAt, ID: ds[len(ds)-1].ID}
	}
	return byChange(out, last), nil
}

// dealBody is a deal's fields as a person writes them; an absent field
// stays as it is.
type dealBody struct {
	Name       *string      `json:"name,omitempty" maxLength:"300"`
	Amount     *string      `json:"amount,omitempty" maxLength:"30" doc:"A number, a dot or a comma for decimals (two at most); empty for none."`
	Currency   *string      `json:"currency,omitempty" maxLength:"3" doc:"ISO 4217, such as EUR; required with an amount."`
	PipelineID *parley.ID   `json:"pipeline_id,omitempty" doc:"A deal pipeline; absent on a new deal: the first."`
	StageID    *parley.ID   `json:"stage_id,omitempty" doc:"Absent on a new deal: the pipeline's first open stage."`
	OwnerID    *parley.ID   `json:"owner_id,omitempty" doc:"0 takes the owner away."`
	CloseDate  *string      `json:"close_date,omitempty" doc:"YYYY-MM-DD; empty for none."`
	CompanyID  *parley.ID   `json:"company_id,omitempty" doc:"0 takes the company away. Absent on a new deal: the first conversation's contact's."`
	ContactIDs *[]parley.ID `json:"contact_ids,omitempty" maxItems:"20" doc:"Absent on a new deal: the first conversation's contact."`
	// ConversationIDs serve a new deal only: a deal's conversations
	// change one at a time (PUT and DELETE …/deals/{id}/conversations/{conversation_id}).
	ConversationIDs []parley.ID `json:"conversation_ids,omitempty" maxItems:"20" doc:"On a new deal: the conversations it comes from (you must be able to act in them). Refused on a change: link and unlink them one at a time."`
}

func (b dealBody) input() crm.DealInput {
	return crm.DealInput{Name: b.Name, Amount: b.Amount, Currency: b.Currency, CloseDate: b.CloseDate, PipelineID: b.PipelineID, StageID: b.StageID,
		OwnerID: b.OwnerID, CompanyID: b.CompanyID, ContactIDs: b.ContactIDs, ConversationIDs: b.ConversationIDs}
}

type createDealInput struct {
	Body dealBody
}

func (s *Server) createDeal(ctx context.Context, a parley.Actor, in *createDealInput) (*body[dealJSON], error) {
	d, err := s.crm.CreateDeal(ctx, a, in.Body.input())
	if err != nil {
		return nil, err
	}
	return &body[dealJSON]{dealView(d)}, nil
}

func (s *Server) getDeal(ctx context.Context, a parley.Actor, in *idInput) (*body[dealJSON], error) {
	d, err := s.crm.Deal(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	return &body[dealJSON]{dealView(d)}, nil
}

type updateDealInput struct {
	ID   parley.ID `path:"id"`
	Body dealBody
}

func (s *Server) updateDeal(ctx context.Context, a parley.Actor, in *updateDealInput) (*body[dealJSON], error) {
	if in.Body.ConversationIDs != nil {
		return nil, parley.Invalid("conversation_ids", "link and unlink conversations one at a time: PUT or DELETE /api/v1/deals/{id}/conversations/{conversation_id}")
	}
	d, err := s.crm.UpdateDeal(ctx, a, in.ID, in.Body.input())
	if err != nil {
		return nil, err
	}
	return &body[dealJSON]{dealView(d)}, nil
}

func (s *Server) deleteDeal(ctx context.Context, a parley.Actor, in *idInput) (*struct{}, error) {
	return nil, s.crm.DeleteDeal(ctx, a, in.ID)
}

func (s *Server) linkDeal(ctx context.Context, a parley.Actor, in *ticketLinkInput) (*body[dealJSON], error) {
	d, err := s.crm.LinkDeal(ctx, a, in.ID, in.ConversationID, true)
	if err != nil {
		return nil, err
	}
	return &body[dealJSON]{dealView(d)}, nil
}

func (s *Server) unlinkDeal(ctx context.Context, a parley.Actor, in *ticketLinkInput) (*body[dealJSON], error) {
	d, err := s.crm.LinkDeal(ctx, a, in.ID, in.ConversationID, false)
	if err != nil {
		return nil, err
	}
	return &body[dealJSON]{dealView(d)}, nil
}
