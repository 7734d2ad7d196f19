package crm

import (
	"context"
	"time"

	"github.com/parleyhq/parley/internal/auth"
	"github.com/parleyhq/parley/internal/consume"
	"github.com/parleyhq/parley/internal/parley"
	"github.com/parleyhq/parley/internal/store"
)

// A channel may treat its incoming conversations as tickets (SPEC CRM-3):
// each new conversation opens a ticket in a chosen pipeline and stage,
// owned by a chosen person or, by default, by whoever owns the
// conversation — reassignments included. The crm consumer of the log does
// it, in the transaction that moves its cursor, so every conversation gets
// its ticket once, whatever crashes.

// ChannelTickets returns a channel's setting (admins), nil when it opens
// no tickets.
func (s *Service) ChannelTickets(ctx context.Context, a parley.Actor, channelID parley.ID) (*store.ChannelTickets, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	if _, err := s.store.Channel(ctx, channelID); err != nil {
		return nil, err
	}
	c, err := s.store.ChannelTickets(ctx, channelID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, nil
	}
	return c, err
}

// SetChannelTickets makes a channel open a ticket for each new
// conversation (admins), in a ticket pipeline's stage, owned by ownerID or
// (nil) the conversation's owner.
func (s *Service) SetChannelTickets(ctx context.Context, a parley.Actor, channelID, pipelineID, stageID parley.ID, ownerID *parley.ID) (*store.ChannelTickets, error) {
	if err := auth.Admin(a); err != nil {
		return nil, err
	}
	c := &store.ChannelTickets{ChannelID: channelID, PipelineID: pipelineID, StageID: stageID, OwnerID: ownerID, UpdatedAt: s.now()}
	err := s.store.InTx(ctx, func(tx *store.Tx) error {
		ch, err := tx.Channel(ctx, channelID)
		if err != nil {
			return err
		}
		p, err := s.ticketPipeline(ctx, tx, pipelineID)
		if err != nil {
			return err
		}
		if p.Stage(stageID) == nil {
			return parley.Invalid("stage_id", "is not a stage of the pipeline")
		}
		if err := s.checkPeople(ctx, tx, a, &parley.Ticket{OwnerID: ownerID}); err != nil {
			return err
		}
		if err := tx.PutChannelTickets(ctx, c); err != nil {
			return err
		}
		tx.Append(parley.NewEvent(parley.EventChannelUpdated, a, c.UpdatedAt, map[string]any{"channel_id": ch.ID, "tickets": true}))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ClearChannelTickets stops a channel opening tickets (admins).
func (s *Service) ClearChannelTickets(ctx context.Context, a parley.Actor, channelID parley.ID) error {
	if err := auth.Admin(a); err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Channel(ctx, channelID); err != nil {
			return err
		}
		if err := tx.DeleteChannelTickets(ctx, channelID); err != nil {
			return err
		}
		tx.Append(parley.NewEvent(parley.EventChannelUpdated, a, s.now(), map[string]any{"channel_id": channelID, "tickets": false}))
		return nil
	})
}

// Consumer is the crm's reaction to the log: a new conversation on a
// channel that treats them as tickets opens its ticket; a conversation
// changing hands hands the tickets that follow it on.
func Consumer(now func() time.Time) consume.Consumer {
	if now == nil {
		now = time.Now
	}
	return consume.Consumer{Name: "crm", Handle: func(ctx context.Context, tx *store.Tx, e parley.Event) error {
		if e.ConversationID == nil {
			return nil
		}
		switch e.Type {
		case parley.EventConversationCreated:
			return openFor(ctx, tx, *e.ConversationID, parley.Normalize(now()))
		case parley.EventAssigned, parley.EventReassigned, parley.EventUnassigned, parley.EventRouted:
			return follow(ctx, tx, *e.ConversationID, parley.Normalize(now()))
		}
		return nil
	}}
}

// openFor opens the ticket of a new conversation, if its channel treats
// conversations as tickets and it has none yet (the conversation still
// there, in the inbox: not filtered, spam or trash).
func openFor(ctx context.Context, tx *store.Tx, conversationID parley.ID, now time.Time) error {
	c, err := tx.Conversation(ctx, conversationID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil
	}
	if err != nil || c.Placement != parley.PlacementInbox {
		return err
	}
	setting, err := tx.ChannelTickets(ctx, c.ChannelID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if had, err := tx.Tickets(ctx, store.TicketFilter{ConversationID: c.ID, Limit: 1}); err != nil || len(had) > 0 {
		return err
	}
	p, err := tx.Pipeline(ctx, setting.PipelineID)
	if err != nil {
		return err
	}
	subject := c.Subject
	if subject == "" {
		subject = c.Preview
	}
	if r := []rune(subject); len(r) > 300 {
		subject = string(r[:300])
	}
	if subject == "" {
		subject = "—"
	}
	t := &parley.Ticket{Subject: subject, Priority: "normal", ContactID: c.ContactID, ConversationIDs: []parley.ID{c.ID}, CreatedAt: now, UpdatedAt: now}
	if setting.OwnerID != nil {
		t.OwnerID = setting.OwnerID
	} else {
		t.OwnerID, t.FollowsID = c.AssigneeID, &c.ID
	}
	if err := place(t, p, setting.StageID); err != nil {
		return nil // the stage went since: nothing to open it in
	}
	if err := tx.CreateTicket(ctx, t); err != nil {
		return err
	}
	return ticketEvent(ctx, tx, parley.System, t, parley.EventTicketCreated, now, map[string]any{
		"ticket_id": t.ID, "subject": t.Subject, "pipeline_id": t.PipelineID, "stage_id": t.StageID, "stage": p.Stage(t.StageID).Name, "channel_id": c.ChannelID})
}

// follow gives the tickets that follow a conversation's owner to its
// owner now.
func follow(ctx context.Context, tx *store.Tx, conversationID parley.ID, now time.Time) error {
	c, err := tx.Conversation(ctx, conversationID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	ts, err := tx.Tickets(ctx, store.TicketFilter{FollowsID: conversationID, Limit: 500})
	if err != nil {
		return err
	}
	for i := range ts {
		t := &ts[i]
		if sameID(t.OwnerID, c.AssigneeID) {
			continue
		}
		t.OwnerID, t.UpdatedAt = c.AssigneeID, now
		if err := tx.UpdateTicket(ctx, t); err != nil {
			return err
		}
		if err := ticketEvent(ctx, tx, parley.System, t, parley.EventTicketUpdated, now, map[string]any{"ticket_id": t.ID, "subject": t.Subject,
			"fields": []string{"owner_id"}, "owner_id": t.OwnerID}); err != nil {
			return err
		}
	}
	return nil
}
