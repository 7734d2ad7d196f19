package crm

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// Deals (SPEC CRM-1, CRM-2) are what a customer may buy, moved through a
// deal pipeline's stages: an amount in a currency, an owner, a close date,
// the contacts and the company it is with, the conversations it came
// from. Who may see one follows from those conversations as for a ticket
// (dealRecord): those who may read one of them; linked to none, the
// readers of the inbox it was first seen in, or, made on its own, everyone
// signed in; viewers read, the others edit. Every change is an event in
// each linked conversation's timeline, or the organisation's.

// DealInput is a new deal, or the fields of one to change: nil leaves a
// field as it is; OwnerID and CompanyID 0 take them away.
type DealInput struct {
	Name, Amount, Currency, CloseDate *string
	PipelineID, StageID               *parley.ID
	OwnerID, CompanyID                *parley.ID
	ContactIDs                        *[]parley.ID
	// ConversationIDs are the conversations a new deal is about; its
	// contacts and company default to the first one's contact's.
	ConversationIDs []parley.ID
}

// dealRecord checks that a may do p to a deal.
func dealRecord(ctx context.Context, m auth.Memberships, a parley.Actor, d *parley.Deal, p auth.Perm) error {
	if err := signedIn(a); err != nil {
		return err
	}
	var err error
	switch {
	case len(d.ConversationIDs) > 0:
		err = auth.Contact(ctx, m, a, d.ConversationIDs, p)
	case d.InboxID != nil:
		err = auth.Inbox(ctx, m, a, *d.InboxID, p)
	case p == auth.Act:
		err = auth.Author(a)
	}
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return parley.NotFound("deal")
	}
	return err
}

// CreateDeal opens a deal, in the first deal pipeline's first open stage
// unless told otherwise.
func (s *Service) CreateDeal(ctx context.Context, a parley.Actor, in DealInput) (*parley.Deal, error) {
	if err := auth.Author(a); err != nil {
		return nil, err
	}
	if in.Name == nil {
		return nil, parley.Invalid("name", "is required")
	}
	if len(in.ConversationIDs) > 20 {
		return nil, parley.Invalid("conversation_ids", "links at most 20 conversations")
	}
	d := &parley.Deal{}
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		for i, id := range in.ConversationIDs {
			c, err := auth.Conversation(ctx, tx, a, id, auth.Act)
			if parley.ErrorCode(err) == parley.ENOTFOUND {
				return parley.Invalid(fmt.Sprintf("conversation_ids[%d]", i), "no such conversation")
			}
			if err != nil {
				return err
			}
			if !slices.Contains(d.ConversationIDs, id) {
				d.ConversationIDs = append(d.ConversationIDs, id)
			}
			if i == 0 {
				d.InboxID = &c.InboxID
			}
			if i == 0 && c.ContactID != nil && in.ContactIDs == nil {
				contact, err := tx.Contact(ctx, *c.ContactID)
				if err != nil {
					return err
				}
				d.ContactIDs, d.CompanyID = []parley.ID{contact.ID}, contact.CompanyID
			}
		}
		zero := parley.ID(0)
		if in.PipelineID == nil {
			in.PipelineID = &zero
		}
		if in.StageID == nil {
			in.StageID = &zero
		}
		p, err := s.applyDeal(ctx, tx, a, d, in)
		if err != nil {
			return err
		}
		now := s.now()
		d.CreatedAt, d.UpdatedAt = now, now
		if err := tx.CreateDeal(ctx, d); err != nil {
			return err
		}
		return dealEvent(ctx, tx, a, d, parley.EventDealCreated, now, map[string]any{"stage_id": d.StageID, "stage": p.Stage(d.StageID).Name})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// applyDeal checks in and writes it onto d; it returns d's pipeline.
func (s *Service) applyDeal(ctx context.Context, tx *store.Tx, a parley.Actor, d *parley.Deal, in DealInput) (*parley.Pipeline, error) {
	if in.Name != nil {
		name := strings.Join(strings.Fields(*in.Name), " ")
		if name == "" || len([]rune(name)) > 300 {
			return nil, parley.Invalid("name", "is required, up to 300 characters")
		}
		d.Name = name
	}
	if in.Amount != nil {
		amount, err := Amount(*in.Amount)
		if err != nil {
			return nil, err
		}
		d.Amount = amount
	}
	if in.Currency != nil {
		cur := strings.ToUpper(strings.TrimSpace(*in.Currency))
		if cur != "" && (len(cur) != 3 || strings.ContainsFunc(cur, func(r rune) bool { return r < 'A' || r > 'Z' })) {
			return nil, parley.Invalid("currency", "is not a currency code such as EUR or USD").Because("currency_invalid")
		}
		d.Currency = cur
	}
	if d.Amount != "" && d.Currency == "" {
		return nil, parley.Invalid("currency", "is required with an amount").Because("currency_invalid")
	}
	if in.CloseDate != nil {
		day := strings.TrimSpace(*in.CloseDate)
		if day != "" {
			if _, err := time.Parse("2006-01-02", day); err != nil {
				return nil, parley.Invalid("close_date", "is not a date, YYYY-MM-DD")
			}
		}
		d.CloseDate = day
	}
	if in.OwnerID != nil {
		d.OwnerID = nil
		if *in.OwnerID != 0 {
			if err := checkOwner(ctx, tx, in.OwnerID); err != nil {
				return nil, err
			}
			d.OwnerID = in.OwnerID
		}
	}
	if in.CompanyID != nil {
		d.CompanyID = nil
		if *in.CompanyID != 0 {
			if err := checkCompany(ctx, tx, *in.CompanyID); err != nil {
				return nil, err
			}
			d.CompanyID = in.CompanyID
		}
	}
	if in.ContactIDs != nil {
		if len(*in.ContactIDs) > 20 {
			return nil, parley.Invalid("contact_ids", "has more than 20 contacts")
		}
		// Only a contact added is checked: one already on the deal that
		// the actor cannot see stays when they save the rest.
		was := d.ContactIDs
		d.ContactIDs = nil
		for i, id := range *in.ContactIDs {
			if slices.Contains(d.ContactIDs, id) {
				continue
			}
			if !slices.Contains(was, id) {
				if _, err := s.mayContact(ctx, &tx.Q, a, id, auth.Read); err != nil {
					return nil, parley.Invalid(fmt.Sprintf("contact_ids[%d]", i), "no such contact")
				}
			}
			d.ContactIDs = append(d.ContactIDs, id)
		}
	}
	pipelineID, stageID := d.PipelineID, d.StageID
	if in.PipelineID != nil && *in.PipelineID != d.PipelineID {
		pipelineID, stageID = *in.PipelineID, 0
	}
	if in.StageID != nil {
		stageID = *in.StageID
	}
	p, err := pipelineOf(ctx, tx, parley.PipelineDeals, pipelineID)
	if err != nil {
		return nil, err
	}
	st, err := stageIn(p, stageID)
	if err != nil {
		return nil, err
	}
	d.PipelineID, d.StageID, d.Status = p.ID, st.ID, statusOf(st)
	return p, nil
}

// Amount returns an amount as kept — a decimal number with a dot, at most
// two decimals, not negative — or EINVALID naming amount; "" is none.
func Amount(s string) (string, error) {
	s = strings.ReplaceAll(strings.ReplaceAll(strings.TrimSpace(s), " ", ""), "\u00a0", "")
	if s == "" {
		return "", nil
	}
	s = strings.ReplaceAll(s, ",", ".")
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n < 0 || n > 1e15 || strings.Contains(s, ".") && len(s)-strings.Index(s, ".")-1 > 2 {
		return "", parley.Invalid("amount", "is not an amount: a number, at most two decimals").Because("amount_invalid")
	}
	return strconv.FormatFloat(n, 'f', -1, 64), nil
}

// Deal returns a deal a may see.
func (s *Service) Deal(ctx context.Context, a parley.Actor, id parley.ID) (*parley.Deal, error) {
	d, err := s.store.Deal(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := dealRecord(ctx, s.store, a, d, auth.Read); err != nil {
		return nil, err
	}
	return d, readableOnly(ctx, s.store, a, &d.ConversationIDs)
}

// Deals returns the deals f chooses that a may see.
func (s *Service) Deals(ctx context.Context, a parley.Actor, f store.DealFilter) ([]parley.Deal, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	if auth.Admin(a) != nil {
		inboxes, err := auth.ReadableInboxIDs(ctx, s.store, a)
		if err != nil {
			return nil, err
		}
		f.Readable = &inboxes
	}
	ds, err := s.store.Deals(ctx, f)
	if err != nil {
		return nil, err
	}
	lists := make([]*[]parley.ID, len(ds))
	for i := range ds {
		lists[i] = &ds[i].ConversationIDs
	}
	return ds, readableOnly(ctx, s.store, a, lists...)
}

// UpdateDeal changes a deal's fields; a stage move says so in the
// timeline.
func (s *Service) UpdateDeal(ctx context.Context, a parley.Actor, id parley.ID, in DealInput) (*parley.Deal, error) {
	var out *parley.Deal
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		d, err := tx.Deal(ctx, id)
		if err != nil {
			return err
		}
		if err := dealRecord(ctx, s.store, a, d, auth.Act); err != nil {
			return err
		}
		was := *d
		was.ContactIDs = slices.Clone(d.ContactIDs)
		to, err := s.applyDeal(ctx, tx, a, d, in)
		if err != nil {
			return err
		}
		now := s.now()
		d.UpdatedAt = now
		if err := tx.UpdateDeal(ctx, d); err != nil {
			return err
		}
		if in.ContactIDs != nil && !slices.Equal(was.ContactIDs, d.ContactIDs) {
			if err := tx.SetDealContacts(ctx, d.ID, d.ContactIDs); err != nil {
				return err
			}
		}
		if d.StageID != was.StageID {
			from, err := s.store.Pipeline(ctx, was.PipelineID)
			if err != nil {
				return err
			}
			if err := dealEvent(ctx, tx, a, d, parley.EventDealStageChanged, now, map[string]any{
				"from_stage_id": was.StageID, "from_stage": from.Stage(was.StageID).Name, "to_stage_id": d.StageID, "to_stage": to.Stage(d.StageID).Name, "status": d.Status}); err != nil {
				return err
			}
		} else if err := dealEvent(ctx, tx, a, d, parley.EventDealUpdated, now, nil); err != nil {
			return err
		}
		out = d
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, readableOnly(ctx, s.store, a, &out.ConversationIDs)
}

// DeleteDeal removes a deal; its conversations and contacts stay.
func (s *Service) DeleteDeal(ctx context.Context, a parley.Actor, id parley.ID) error {
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		d, err := tx.Deal(ctx, id)
		if err != nil {
			return err
		}
		if err := dealRecord(ctx, s.store, a, d, auth.Act); err != nil {
			return err
		}
		if err := tx.DeleteDeal(ctx, id); err != nil {
			return err
		}
		return dealEvent(ctx, tx, a, d, parley.EventDealDeleted, s.now(), nil)
	})
}

// LinkDeal links a deal and a conversation the actor may act in both
// (link true), or unlinks them.
func (s *Service) LinkDeal(ctx context.Context, a parley.Actor, dealID, conversationID parley.ID, link bool) (*parley.Deal, error) {
	var out *parley.Deal
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		d, err := tx.Deal(ctx, dealID)
		if err != nil {
			return err
		}
		if err := dealRecord(ctx, s.store, a, d, auth.Act); err != nil {
			return err
		}
		c, err := auth.Conversation(ctx, s.store, a, conversationID, auth.Act)
		if err != nil {
			return err
		}
		linked := slices.Contains(d.ConversationIDs, c.ID)
		data := map[string]any{"deal_id": d.ID, "name": d.Name}
		switch {
		case link && !linked:
			if err := tx.LinkDeal(ctx, d.ID, c.ID); err != nil {
				return err
			}
			d.ConversationIDs = append(d.ConversationIDs, c.ID)
			if d.InboxID == nil {
				// Seen through a conversation once, it stays its inbox's.
				d.InboxID = &c.InboxID
				if err := tx.UpdateDeal(ctx, d); err != nil {
					return err
				}
			}
			tx.Append(parley.NewEvent(parley.EventDealLinked, a, s.now(), data).In(c))
		case !link && linked:
			if err := tx.UnlinkDeal(ctx, d.ID, c.ID); err != nil {
				return err
			}
			d.ConversationIDs = slices.DeleteFunc(d.ConversationIDs, func(id parley.ID) bool { return id == c.ID })
			tx.Append(parley.NewEvent(parley.EventDealUnlinked, a, s.now(), data).In(c))
		}
		out = d
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, readableOnly(ctx, s.store, a, &out.ConversationIDs)
}

// dealEvent appends an event of d, with its id and name beside data, to
// the timeline of each conversation it is linked to (the organisation's
// when none).
func dealEvent(ctx context.Context, tx *store.Tx, a parley.Actor, d *parley.Deal, typ string, at time.Time, data map[string]any) error {
	if data == nil {
		data = map[string]any{}
	}
	data["deal_id"], data["name"] = d.ID, d.Name
	return linkedEvent(ctx, tx, parley.NewEvent(typ, a, at, data), d.ConversationIDs, d.InboxID)
}
