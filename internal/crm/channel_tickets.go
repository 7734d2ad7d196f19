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
		if err := checkOwner(ctx, tx, ownerID); err != nil {
			return err
		}
		c.PipelineID = p.ID // the first pipeline, for 0
		if err := tx.PutChannelTickets(ctx, c); err != nil {
			return err
		}
		e := parley.NewEvent(parley.EventChannelUpdated, a, c.UpdatedAt, map[string]any{"channel_id": ch.ID, "tickets": true})
		e.InboxID = &ch.InboxID // its inbox's readers, as every channel change
		tx.Append(e)
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
		ch, err := tx.Channel(ctx, channelID)
		if err != nil {
			return err
		}
		if err := tx.DeleteChannelTickets(ctx, channelID); err != nil {
			return err
		}
		e := parley.NewEvent(parley.EventChannelUpdated, a, s.now(), map[string]any{"channel_id": channelID, "tickets": false})
		e.InboxID = &ch.InboxID
		tx.Append(e)
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
	return consume.Consumer{Name: "crm", Wants: wants, Handle: func(ctx context.Context, tx *store.Tx, e parley.Event) error {
		if !wants(e) {
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

// wants says which events the crm's consumer handles: a conversation's
// creation and its changes of hands.
func wants(e parley.Event) bool {
	switch e.Type {
	case parley.EventConversationCreated, parley.EventAssigned, parley.EventReassigned, parley.EventUnassigned, parley.EventRouted:
		return e.ConversationID != nil
	}
	return false
}

// openFor opens the ticket of a new conversation, if its channel treats
// conversations as tickets and it has none yet: a customer's (not one an
// agent started, nor imported history), still open in the inbox (not
// filtered, spam or trash), and new since the channel was set to.
func openFor(ctx context.Context, tx *store.Tx, conversationID parley.ID, now time.Time) error {
	c, err := tx.Conversation(ctx, conversationID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil
	}
	if err != nil || c.Placement != parley.PlacementInbox || c.Origin == parley.OriginAgent || c.Status != parley.StatusOpen {
		return err
	}
	setting, err := tx.ChannelTickets(ctx, c.ChannelID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	if c.CreatedAt.Before(setting.UpdatedAt) {
		return nil // the consumer is behind: this one came before the setting
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
	t := &parley.Ticket{Subject: subject, Priority: "normal", ContactID: c.ContactID, ConversationIDs: []parley.ID{c.ID}, InboxID: &c.InboxID,
		CreatedAt: now, UpdatedAt: now}
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
// owner now. Each ticket is locked and read again before the
// conversation, the order every ticket path takes, and changed only while
// it still follows: an agent's edit in between is never overwritten.
func follow(ctx context.Context, tx *store.Tx, conversationID parley.ID, now time.Time) error {
	found, err := tx.Tickets(ctx, store.TicketFilter{FollowsID: conversationID, Limit: 500})
	if err != nil || len(found) == 0 {
		return err
	}
	for _, f := range found {
		t, err := tx.Ticket(ctx, f.ID)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			continue
		}
		if err != nil {
			return err
		}
		c, err := tx.Conversation(ctx, conversationID)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			return nil
		}
		if err != nil {
			return err
		}
		if t.FollowsID == nil || *t.FollowsID != conversationID || sameID(t.OwnerID, c.AssigneeID) {
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
